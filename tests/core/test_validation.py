"""Validation findings: required fields, types, impossible values and every §5 rule both ways."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import fieldtypes
from desktop.core.definition import get_form
from desktop.core.validation import ERROR, WARNING, count_by_tab, errors, validate
from desktop.core.values import normalize_values
from tests.conftest import DEMO_H30, DEMO_R01

R01 = get_form("mofa-r01")
H30 = get_form("mofa-h30")


def findings(values: dict, form=R01) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in validate(form, values):
        out.setdefault(f.field_id, []).append(f)
    return out


def codes(values: dict, field_id: str, form=R01) -> set[str]:
    return {f.code for f in findings(values, form).get(field_id, [])}


def test_demo_sheets_are_clean(r01_values: dict, h30_doc: dict) -> None:
    assert validate(R01, r01_values) == []
    assert validate(H30, h30_doc["values"]) == []


def test_empty_sheet_reports_required_fields_in_japanese() -> None:
    found = findings({})
    assert "contribution_name" in found
    f = found["contribution_name"][0]
    assert f.severity == ERROR and f.code == "required"
    assert f.message == "「拠出金名」を入力してください。"
    assert "c1_4_earmark_results" not in found  # undecided form: not demanded yet


def test_number_that_is_not_a_number(r01_values: dict) -> None:
    r01_values["initial_budget_kyen"] = "約1万5千"
    f = findings(r01_values)["initial_budget_kyen"][0]
    assert f.severity == ERROR and f.code == "type" and "約1万5千" in f.message


def test_full_width_digits_and_commas_are_accepted(r01_values: dict) -> None:
    r01_values["initial_budget_kyen"] = "１５, ０１５"
    r01_values["c3_2_budget"] = "1，614，702，000"
    vals = normalize_values(R01, r01_values)
    assert vals["initial_budget_kyen"] == 15015 and vals["c3_2_budget"] == 1614702000
    assert validate(R01, vals) == []
    assert validate(R01, r01_values) == []  # unnormalized input validates the same


def test_negative_count(r01_values: dict) -> None:
    r01_values["c4_1_jp_senior"] = -1
    assert codes(r01_values, "c4_1_jp_senior") == {"min"}


def test_japanese_staff_cannot_exceed_total(r01_values: dict) -> None:
    r01_values["c4_1_jp_staff"] = 2000
    msgs = [f.message for f in findings(r01_values)["c4_1_jp_staff"]]
    assert msgs == ["日本人職員数が全職員数を超えています。"]
    r01_values["c4_1_jp_staff"] = 1769
    assert "c4_1_jp_staff" not in findings(r01_values)


def test_h30_staff_rule(h30_doc: dict) -> None:
    vals = dict(h30_doc["values"], jp_staff=5000)
    assert "check" in codes(vals, "jp_staff", H30)


@pytest.mark.parametrize("bad", ["2018-13", "2018/0", "令和元年4月", "平成31年5月", "1899-12", "二〇一八年"])
def test_impossible_year_months(r01_values: dict, bad: str) -> None:
    r01_values["c3_2_report_ym"] = bad
    assert codes(r01_values, "c3_2_report_ym") == {"type"}


@pytest.mark.parametrize("good", ["2018年6月", "２０１８／６", "平成30年6月", "H30.6", "2018.06"])
def test_real_year_months(r01_values: dict, good: str) -> None:
    r01_values["c3_2_report_ym"] = good
    assert normalize_values(R01, r01_values)["c3_2_report_ym"] == "2018-06"
    assert "c3_2_report_ym" not in findings(r01_values)


@pytest.mark.parametrize("bad", ["20199", "平成32年度", "令和0年度", "1850"])
def test_impossible_fiscal_years(r01_values: dict, bad: str) -> None:
    r01_values["c3_4_ext_fy"] = bad
    assert codes(r01_values, "c3_4_ext_fy") == {"type"}


# --- §5.1 イヤマーク-only 1-4 and 3-3 -------------------------------------------------
EARMARK_ONLY = [f.id for f in R01.input_fields if f.applies_when is not None]


def test_earmark_only_fields_are_1_4_and_3_3() -> None:
    assert "c1_4_earmark_results" in EARMARK_ONLY
    assert {f for f in EARMARK_ONLY if not f.startswith("c3_3_")} == {"c1_4_earmark_results"}
    assert len([f for f in EARMARK_ONLY if f.startswith("c3_3_")]) == 12


def test_non_earmark_must_leave_1_4_and_3_3_empty(r01_values: dict) -> None:
    r01_values["contribution_form"] = "ノンイヤマーク"
    found = findings(r01_values)
    assert set(found) == {f for f in EARMARK_ONLY if f in r01_values}
    assert all(f.code == "not_applicable" and f.severity == ERROR for fs in found.values() for f in fs)
    assert found["c1_4_earmark_results"][0].message == "ノンイヤマーク拠出では 1-4 は空欄にしてください。"
    for fid in EARMARK_ONLY:
        r01_values.pop(fid, None)
    assert validate(R01, r01_values) == []


def test_earmark_requires_1_4(r01_values: dict) -> None:
    del r01_values["c1_4_earmark_results"]
    assert codes(r01_values, "c1_4_earmark_results") == {"required"}


# --- §5.2 65％ reason ---------------------------------------------------------------
def test_reason_required_at_65_percent(r01_values: dict) -> None:
    r01_values.update(c3_2_budget=1000, c3_2_actual=350)  # exactly 65.0 %
    assert codes(r01_values, "c3_2_reason_if_65pct") == {"required"}  # "－" does not count
    r01_values["c3_2_reason_if_65pct"] = "事業の延期による。"
    assert "c3_2_reason_if_65pct" not in findings(r01_values)


def test_reason_below_65_percent_should_be_dash(r01_values: dict) -> None:
    r01_values.update(c3_2_budget=1000, c3_2_actual=351)  # 64.9 %
    assert "c3_2_reason_if_65pct" not in findings(r01_values)
    r01_values["c3_2_reason_if_65pct"] = "理由"
    f = findings(r01_values)["c3_2_reason_if_65pct"][0]
    assert (f.severity, f.code) == (WARNING, "dash")


def test_65_percent_uses_unrounded_ratio(r01_values: dict) -> None:
    # 64.99 % truncates to 64.9 for print and is below 65: no reason needed
    r01_values.update(c3_3_budget=10000, c3_3_actual=3501)
    assert "c3_3_reason_if_65pct" not in findings(r01_values)
    r01_values.update(c3_3_budget=10000, c3_3_actual=3500)
    assert codes(r01_values, "c3_3_reason_if_65pct") == {"required"}


# --- §5.3 報告がない場合の理由 -------------------------------------------------------------
def test_no_report_needs_a_reason(r01_values: dict) -> None:
    for k in ("c3_3_report_ym", "c3_3_report_covers_fy", "c3_3_period_from", "c3_3_period_to"):
        del r01_values[k]
    assert codes(r01_values, "c3_3_reason_if_no_report") == {"required"}
    r01_values["c3_3_reason_if_no_report"] = "事業実施中のため未受領。"
    assert "c3_3_reason_if_no_report" not in findings(r01_values)


def test_report_present_reason_should_be_dash(r01_values: dict) -> None:
    r01_values["c3_3_reason_if_no_report"] = "未受領"
    assert codes(r01_values, "c3_3_reason_if_no_report") == {"dash"}


def test_report_needs_its_period(r01_values: dict) -> None:
    del r01_values["c3_3_period_to"]
    assert codes(r01_values, "c3_3_period_to") == {"required"}
    r01_values["c3_3_period_to"] = "2018-01"
    assert "check" in codes(r01_values, "c3_3_period_to")


# --- §5.4 その他 ---------------------------------------------------------------------
def test_other_activity_needs_text(r01_values: dict) -> None:
    r01_values["activity_fields"] = ["開発・人道", "その他"]
    assert codes(r01_values, "activity_fields_other_text") == {"required"}
    r01_values["activity_fields_other_text"] = "移住"
    assert "activity_fields_other_text" not in findings(r01_values)


def test_other_text_without_other_is_a_warning(r01_values: dict) -> None:
    r01_values["activity_fields_other_text"] = "移住"
    f = findings(r01_values)["activity_fields_other_text"][0]
    assert f.severity == WARNING


def test_activity_fields_required() -> None:
    assert "required" in codes({"activity_fields": []}, "activity_fields")


# --- §5.5 / 5.6 audit 無/有 ------------------------------------------------------------
def test_audit_not_confirmed_needs_summary(r01_values: dict) -> None:
    r01_values["c3_4_ext_fs_confirmed"] = "無"
    assert codes(r01_values, "c3_4_ext_fs_note") == {"required"}
    r01_values["c3_4_ext_fs_note"] = "一部の報告に不備があり，是正を要請済み。"
    assert "c3_4_ext_fs_note" not in findings(r01_values)


def test_audit_confirmed_note_is_unneeded(r01_values: dict) -> None:
    r01_values["c3_4_ext_fs_note"] = "念のため記載"
    assert [f.severity for f in findings(r01_values)["c3_4_ext_fs_note"]] == [WARNING]


def test_audit_findings_require_3_5(r01_values: dict) -> None:
    r01_values["c3_5_mgmt_issues"] = "－"
    assert codes(r01_values, "c3_5_mgmt_issues") == {"required"}
    r01_values["c3_4_ext_mgmt_findings"] = "無"
    assert "c3_5_mgmt_issues" not in findings(r01_values)  # "－" is fine without findings


# --- §5.7 昇進 -----------------------------------------------------------------------
def test_promotion_needs_count(r01_values: dict) -> None:
    r01_values["c4_1_promotion_flag"] = True
    assert codes(r01_values, "c4_1_promotion_count") == {"required"}
    r01_values["c4_1_promotion_count"] = "２"
    assert "c4_1_promotion_count" not in findings(r01_values)


def test_count_without_promotion_flag_is_a_warning(r01_values: dict) -> None:
    r01_values["c4_1_promotion_count"] = 2
    assert [f.severity for f in findings(r01_values)["c4_1_promotion_count"]] == [WARNING]


# --- limits, text hygiene, tabs -----------------------------------------------------
def test_text_over_limit_is_a_warning(r01_values: dict) -> None:
    r01_values["c2_4_high_level_exchanges"] = "あ" * 20000
    f = findings(r01_values)["c2_4_high_level_exchanges"][0]
    assert (f.severity, f.code) == (WARNING, "length") and "20000" in f.message


def test_control_characters_are_reported(r01_values: dict) -> None:
    r01_values["c4_4_other"] = "改行\nは可，ベル\x07は不可"
    f = findings(r01_values)["c4_4_other"][0]
    assert f.code == "control" and "U+0007" in f.message


def test_bad_choice(r01_values: dict) -> None:
    r01_values["contribution_form"] = "どちらでもない"
    assert codes(r01_values, "contribution_form") == {"type"}


def test_badges_count_errors_per_tab() -> None:
    counts = count_by_tab(R01, validate(R01, {}))
    assert counts["overview"] > 0 and counts["c1"] > 0 and counts["overall"] == 0


def test_finding_line_format(r01_values: dict) -> None:
    r01_values["c4_1_jp_staff"] = 2000
    assert validate(R01, r01_values)[0].line() == "c4_1_jp_staff\terror\t日本人職員数が全職員数を超えています。"


_FORMS = [get_form(name) for name in ("mofa-r01", "mofa-h30", "mofa-r04", "mofa-r06")]
_DEMO = {json.loads(p.read_text(encoding="utf-8"))["format"]: json.loads(p.read_text(encoding="utf-8"))["values"]
         for p in (DEMO_R01, DEMO_H30)}


@st.composite
def _sheets(draw: st.DrawFn) -> tuple:
    """A format and values: its demo sheet (or nothing) with some fields replaced by anything a draft holds."""
    form = draw(st.sampled_from(_FORMS))
    values = dict(_DEMO.get(form.id, {}))
    fields = list(form.input_fields)
    for f in draw(st.lists(st.sampled_from(fields), max_size=12)):
        opts = list(fieldtypes.options(f, form.grades)) or ["－"]
        values[f.id] = draw(st.one_of(
            st.none(), st.sampled_from(["", "－", "-", "三十", "2019-13", "(1)計画、実施.", "a\x07b\n\n\nc"]),
            st.sampled_from(opts), st.integers(-3, 3000), st.integers(-10**16, 10**16), st.text(max_size=30),
            st.builds("{}-{:02d}".format, st.integers(2017, 2021), st.integers(1, 12)),
            st.lists(st.sampled_from([*opts, "x"]), max_size=3), st.booleans()))
    return form, normalize_values(form, values)


@settings(max_examples=300, deadline=None)
@given(_sheets())
def test_errors_only_validation_gives_the_errors_of_the_full_one(sheet) -> None:
    """Import and saves of complete sheets ask for errors only, skipping the checks that can only warn:
    the same errors, in the same order, as the full validation."""
    form, values = sheet
    assert validate(form, values, warnings=False) == errors(validate(form, values))


def test_errors_only_validation_on_a_sheet_with_both(r01_values: dict) -> None:
    values = normalize_values(R01, dict(r01_values, c4_1_jp_staff="三十", contribution_form="ノンイヤマーク",
                                        c1_3_results="職員,被害者、(1)計画"))
    full = validate(R01, values)
    assert {f.severity for f in full} == {ERROR, WARNING}
    fast = validate(R01, values, warnings=False)
    assert fast == errors(full) and fast and all(f.severity == ERROR for f in fast)
