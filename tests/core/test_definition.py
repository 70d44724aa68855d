"""The format files: every field id of sheet-format.md, in print order, well-formed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from desktop.core.definition import DefinitionError, all_forms, get_form, parse_definition

ROOT = Path(__file__).resolve().parents[2]
SHEET_FORMAT = ROOT.parent / "shared" / "docs" / "sheet-format.md"

R01_IDS = [
    "sheet_page_or_serial", "sheet_fiscal_year", "overall_rating", "contribution_name", "recipient_org_name",
    "contribution_form", "initial_budget_kyen", "org_overview", "activity_fields", "activity_fields_other_text",
    "purpose_and_use", "responsible_division", "c1_rating", "c1_1_strategy_goals", "c1_2_activities", "c1_3_results",
    "c1_4_earmark_results", "c2_rating", "c2_1_policies", "c2_1_priority_areas", "c2_2_usefulness",
    "c2_3_decision_influence", "c2_4_high_level_exchanges", "c2_5_japan_stakeholders", "c3_rating",
    "c3_1_fiscal_year_start_month", "c3_1_fiscal_year_end_month", "c3_2_report_ym", "c3_2_report_kind",
    "c3_2_report_covers_fy", "c3_2_currency", "c3_2_budget", "c3_2_actual", "c3_2_diff", "c3_2_diff_ratio",
    "c3_2_reason_if_65pct", "c3_3_report_ym", "c3_3_report_kind", "c3_3_report_covers_fy", "c3_3_period_from",
    "c3_3_period_to", "c3_3_currency", "c3_3_reason_if_no_report", "c3_3_budget", "c3_3_budget_note", "c3_3_actual",
    "c3_3_actual_note", "c3_3_diff", "c3_3_diff_ratio", "c3_3_reason_if_65pct", "c3_4_ext_fy", "c3_4_ext_report_ym",
    "c3_4_ext_auditor", "c3_4_ext_fs_confirmed", "c3_4_ext_fs_note", "c3_4_ext_mgmt_findings", "c3_4_int_period",
    "c3_4_int_report_ym", "c3_4_int_auditor", "c3_4_int_scope", "c3_5_mgmt_issues", "c4_rating", "c4_1_total_staff",
    "c4_1_jp_staff", "c4_1_jp_senior", "c4_1_jp_ratio", "c4_1_jp_prev1", "c4_1_jp_prev2", "c4_1_jp_prev3",
    "c4_1_jp_prev_avg", "c4_1_jp_change", "c4_1_promotion_flag", "c4_1_promotion_count", "c4_1_remarks",
    "c4_2_key_posts", "c4_3_recruitment_support", "c4_4_other",
]
H30_IDS = [
    "sheet_fiscal_year", "contribution_name", "contribution_kind", "budget_kyen", "overall_rating",
    "recipient_org_name", "org_overview_and_targets", "c1_activities_results", "c2_org_financial_mgmt",
    "c3_usefulness", "member_states_count", "total_staff", "jp_staff", "jp_senior", "jp_ratio", "jp_staff_prev",
    "jp_senior_prev", "jp_other", "pdca_plan", "pdca_do", "pdca_check", "pdca_act", "financial_report_date",
    "responsible_division",
]


def _in_order(sub: list[str], full: list[str]) -> bool:
    it = iter(full)
    return all(x in it for x in sub)


def test_both_formats_load() -> None:
    assert set(all_forms()) == {"mofa-r01", "mofa-h30", "mofa-r04", "mofa-r06"}


@pytest.mark.parametrize(("form_id", "ids"), [("mofa-r01", R01_IDS), ("mofa-h30", H30_IDS)])
def test_contract_ids_present_in_print_order(form_id: str, ids: list[str]) -> None:
    form = get_form(form_id)
    declared = list(form.by_id)
    missing = [i for i in ids if i not in declared]
    assert not missing, missing
    assert _in_order(ids, declared), "fields are not in print order"


@pytest.mark.skipif(not SHEET_FORMAT.exists(), reason="shared/docs not beside the repo")
def test_every_backticked_id_of_sheet_format_r01_exists() -> None:
    text = SHEET_FORMAT.read_text(encoding="utf-8")
    section = text.split("## 2. Format R01")[1].split("## 3. Format H30")[0]
    ids = set(re.findall(r"`([a-z][a-z0-9_]+)`", section))
    ids -= {"text", "short", "kyen", "money", "pct", "ym", "fy", "choice", "checks", "yn", "rating", "table", "number", "int"}
    ids = {i for i in ids if not i.endswith("_")}  # "_prev2"-style abbreviations
    assert ids <= set(get_form("mofa-r01").by_id), ids - set(get_form("mofa-r01").by_id)


def test_labels_are_verbatim() -> None:
    form = get_form("mofa-r01")
    assert form.field("c1_4_earmark_results").display_label == (
        "1-4 （イヤマーク拠出のみ）イヤマーク拠出による取組・活動の進捗・実績及び得られた成果"
    )
    assert form.field("contribution_name").display_label == "１ 拠出金名"
    assert form.groups["c3_2"].display_label == "3-2 機関全体の財政状況"


def test_grade_scales_have_not_rated() -> None:
    for form in all_forms().values():
        for scale in form.grades.values():
            assert scale.not_rated == "－"
            assert scale.not_rated in scale.all


def test_r01_tabs() -> None:
    assert [t.label for t in get_form("mofa-r01").tabs] == [
        "拠出金の概要", "評価基準１", "評価基準２", "評価基準３", "評価基準４", "総合評価"
    ]


def _raw(form_id: str) -> dict:
    return tomllib.loads((ROOT / "forms" / f"{form_id}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["sections"][2]["fields"][0].update(type="bogus"), "unknown type"),
        (lambda d: d["sections"][2]["fields"][1].update(id="contribution_name"), "duplicate field id"),
        (lambda d: d["sections"][2]["fields"][0].update(compute="nope + 1"), "unknown fields"),
        (lambda d: d["sections"][2]["fields"][0].update(compute="__import__('os')"), "not allowed"),
        (lambda d: d["sections"][2]["fields"][0].update(colour="red"), "unknown key"),
    ],
)
def test_bad_definitions_fail_loudly(mutate, message: str) -> None:
    data = _raw("mofa-r01")
    mutate(data)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(data)


def test_cycle_in_computed_fields_is_rejected() -> None:
    data = _raw("mofa-r01")
    for sec in data["sections"]:
        for f in sec["fields"]:
            if f["id"] == "c3_2_diff":
                f["compute"] = "c3_2_diff_ratio - 1"
    with pytest.raises(DefinitionError, match="cycle"):
        parse_definition(data)


def _field(data: dict, fid: str) -> dict:
    return next(f for s in data["sections"] for f in s.get("fields", ()) if f["id"] == fid)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        # wrong-typed keys, everywhere, named with their table
        (lambda d: _field(d, "c4_4_other").update(max_length="1000"), r"sections\[6\]\.fields\[15\] \(c4_4_other\)\.max_length: must be int, not str"),
        (lambda d: _field(d, "c4_4_other").update(required="yes"), r"\(c4_4_other\)\.required: must be bool"),
        (lambda d: _field(d, "contribution_form").update(choices=[1, 2]), r"\(contribution_form\)\.choices: must be a list of strings"),
        (lambda d: d["sections"][0].update(layuot="x"), r"^sections\[0\] \(header\): unknown key 'layuot'"),
        (lambda d: d["sections"][0].update(page_break="no"), r"^sections\[0\] \(header\)\.page_break: must be bool"),
        (lambda d: d.update(version="1"), "^version: must be int"),
        (lambda d: d.update(layout="grid"), "unknown value 'grid'"),
        (lambda d: d.update(titel="x"), "unknown key 'titel' \\(did you mean 'title'\\?\\)"),
        (lambda d: d["tabs"][0].update(lable="x"), "tabs\\[0\\]: unknown key 'lable'"),
        (lambda d: d["grades"]["criteria"].update(values="ABCD"), r"^grades\.criteria\.values: must be list"),
        (lambda d: _field(d, "c4_4_other").update(checks=[{"when": "True", "mesage": "x"}]), "checks\\[0\\]: unknown key"),
        # expressions that would fail when run
        (lambda d: _field(d, "c3_2_reason_if_65pct").update(required_when="c3_2_budget in c3_2_actual"), "'in c3_2_actual' needs a list"),
        (lambda d: _field(d, "c3_2_diff").update(compute="c3_2_budget > 1"), "a condition is not a number"),
        (lambda d: _field(d, "c3_2_diff").update(compute="c3_2_budget * 1e999"), "not a usable number"),
        (lambda d: _field(d, "c3_2_diff").update(compute="c3_2_budget * " + "9" * 40), "too large"),
        (lambda d: _field(d, "c3_2_diff").update(compute="contribution_name * 2"), "contribution_name is short, not a number"),
        (lambda d: _field(d, "c3_2_diff").update(places=100000), r"\(c3_2_diff\)\.places: must be between 0 and 6"),
        (lambda d: _field(d, "c3_2_diff").update(compute="(" * 5000 + "1" + ")" * 5000), "expression"),
        (lambda d: _field(d, "c3_2_diff").update(compute=5), r"\(c3_2_diff\)\.compute: must be str"),
        # label placeholders: plain declared names only
        (lambda d: _field(d, "c4_4_other").update(label="{fy.__class__.__mro__}"), "placeholder"),
        (lambda d: _field(d, "c4_4_other").update(label="{0}"), "placeholder"),
        (lambda d: _field(d, "c4_4_other").update(label="{fy_era:>300000000}"), "placeholder"),
        (lambda d: _field(d, "c4_4_other").update(label="{fy!r}"), "placeholder"),
        (lambda d: _field(d, "c4_4_other").update(label="a}b"), "bad braces"),
        (lambda d: _field(d, "c4_4_other").update(max=5), r"\(c4_4_other\)\.max: is only for number types"),
        (lambda d: d.update(limits={"money": -1}), "limits"),
        (lambda d: d.update(limits={"text": 5}), "limits: unknown type 'text'"),
    ],
)
def test_definition_errors_name_the_field_and_the_key(mutate, message: str) -> None:
    data = _raw("mofa-r01")
    mutate(data)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(data)


def test_limits_come_from_the_format_and_a_field_may_override() -> None:
    form = get_form("mofa-r01")
    assert form.field("c4_1_jp_staff").max == 9_999_999
    assert form.field("c3_2_budget").max == 999_999_999_999_999
    data = _raw("mofa-r01")
    _field(data, "c4_1_jp_staff")["max"] = 500
    assert parse_definition(data).field("c4_1_jp_staff").max == 500


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'id = "mofa-x"\n[[tabs]\n', "mofa-x.toml: .*line 2"),
        ('id = "mofa-x"\ntitle = "評価"\n'.encode("shift_jis"), "mofa-x.toml: not UTF-8"),
        (b'id = "mofa-x"\ntabs = []\nsections = [{id = "s", tab = "t"}]\n', r"mofa-x.toml: sections\[0\] \(s\)\.tab: unknown tab 't'"),
    ],
)
def test_format_file_errors_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    from desktop.core.definition import load_definition

    p = tmp_path / "mofa-x.toml"
    p.write_bytes(content)
    with pytest.raises(DefinitionError, match=message):
        load_definition(p)


def test_a_broken_format_file_is_exit_2_from_the_cli(tmp_path: Path, monkeypatch, capsys) -> None:
    import shutil

    from desktop.cli import main
    from desktop.core import definition

    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    (forms / "mofa-x.toml").write_text('id = "mofa-x"\ntabs = [{id = "t", label = "T", colour = 1}]\nsections = []\n')
    monkeypatch.setattr(definition, "FORMS_DIR", forms)
    definition.form_registry.cache_clear()
    try:
        # formats are built when used: a file of another format is still checked (it needs only R01)
        assert main(["validate", str(ROOT / "resources" / "demo" / "000_iom_r01.json")]) == 0
        capsys.readouterr()
        code = main(["forms", "list"])  # every format: the broken one is named, in one line
    finally:
        definition.form_registry.cache_clear()
    err = capsys.readouterr().err
    assert code == 2 and "mofa-x.toml" in err and "colour" in err and err.count("\n") == 1


def test_label_fill_is_plain_substitution() -> None:
    from desktop.core.values import fill_label

    form = get_form("mofa-r01")
    assert fill_label(form, {"sheet_fiscal_year": 2019}, "{fy_era}度 {{x}}") == "令和元年度 {x}"
