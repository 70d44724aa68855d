"""New sheet from last year's: copy, roll forward, never copy."""

from __future__ import annotations

from pathlib import Path

from desktop.core import interchange
from desktop.core.carry import carry_over, form_for_year
from desktop.core.definition import get_form
from desktop.core.store import Store
from tests.conftest import DEMO_H30, DEMO_R01

R01 = get_form("mofa-r01")


def test_form_for_year() -> None:
    assert form_for_year(2018).id == "mofa-h30"
    assert form_for_year(2019).id == "mofa-r01"
    assert form_for_year(2024).id == "mofa-r01"


def test_carry_policies(r01_values: dict) -> None:
    form, values, carried = carry_over(R01, r01_values)
    assert form.id == "mofa-r01"
    assert values["sheet_fiscal_year"] == 2020
    assert values["contribution_name"] == r01_values["contribution_name"]
    assert values["c4_1_jp_prev1"] == 30 and values["c4_1_jp_prev2"] == 25 and values["c4_1_jp_prev3"] == 23
    for never in ("c1_rating", "c1_3_results", "c3_2_budget", "c4_1_jp_staff", "c3_3_report_ym"):
        assert never not in values
    assert "contribution_name" in carried and "sheet_fiscal_year" not in carried


def test_h30_to_r01_across_formats(db_path: Path) -> None:
    with Store(db_path) as s:
        src = interchange.import_document(s, interchange.load_file(DEMO_H30)).sheet_id
        new = s.create_from_previous(src)
        sheet = s.get_sheet(new)
    assert sheet.format == "mofa-r01" and sheet.fiscal_year == 2019
    assert sheet.values["recipient_org_name"] == "国際移住機関（IOM）"
    assert sheet.carried_from == src and "contribution_name" in sheet.carried_fields
    assert "overall_rating" not in sheet.values


def test_previous_sheet_lookup(db_path: Path) -> None:
    with Store(db_path) as s:
        old = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        new = s.create_from_previous(old)
        assert s.previous_sheet(s.get_sheet(new)).id == old
        s.clear_carried_mark(new, "contribution_name")
        assert "contribution_name" not in s.get_sheet(new).carried_fields
