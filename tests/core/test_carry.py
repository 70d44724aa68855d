"""New sheet from last year's: copy, roll forward, never copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core import interchange
from desktop.core.carry import carry_over, form_for_year
from desktop.core.definition import get_form
from desktop.core.store import Store
from tests.conftest import DEMO_H30, DEMO_R01

R01 = get_form("mofa-r01")


def test_form_for_year() -> None:
    assert form_for_year(2018).id == "mofa-h30"
    assert form_for_year(2019).id == "mofa-r01"
    assert form_for_year(2021).id == "mofa-r01"
    assert form_for_year(2022).id == "mofa-r04" and form_for_year(2023).id == "mofa-r04"
    assert form_for_year(2024).id == "mofa-r06"


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


# ---------------------------------------------------------------- declared carry across formats (issue 14)
H30_TO_R01 = {  # target ← source, as declared in forms/mofa-r01.toml from sheet-format.md §1.1
    "initial_budget_kyen": "budget_kyen", "org_overview": "org_overview_and_targets",
    "c1_2_activities": "c1_activities_results", "c2_2_usefulness": "c3_usefulness",
    "c4_1_jp_prev1": "jp_staff", "c4_1_jp_prev2": "jp_staff_prev", "c4_4_other": "jp_other",
    "contribution_name": "contribution_name", "recipient_org_name": "recipient_org_name",
    "responsible_division": "responsible_division",
}
UNPLACED = ("contribution_kind", "member_states_count", "staff_as_of", "total_staff", "jp_senior", "jp_senior_prev")


def test_h30_demo_to_r01_carries_every_mapped_value_and_keeps_the_rest(db_path: Path) -> None:
    import json

    h30 = get_form("mofa-h30")
    src_values = json.loads(DEMO_H30.read_text(encoding="utf-8"))["values"]
    with Store(db_path) as s:
        src = interchange.import_document(s, interchange.load_file(DEMO_H30)).sheet_id
        new = s.create_from_previous(src)
        sheet = s.get_sheet(new)
    assert sheet.format == "mofa-r01"
    for target, source in H30_TO_R01.items():
        assert sheet.values[target] == src_values[source], target
        assert target in sheet.carried_fields
    joined = sheet.values["c3_5_mgmt_issues"]
    for source in ("c2_org_financial_mgmt", "pdca_plan", "pdca_do", "pdca_check", "pdca_act"):
        label = h30.field(source).label
        assert f"【{label}】\n{src_values[source]}" in joined
    assert "c3_5_mgmt_issues" in sheet.carried_fields
    # the target's own policy still applies: a mapped yearly figure and the rating are not carried
    for never in ("c3_2_report_ym", "c3_2_report_covers_fy", "overall_rating"):
        assert never not in sheet.values
    note = sheet.import_note
    assert note.startswith("前年度様式から移せなかった内容")
    for source in UNPLACED:
        assert f"【{h30.field(source).label}】" in note, source
    assert "任意拠出金" in note and "169" in note and "1,467" in note
    for placed in H30_TO_R01.values():
        assert f"【{h30.field(placed).label}】" not in note


def test_carry_report_lists_copied_joined_and_no_place(r01_values: dict) -> None:
    import json

    from desktop.core.carry import COPIED, JOINED, NO_PLACE, NOT_CARRIED, plan_carry
    from desktop.core.values import normalize_values

    h30 = get_form("mofa-h30")
    plan = plan_carry(h30, normalize_values(h30, json.loads(DEMO_H30.read_text(encoding="utf-8"))["values"]))
    assert {i.target for i in plan.by_kind(COPIED)} == set(H30_TO_R01)
    assert [(i.target, len(i.sources)) for i in plan.by_kind(JOINED)] == [("c3_5_mgmt_issues", 5)]
    assert {i.sources[0] for i in plan.by_kind(NO_PLACE)} == set(UNPLACED)
    assert {i.target for i in plan.by_kind(NOT_CARRIED)} == {"overall_rating", "c3_2_report_ym", "c3_2_report_covers_fy"}
    report = plan.report()
    assert "移す先なし\t－\t\tcontribution_kind（種別）\t任意拠出金" in report
    assert "まとめる\tc3_5_mgmt_issues" in report
    # the same format: nothing lost, so no note (the oldest staff year rolls off by policy)
    same = plan_carry(R01, r01_values)
    assert same.by_kind(NO_PLACE) == [] and same.note() == ""


@pytest.mark.parametrize(("snippet", "message"), [
    ('[[carry_from]]\nformat = "mofa-h30"\nmap = [{to = "no_such_field", from = "budget_kyen"}]\n',
     "carry_from[0] (mofa-h30).map[0].to: unknown input field 'no_such_field'"),
    ('[[carry_from]]\nformat = "mofa-h30"\nmap = [{to = "c4_4_other", from = "no_such_source"}]\n',
     "carry_from[0] (mofa-h30).map[0].from: unknown input field 'no_such_source' of mofa-h30"),
    ('[[carry_from]]\nformat = "mofa-h30"\nmap = [{to = "c4_4_other", from = "jp_other", join = "comma"}]\n',
     "carry_from[0].map[0].join: unknown value 'comma'"),
    ('[[carry_from]]\nformat = "mofa-h30"\nmap = [{to = "c4_4_other", form = "jp_other"}]\n',
     "unknown key 'form' (did you mean 'from'?)"),
    ('[[carry_from]]\nformat = "mofa-h30"\nmap = [{to = "initial_budget_kyen", from = ["budget_kyen", "jp_staff"]}]\n',
     "several sources need a text field"),
])
def test_carry_declaration_is_checked_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              snippet: str, message: str) -> None:
    import shutil

    from desktop.core import definition
    from tests.conftest import ROOT

    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    path = forms / "mofa-r01.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[[carry_from]]")
    end = text.index("# How the printer lays")
    path.write_text(text[:start] + snippet + "\n" + text[end:], encoding="utf-8")
    monkeypatch.setattr(definition, "FORMS_DIR", forms)
    definition.form_registry.cache_clear()
    try:
        with pytest.raises(definition.DefinitionError) as err:
            definition.all_forms()
    finally:
        definition.form_registry.cache_clear()
    assert "mofa-r01" in str(err.value) and message in str(err.value)
