"""``hyoka forms check``: every error of a format file at once, each named by its TOML table path."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.definition import FIELD_TYPES, DefinitionError, parse_definition
from tests.conftest import ROOT


def _format_text(field_type: str = "text", tab_extra: str = "", meaning: str = "A") -> str:
    """A small sound format (four tabs, four sections of three fields), with one place per mistake."""
    lines = ['id = "mofa-x"', "version = 1", 'name = "試験様式"', "",
             "[grades.overall]", 'values = ["A", "B"]', f'meanings = {{ {meaning} = "良い" }}', ""]
    for t in range(4):
        lines += ["[[tabs]]", f'id = "t{t}"', f'label = "タブ{t}"']
        if t == 1 and tab_extra:
            lines.append(tab_extra)
    for s in range(4):
        lines += ["", "[[sections]]", f'id = "s{s}"', f'tab = "t{s}"']
        for f in range(3):
            ftype = field_type if (s, f) == (3, 2) else "text"
            lines += ["[[sections.fields]]", f'id = "f{s}_{f}"', f'label = "項目{s}-{f}"', f'type = "{ftype}"']
    lines += ["[[sections.fields]]", 'id = "overall"', 'label = "総合評価"', 'type = "rating"', 'scale = "overall"']
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mofa-x.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_three_independent_mistakes_are_all_reported_with_their_paths(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, _format_text(field_type="bogus", tab_extra='colour = "赤"', meaning="Z"))
    assert main(["forms", "check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "mofa-x.toml: tabs[1]: unknown key 'colour'",
        f"mofa-x.toml: sections[3].fields[2] (f3_2).type: unknown type 'bogus' (allowed: {', '.join(sorted(FIELD_TYPES))})",
        "mofa-x.toml: grades.overall.meanings: 'Z' is not a grade of this scale (A, B, －)",
        "mofa-x.toml：誤りが 3 件あります。",
    ]


def test_the_error_keeps_every_problem_and_says_how_many(tmp_path: Path) -> None:
    data = tomllib.loads(_format_text(field_type="bogus", tab_extra='colour = "赤"', meaning="Z"))
    with pytest.raises(DefinitionError) as err:
        parse_definition(data)
    assert len(err.value.errors) == 3
    assert str(err.value) == err.value.errors[0] + " (+2 more)"  # one-line callers still learn there is more


def test_several_wrong_keys_of_one_table_are_all_reported() -> None:
    data = tomllib.loads(_format_text())
    data["sections"][1]["fields"][0].update(required="yes", max_length="9", colour="赤")
    data["sections"][2]["fields"][1]["places"] = 99
    with pytest.raises(DefinitionError) as err:
        parse_definition(data)
    assert err.value.errors == [
        "sections[1].fields[0] (f1_0).required: must be bool, not str",
        "sections[1].fields[0] (f1_0).max_length: must be int, not str",
        "sections[1].fields[0] (f1_0): unknown key 'colour'",
        "sections[2].fields[1] (f2_1).places: must be between 0 and 6, not 99",
    ]


def test_cross_checks_name_the_referring_table_and_run_only_on_sound_tables() -> None:
    data = tomllib.loads(_format_text())
    data["sections"][0]["fields"][1]["compute"] = "nope + 1"
    data["sections"][0]["fields"][1]["type"] = "int"
    data["carry_from"] = [{"format": "mofa-h30", "map": [{"to": "f0_0", "from": "a"}, {"to": "gone", "from": "b"}]}]
    data["print"] = {"footer": "x\ny"}
    with pytest.raises(DefinitionError) as err:
        parse_definition(data)
    assert err.value.errors == ["print.footer: must be one line of at most 80 characters"]  # the references wait
    del data["print"]
    with pytest.raises(DefinitionError) as err:
        parse_definition(data)
    assert err.value.errors == [
        "carry_from[0] (mofa-h30).map[1].to: unknown input field 'gone'",
        "sections[0].fields[1] (f0_1).compute: expression names unknown fields ['nope']",
    ]


def test_a_syntax_error_names_its_line(tmp_path: Path, capsys) -> None:
    text = _format_text().replace('[[tabs]]\nid = "t2"', '[[tabs]\nid = "t2"')
    line = text.splitlines().index("[[tabs]") + 1
    assert main(["forms", "check", str(_write(tmp_path, text))]) == 1
    first, count = capsys.readouterr().out.splitlines()
    assert first.startswith("mofa-x.toml: ") and f"line {line}" in first
    assert count == "mofa-x.toml：誤りが 1 件あります。"


@pytest.mark.parametrize("path", [None, ROOT / "forms" / "mofa-r01.toml"])
def test_a_sound_file_is_exit_0(tmp_path: Path, capsys, path: Path | None) -> None:
    path = path or _write(tmp_path, _format_text())
    assert main(["forms", "check", str(path)]) == 0
    assert "誤りはありません" in capsys.readouterr().out


def test_a_mistake_in_a_tab_does_not_also_blame_its_sections(tmp_path: Path) -> None:
    data = tomllib.loads(_format_text())
    data["tabs"][1]["lable"] = data["tabs"][1].pop("label")
    with pytest.raises(DefinitionError) as err:
        parse_definition(data)
    assert err.value.errors == ["tabs[1]: unknown key 'lable' (did you mean 'label'?)",
                                "tabs[1]: needs 'id' and 'label'"]  # not: sections[1] (s1).tab: unknown tab


def test_carry_sources_are_checked_against_the_installed_older_format(tmp_path: Path, capsys) -> None:
    text = (ROOT / "forms" / "mofa-r01.toml").read_text(encoding="utf-8")
    text = text.replace('{to = "initial_budget_kyen", from = "budget_kyen"}',
                        '{to = "initial_budget_kyen", from = "budget_kyne"}', 1)
    path = tmp_path / "mofa-r01.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["forms", "check", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "mofa-r01.toml: carry_from[0] (mofa-h30).map[0].from: unknown input field 'budget_kyne' of mofa-h30",
        "mofa-r01.toml：誤りが 1 件あります。",
    ]


@pytest.mark.parametrize(("edit", "errors"), [
    (lambda d: d["sections"][0].update(tab=[]), ["sections[0] (s0).tab: must be str, not list"]),
    (lambda d: d["sections"][0].update(import_patterns=5), ["sections[0] (s0).import_patterns: must be list, not int"]),
    (lambda d: d.update(carry_from=5), ["carry_from: must be list, not int"]),
])
def test_a_key_of_the_wrong_type_is_reported_once_and_checking_goes_on(edit, errors: list[str]) -> None:
    data = tomllib.loads(_format_text())
    edit(data)
    with pytest.raises(DefinitionError) as err:
        parse_definition(data)
    assert err.value.errors == errors
