"""mofa-r04 and mofa-r06 (暫定様式): load, validate, print with their footer, carry from 令和元年度."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core import validation
from desktop.core.carry import NO_PLACE, plan_carry
from desktop.core.definition import get_form
from desktop.core.values import Values
from desktop.pdf import render_sheet

R01 = get_form("mofa-r01")
CRITERIA = {
    "c1": "評価基準１ 本件拠出を通じて達成を目指す日本の外交政策目標への貢献度",
    "c2": "評価基準２ 国際機関等拠出先の活動の成果",
    "c3": "評価基準３ 国際機関等拠出先の組織・行財政マネジメント",
    "c4": "評価基準４ 日本人職員・ポストの状況等",
}


def _like_demo(form_id: str, r01_values: dict, year: int, overall: str) -> Values:
    """The demo 令和元年度 sheet's values laid into the new format by its declared mapping."""
    form = get_form(form_id)
    rules = {r.to: r.sources[0] for r in form.carry_from["mofa-r01"]}
    values = {f.id: r01_values[rules.get(f.id, f.id)] for f in form.input_fields
              if rules.get(f.id, f.id) in r01_values}
    values.update(sheet_fiscal_year=year, overall_rating=overall, c1_rating="S", c2_rating="A", c3_rating="B")
    return values


@pytest.mark.parametrize(("form_id", "year", "overall"), [("mofa-r04", 2022, "S"), ("mofa-r06", 2024, "A-")])
def test_format_loads_validates_and_prints_its_footer(form_id: str, year: int, overall: str, r01_values: dict,
                                                      tmp_path: Path) -> None:
    form = get_form(form_id)
    assert "暫定様式" in form.name and form.first_fiscal_year == year
    assert [s.title for s in form.sections if s.rating_field] == list(CRITERIA.values())
    assert [c.key for c in form.overview] == [c.key for c in R01.overview]  # the office's overview lines up
    values = _like_demo(form_id, r01_values, year, overall)
    assert [f for f in validation.validate(form, values) if f.severity == "error"] == []
    assert not form.print.page_numbers and "暫定様式" in form.print.footer
    out = tmp_path / f"{form_id}.pdf"
    render_sheet(form, values, out)
    pages = [p.extract_text().replace(" ", "") for p in PdfReader(out).pages]
    assert len(pages) > 1
    assert all(form.print.footer.replace(" ", "") in p for p in pages)  # every page, no page numbers
    assert CRITERIA["c1"].replace(" ", "") in "".join(pages)


def test_rating_scales() -> None:
    r04, r06 = get_form("mofa-r04"), get_form("mofa-r06")
    assert r04.grades["overall"].values == ("S", "A", "B", "C", "D") == r04.grades["criteria"].values
    assert r06.grades["overall"].values == ("S", "A+", "A", "A-", "B+", "B", "B-", "C", "D")
    errors = [f for f in validation.validate(r04, {"overall_rating": "A+"}) if f.field_id == "overall_rating"]
    assert errors  # A+ is not a 令和4年度 grade
    assert not [f for f in validation.validate(r06, {"overall_rating": "A+"}) if f.field_id == "overall_rating"]


def test_r01_demo_carries_into_r04_by_content(r01_values: dict) -> None:
    r04 = get_form("mofa-r04")
    plan = plan_carry(R01, r01_values, r04)
    # the former 評価基準２ (外交政策) is now 評価基準１, the former 評価基準１ (活動の成果) 評価基準２
    assert plan.values["c1_1_policies"] == r01_values["c2_1_policies"]
    assert plan.values["c1_2_usefulness"] == r01_values["c2_2_usefulness"]
    assert plan.values["c2_1_strategy_goals"] == r01_values["c1_1_strategy_goals"]
    assert plan.values["c2_2_activities"] == r01_values["c1_2_activities"]
    assert "c2_3_results" not in plan.values  # carry = "never" still applies after mapping
    assert plan.values["c4_1_jp_prev1"] == r01_values["c4_1_jp_staff"]
    assert plan.by_kind(NO_PLACE) == [] and plan.note() == ""
    assert "移す\tc1_1_policies" in plan.report()
    # and 令和4年度 → 令和6年度: the same fields
    r06 = get_form("mofa-r06")
    again = plan_carry(r04, dict(plan.values, sheet_fiscal_year=2023), r06)
    assert again.values["c1_1_policies"] == r01_values["c2_1_policies"] and again.note() == ""
