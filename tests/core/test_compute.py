"""Computed fields reproduce the printed seed 000 values exactly (sheet-format.md §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.core.definition import get_form
from desktop.core.values import compute, normalize_values

R01 = get_form("mofa-r01")
H30 = get_form("mofa-h30")


def test_seed_000_values(r01_values: dict) -> None:
    c = compute(R01, r01_values)
    assert c["c3_2_diff"].text == "9,349,088"
    assert c["c3_2_diff_ratio"].text == "0.5％"  # truncation: 0.5790 → 0.5
    assert c["c3_3_diff"].text == "0"
    assert c["c3_3_diff_ratio"].text == "0％"  # zero prints without a decimal
    assert c["c4_1_jp_ratio"].text == "1.7％"  # half-up: 1.6959 → 1.7
    assert c["c4_1_jp_prev_avg"].text == "22.7"
    assert c["c4_1_jp_change"].text == "7.3"


def test_seed_001_ratio(h30_doc: dict) -> None:
    assert compute(H30, h30_doc["values"])["jp_ratio"].text == "1.7%"


def test_exact_values_use_decimal(r01_values: dict) -> None:
    c = compute(R01, r01_values)
    assert c["c4_1_jp_prev_avg"].exact == Decimal(68) / Decimal(3)
    assert c["c3_2_diff_ratio"].exact == Decimal(9349088) / Decimal(1614702000) * 100
    assert isinstance(c["c3_2_diff"].exact, Decimal)


@pytest.mark.parametrize(
    ("budget", "actual", "text"),
    [
        (1000, 999, "0.1％"),  # 0.1 exactly
        (3000, 2999, "0％"),  # 0.0333 truncates to 0.0 → zero form
        (1000, 1, "99.9％"),
        (7, 6, "14.2％"),  # 14.2857 truncates, half-up would give 14.3
        (100, 0, "100.0％"),
        (100, 150, "-50.0％"),  # over-execution: a negative difference
    ],
)
def test_diff_ratio_truncates(budget: int, actual: int, text: str) -> None:
    assert compute(R01, {"c3_2_budget": budget, "c3_2_actual": actual})["c3_2_diff_ratio"].text == text


@pytest.mark.parametrize(("jp", "total", "text"), [(1, 8, "12.5％"), (1, 16, "6.3％"), (1, 3, "33.3％"), (2, 3, "66.7％")])
def test_jp_ratio_rounds_half_up(jp: int, total: int, text: str) -> None:
    # 12.5 → 12.5; 6.25 → 6.3 (half-up, not banker's 6.2)
    assert compute(R01, {"c4_1_jp_staff": jp, "c4_1_total_staff": total})["c4_1_jp_ratio"].text == text


def test_missing_inputs_leave_computed_blank() -> None:
    c = compute(R01, {"c3_2_budget": 100})
    assert c["c3_2_diff"].text == "" and c["c3_2_diff"].exact is None
    assert c["c3_2_diff_ratio"].text == ""


def test_division_by_zero_is_blank_not_an_error() -> None:
    c = compute(R01, {"c3_2_budget": 0, "c3_2_actual": 0})
    assert c["c3_2_diff"].text == "0"
    assert c["c3_2_diff_ratio"].text == ""


def test_unparsed_draft_input_does_not_break_compute() -> None:
    c = compute(R01, {"c3_2_budget": "abc", "c3_2_actual": 5})
    assert c["c3_2_diff"].text == ""


def test_change_can_be_negative() -> None:
    dec = compute(R01, {"c4_1_jp_staff": 20, "c4_1_jp_prev1": 25, "c4_1_jp_prev2": 23, "c4_1_jp_prev3": 20})
    assert dec["c4_1_jp_prev_avg"].text == "22.7"
    assert dec["c4_1_jp_change"].text == "-2.7"


@pytest.mark.parametrize(
    ("field", "value"),
    [("c4_1_jp_staff", 10**27), ("c4_1_jp_staff", "9" * 28), ("c3_2_budget", 10**28), ("c3_2_budget", "１" * 29),
     ("c3_2_budget", -5), ("c4_1_jp_staff", 10_000_000)],
)
def test_absurd_numbers_are_rejected_and_computed_cells_stay_blank(r01_values: dict, field: str, value) -> None:
    """The defect: 28/29-digit numbers were accepted, then broke export, PDF and the GUI (InvalidOperation)."""
    from desktop.core import interchange, validation
    from desktop.core.definition import get_form
    from desktop.core.values import compute, display_value

    form = get_form("mofa-r01")
    values = normalize_values(form, {**r01_values, field: value})
    findings = [f for f in validation.validate(form, values) if f.field_id == field]
    assert findings and findings[0].severity == "error"
    computed = compute(form, values)
    dependents = [k for k, c in computed.items() if field in form.field(k).compute.names]  # type: ignore[union-attr]
    for k in dependents:
        assert computed[k].text == ""
    for f in form.fields:
        display_value(form, f.id, values, computed)  # never raises
    doc = interchange.build_document(form, values)
    assert interchange.parse_document(doc).values[field] is not None
