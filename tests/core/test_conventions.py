"""The format's writing style: declared in forms/*.toml, checked as warnings, fixed without harm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import conventions
from desktop.core.definition import Conventions, DefinitionError, get_form, parse_definition
from desktop.core.validation import ERROR, validate

R01 = get_form("mofa-r01")
H30 = get_form("mofa-h30")


def _convention_findings(form, values):
    return [f for f in validate(form, values) if f.code in conventions.CODES]


def test_formats_declare_their_punctuation() -> None:
    assert (R01.conventions.comma, R01.conventions.full_stop) == ("，", "。")
    assert (H30.conventions.comma, H30.conventions.full_stop) == ("、", "。")
    assert R01.conventions.not_applicable == H30.conventions.not_applicable == "－"


def test_the_other_comma_is_a_warning_naming_the_field(r01_values) -> None:
    values = {**r01_values, "c1_1_strategy_goals": "ＩＯＭは、移民の保護、支援を行う。"}
    found = [f for f in _convention_findings(R01, values) if f.field_id == "c1_1_strategy_goals"]
    assert [(f.severity, f.code) for f in found] == [("warning", "punctuation")]
    assert "当該機関の戦略目標" in found[0].message and "2 箇所" in found[0].message and "「，」" in found[0].message
    assert not any(f.severity == ERROR and f.code in conventions.CODES for f in validate(R01, values))


def test_h30_flags_the_r01_comma_but_not_numbers_or_latin() -> None:
    conv = H30.conventions
    text = "予算は1，000千円，ＩＯＭと協力。Smith， J. と１５，０１５件"
    assert conventions.fix_text(conv, text) == "予算は1，000千円、ＩＯＭと協力。Smith， J. と１５，０１５件"
    assert [code for code, _m in conventions.problems(conv, "x", text)] == ["punctuation"]
    # an ASCII comma looks like 「，」 in a proportional font: the message says which one it is
    assert "「,（半角）」" in conventions.problems(R01.conventions, "x", "職員,被害者")[0][1]


def test_fix_keeps_numbers_latin_and_item_numbers() -> None:
    conv = R01.conventions
    text = "第２章７．（１）のとおり、1,614,702,000米ドル。IOM, UNDP and WFP. 2018 年．ＩＯＭは,活動した"
    assert conventions.fix_text(conv, text) == (
        "第２章７．（１）のとおり，1,614,702,000米ドル。IOM, UNDP and WFP. 2018 年。ＩＯＭは，活動した")


def test_section_numbers_full_width_but_not_in_latin_references() -> None:
    conv = R01.conventions
    assert conventions.fix_text(conv, "(1)外部監査\n（2）内部監査\n(３) 他") == "（１）外部監査\n（２）内部監査\n（３） 他"
    assert conventions.fix_text(conv, "Article 5(1) and Rule (2)") == "Article 5(1) and Rule (2)"
    assert conventions.fix_text(conv, "（１）既に全角") == "（１）既に全角"
    # H30 writes （1）: nothing to check there
    assert conventions.fix_text(H30.conventions, "（1）外部監査") == "（1）外部監査"


@pytest.mark.parametrize("typed", ["-", "ー", "―", "−", " ‐ "])
def test_not_applicable_is_the_full_width_dash(r01_values, typed) -> None:
    values = {**r01_values, "c2_3_decision_influence": typed}
    found = [f for f in _convention_findings(R01, values) if f.field_id == "c2_3_decision_influence"]
    assert [f.code for f in found] == ["not_applicable_mark"]
    assert "「－」" in found[0].message
    assert conventions.fix_text(R01.conventions, typed) == "－"
    assert conventions.fix_text(R01.conventions, "－") == "－"
    assert conventions.fix_text(R01.conventions, "A-1 計画") == "A-1 計画"


def test_fixing_a_sheet_clears_every_convention_warning(r01_values, h30_doc) -> None:
    assert not _convention_findings(R01, r01_values)
    assert not _convention_findings(H30, h30_doc["values"])
    # the seed's own slips: 「2018 年．ＩＯＭは」 (c1_3) and 「NGO職員,被害者」 (c2_2), plus an 「、」 and a "-"
    seeded = {**r01_values, "c1_3_results": r01_values["c1_3_results"].replace("年。", "年．", 1),
              "c2_2_usefulness": r01_values["c2_2_usefulness"].replace("NGO職員，被害者", "NGO職員,被害者"),
              "responsible_division": "総合外交政策局、国際安全・治安対策協力室", "c4_2_key_posts": "-"}
    assert {f.field_id for f in _convention_findings(R01, seeded)} == {
        "c1_3_results", "c2_2_usefulness", "responsible_division", "c4_2_key_posts"}
    fixed = {k: conventions.fix_value(R01.conventions, v) if k in R01.by_id and R01.by_id[k].type in
             ("short", "text", "lines") else v for k, v in seeded.items()}
    assert not _convention_findings(R01, fixed)
    assert fixed["c1_3_results"] == r01_values["c1_3_results"]
    assert fixed["c2_2_usefulness"] == r01_values["c2_2_usefulness"]
    assert fixed["c4_2_key_posts"] == "－"


def test_conventions_table_is_strict() -> None:
    base = {"id": "x", "tabs": [{"id": "t", "label": "T"}], "sections": []}
    with pytest.raises(DefinitionError, match="unknown key 'coma'"):
        parse_definition({**base, "conventions": {"coma": "，"}})
    with pytest.raises(DefinitionError, match="unknown value"):
        parse_definition({**base, "conventions": {"comma": ","}})
    with pytest.raises(DefinitionError, match="not_applicable"):
        parse_definition({**base, "conventions": {"not_applicable": "なし"}})
    assert parse_definition({**base, "conventions": {"comma": "、"}}).conventions.comma == "、"


def _problems_rule_by_rule(conv, label: str, text: str) -> list[tuple[str, str]]:
    """The straightforward reference: each rule's own pass over the text (as before the one-pass scan)."""
    from desktop.core.i18n import _

    out: list[tuple[str, str]] = []
    if conventions._wrong_dash(conv, text):
        return [("not_applicable_mark", _("「{label}」：該当なしは「{mark}」（全角）で書きます（入力：「{value}」）。").format(
            label=label, mark=conv.not_applicable, value=text.strip()))]
    for rule in conventions._rules(conv):
        found = [m for m in rule[1].finditer(text) if rule[2](text, m.start())]
        if not found:
            continue
        out.append((rule[0], conventions.message(conv, rule, label, found[0], len(found))))
    return out


_MARKS = "，、,。．.(（)）1１５aZ 日本語ひらカナ－-ー\n\u3000"
_ALL_CONVENTIONS = [
    Conventions(comma=c, full_stop=s, not_applicable=d, section_numbers=n)
    for c in ("", "，", "、") for s in ("", "。", "．") for d in ("", "－") for n in ("", "full_width")
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_ALL_CONVENTIONS),
       st.lists(st.one_of(st.sampled_from(_MARKS), st.text(max_size=3)), max_size=40).map("".join))
def test_one_pass_finds_what_each_rule_finds(conv, text) -> None:
    """Validation reads a text once for every rule (one character class, then each rule where it
    may match): the findings are those of each rule's own pass, message for message."""
    assert conventions.problems(conv, "項目", text) == _problems_rule_by_rule(conv, "項目", text)


def test_one_pass_on_the_marks_rules_look_at() -> None:
    text = "職員,被害者、(1)計画。Smith, J.は1,000人(２)と（3）を4．で. Article 5(1)"
    got = conventions.problems(R01.conventions, "x", text)
    assert [code for code, _m in got] == ["punctuation", "full_stop", "section_number"]
    assert got == _problems_rule_by_rule(R01.conventions, "x", text)
    assert "2 箇所" in got[0][1] and "3 箇所" in got[2][1]


@given(st.characters() | st.sampled_from("々〆ヶぁゟ゠ヿ㐀䶿一鿿豈﫿〇ー") | st.just(""))
def test_japanese_characters_are_told_by_code_point_as_by_the_character_class(char: str) -> None:
    """The code-point test gives what the regular expression it replaced gave (it took 5 ms to compile)."""
    import re

    cls = re.compile("[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
    assert conventions.is_japanese(char) == bool(cls.match(char))
