"""Formats outside the installer: the per-user and all-users folders, the version rule, ``extends``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.core import definition, registry
from desktop.core.definition import DefinitionError
from tests.conftest import ROOT

R01 = (ROOT / "forms" / "mofa-r01.toml").read_text(encoding="utf-8")


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A per-user and an all-users folder, empty, read instead of the real ones."""
    user, everyone = tmp_path / "user", tmp_path / "all"
    user.mkdir()
    everyone.mkdir()
    monkeypatch.setenv(registry.ENV_VAR, os.pathsep.join([str(user), str(everyone)]))
    definition.form_registry.cache_clear()
    yield user, everyone
    definition.form_registry.cache_clear()


def _r01(version: int, **replace: str) -> str:
    text = R01.replace("version = 1\n", f"version = {version}\n", 1)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_r01_declares_version_1_on_its_own_line() -> None:
    assert "\nversion = 1\n" in R01


def test_a_newer_version_in_the_user_folder_wins(folders) -> None:
    user, _ = folders
    (user / "mofa-r01.toml").write_text(_r01(2, **{'label = "その他特記事項"': 'label = "その他（第2版）"'}),
                                       encoding="utf-8")
    form = definition.get_form("mofa-r01")
    assert form.version == 2 and form.field("c4_4_other").label == "その他（第2版）"
    assert definition.get_form("mofa-r01", version=1).field("c4_4_other").label == "その他特記事項"
    reg = definition.form_registry()
    assert reg.files[("mofa-r01", 2)].origin == registry.USER and reg.warnings == []


def test_on_a_tie_the_shipped_file_wins_with_a_warning(folders) -> None:
    _, everyone = folders
    (everyone / "mofa-r01.toml").write_text(_r01(1, **{'label = "その他特記事項"': 'label = "偽物"'}),
                                           encoding="utf-8")
    assert definition.get_form("mofa-r01").field("c4_4_other").label == "その他特記事項"
    reg = definition.form_registry()
    assert reg.files[("mofa-r01", 1)].origin == registry.SHIPPED
    assert len(reg.warnings) == 1 and "mofa-r01" in reg.warnings[0] and str(everyone) in reg.warnings[0]


def test_a_broken_user_file_is_skipped_with_a_one_line_warning(folders) -> None:
    user, _ = folders
    (user / "mofa-r09.toml").write_text('id = "mofa-r09"\n[[tabs]\n', encoding="utf-8")
    (user / "mofa-r08.toml").write_text(_r01(1, **{'id = "mofa-r01"': 'id = "mofa-r08"', "type = \"text\"": "type = \"txt\""}),
                                        encoding="utf-8")
    assert set(definition.all_forms()) == {"mofa-r01", "mofa-h30", "mofa-r04", "mofa-r06"}
    warnings = definition.form_registry().warnings
    assert len(warnings) == 2 and all("\n" not in w for w in warnings)
    assert "mofa-r09.toml" in warnings[0] and "line 2" in warnings[0]  # syntax: while reading
    assert "mofa-r08.toml" in warnings[1] and "txt" in warnings[1]  # schema: while building


def test_a_user_file_with_a_bad_carry_source_is_skipped_and_the_older_version_used(folders) -> None:
    """Its error was raised by all_forms(): one bad file in the user folder stopped the app."""
    from desktop.cli import main

    user, _ = folders
    (user / "mofa-r01.v2.toml").write_text(_r01(2, **{'from = "jp_other"': 'from = "no_such_h30_field"'}),
                                           encoding="utf-8")
    assert definition.get_form("mofa-r01").version == 1  # the shipped version stays in use
    warnings = definition.form_registry().warnings
    assert len(warnings) == 1 and "mofa-r01.v2.toml" in warnings[0] and "no_such_h30_field" in warnings[0]
    assert main(["forms", "list"]) == 0


def test_a_format_is_built_when_first_used_with_the_formats_it_carries_from(folders) -> None:
    """Opening a 令和元年度 sheet builds that format and 平成30年度 (its carry source), not every
    installed one; asking for the warnings or the whole list builds the rest."""
    reg = definition.form_registry()
    assert definition.get_form("mofa-r01").id == "mofa-r01"
    assert {key for key, form in reg._built.items() if form is not None} == {("mofa-r01", 1), ("mofa-h30", 1)}
    assert reg.warnings == []
    assert set(reg._built) == {("mofa-h30", 1), ("mofa-r01", 1), ("mofa-r04", 1), ("mofa-r06", 1)}


def test_a_broken_user_file_is_skipped_when_its_format_is_first_used(folders) -> None:
    """Lazily built, the same rule holds: the newest version that builds is used, the broken one
    named in a warning."""
    user, _ = folders
    (user / "mofa-r01.v2.toml").write_text(_r01(2, **{'type = "text"': 'type = "txt"'}), encoding="utf-8")
    assert definition.get_form("mofa-r01").version == 1
    warnings = definition.form_registry().warnings
    assert len(warnings) == 1 and "mofa-r01.v2.toml" in warnings[0] and "txt" in warnings[0]


def test_formats_that_carry_from_each_other_are_chosen_without_looping(folders) -> None:
    """A carry cycle (r01 from h30 and, in the user's h30 v2, h30 from r01) is checked against the
    versions being chosen, as the whole-registry check did."""
    user, _ = folders
    h30 = (ROOT / "forms" / "mofa-h30.toml").read_text(encoding="utf-8")
    assert "\nversion = 1\n" in h30 and "carry_from" not in h30
    (user / "mofa-h30.toml").write_text(h30.replace("\nversion = 1\n", "\nversion = 2\n", 1)
                                        + '\n[[carry_from]]\nformat = "mofa-r01"\n', encoding="utf-8")
    assert definition.get_form("mofa-r01").version == 1
    assert definition.get_form("mofa-h30").version == 2
    assert definition.form_registry().warnings == []


def test_a_unknown_version_names_what_to_install(folders) -> None:
    with pytest.raises(definition.UnknownFormatError, match="mofa-r01 第3版"):
        definition.get_form("mofa-r01", version=3)


# ------------------------------------------------------------------ extends
CHILD = '''id = "mofa-r01x"
version = 1
name = "令和元年度様式（改）"
extends = "mofa-r01"
title = "改訂版の評価シート"
[print]
page_numbers = true
[grades.overall]
values = ["S", "A", "B"]
'''


def test_extends_merges_tables_and_replaces_the_rest(folders) -> None:
    user, _ = folders
    (user / "mofa-r01x.toml").write_text(CHILD, encoding="utf-8")
    base, child = definition.get_form("mofa-r01"), definition.get_form("mofa-r01x")
    assert child.name == "令和元年度様式（改）" and child.title == "改訂版の評価シート"
    assert child.print.page_numbers and child.print.label_breaks == base.print.label_breaks  # table merged
    assert child.grades["overall"].values == ("S", "A", "B")  # the array replaced
    assert child.grades["overall"].not_rated == base.grades["overall"].not_rated  # the table kept
    assert set(child.grades) == set(base.grades)
    assert child.grades["overall"].meanings == {g: t for g, t in base.grades["overall"].meanings.items()
                                                if g in ("A", "B", "－")}  # inherited meanings follow their grades
    assert [s.id for s in child.sections] == [s.id for s in base.sections]  # arrays not declared: the base's


def test_extends_replaces_arrays_of_tables(folders) -> None:
    user, _ = folders
    text = CHILD + '[[tabs]]\nid = "only"\nlabel = "一つだけ"\n[[sections]]\nid = "s"\ntab = "only"\n' \
        '[[sections.fields]]\nid = "memo"\nlabel = "メモ"\ntype = "text"\n'
    text = text.replace('extends = "mofa-r01"', 'extends = "mofa-r01"\nfiscal_year_field = ""\n'
                        'organization_field = ""\ncontribution_field = ""\ndivision_field = ""\n'
                        'budget_field = ""\noverall_rating_field = ""\noverview = []\ncarry_from = []')
    (user / "mofa-r01x.toml").write_text(text, encoding="utf-8")
    assert [f.id for f in definition.get_form("mofa-r01x").fields] == ["memo"]


@pytest.mark.parametrize(("text", "message"), [
    ('id = "mofa-r01x"\nversion = 1\nextends = "mofa-r01"\n', r"mofa-r01x.toml: extends: .*'name'"),
    ('id = "mofa-r01x"\nversion = 1\nname = "x"\nextends = "mofa-zz"\n', r"mofa-r01x.toml: extends: unknown format 'mofa-zz'"),
    ('id = "mofa-r01x"\nversion = 1\nname = "x"\nextends = "mofa-r01y"\n', r"extends: cycle mofa-r01x.toml → mofa-r01y.toml → mofa-r01x.toml"),
])
def test_extends_errors_name_the_file_and_the_key(folders, text: str, message: str) -> None:
    user, _ = folders
    (user / "mofa-r01x.toml").write_text(text, encoding="utf-8")
    (user / "mofa-r01y.toml").write_text('id = "mofa-r01y"\nversion = 1\nname = "y"\nextends = "mofa-r01x"\n',
                                         encoding="utf-8")
    with pytest.raises(DefinitionError, match=message):
        definition.load_definition(user / "mofa-r01x.toml")
    definition.all_forms()  # the app still starts: both skipped with a warning
    assert any("mofa-r01x.toml" in w for w in definition.form_registry().warnings)


def test_a_newer_version_may_extend_its_own_older_version(folders) -> None:
    user, _ = folders
    (user / "mofa-r01.v2.toml").write_text('id = "mofa-r01"\nversion = 2\nname = "令和元年度様式 第2版"\n'
                                           'extends = "mofa-r01"\n', encoding="utf-8")
    form = definition.get_form("mofa-r01")
    assert form.version == 2 and form.name == "令和元年度様式 第2版" and "c4_4_other" in form.by_id


# ------------------------------------------------------------------ the command line
def test_forms_list_shows_a_user_format_and_where_it_was_found(folders, capsys) -> None:
    from desktop.cli import main

    user, everyone = folders
    (user / "mofa-r01.toml").write_text(_r01(2), encoding="utf-8")
    (everyone / "mofa-h30.toml").write_text((ROOT / "forms" / "mofa-h30.toml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    assert main(["forms", "list"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert f"*mofa-r01\t2\t令和元年度様式\tuser\t{user / 'mofa-r01.toml'}" in lines
    assert f" mofa-r01\t1\t令和元年度様式\tshipped\t{ROOT / 'forms' / 'mofa-r01.toml'}" in lines
    assert f"*mofa-h30\t1\t平成30年度様式\tshipped\t{ROOT / 'forms' / 'mofa-h30.toml'}" in lines
    assert err.count("\n") == 1 and str(everyone / "mofa-h30.toml") in err  # the tie, as a warning


def test_forms_check_reports_the_line_of_a_syntax_error(tmp_path: Path, capsys) -> None:
    from desktop.cli import main

    bad = tmp_path / "mofa-x.toml"
    bad.write_text('id = "mofa-x"\nversion = 1\n[[tabs]\n', encoding="utf-8")
    assert main(["forms", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    first, count = out.splitlines()
    assert first.startswith("mofa-x.toml: ") and "line 3" in first and count == "mofa-x.toml：誤りが 1 件あります。"
    assert main(["forms", "check", str(ROOT / "forms" / "mofa-r01.toml")]) == 0


def test_a_format_in_the_user_folder_is_in_the_new_sheet_dialog(folders, qapp) -> None:
    from desktop.gui.dialogs import NewSheetDialog

    user, _ = folders
    (user / "mofa-r02.toml").write_text(_r01(1, **{'id = "mofa-r01"': 'id = "mofa-r02"',
                                                   'name = "令和元年度様式"': 'name = "令和2年度様式"',
                                                   "first_fiscal_year = 2019": "first_fiscal_year = 2020"}),
                                        encoding="utf-8")
    dialog = NewSheetDialog(year=2020)
    names = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert "令和2年度様式" in names
    assert dialog.result_values() == ("mofa-r02", 2020)  # the format follows the year
    dialog.grab().save(str(user.parent / "new_sheet.png"))
    print(user.parent / "new_sheet.png")


@pytest.mark.parametrize("form_id", sorted(f.name.removesuffix(".toml") for f in (ROOT / "forms").glob("*.toml")))
def test_forms_doc_covers_every_field_of_every_shipped_format(form_id: str, capsys) -> None:
    from desktop.cli import main

    assert main(["forms", "doc", form_id]) == 0
    out = capsys.readouterr().out
    form = definition.get_form(form_id)
    assert out.startswith(f"# {form.name}（{form_id} 第1版）")
    missing = [f.id for f in form.fields if f"| `{f.id}` | {f.label.replace('|', chr(92) + '|')} | {f.type} |" not in out]
    assert not missing
    computed = [f for f in form.fields if f.compute is not None]
    assert computed and all(f"計算：`{f.compute.source}`" in out for f in computed if "|" not in f.compute.source)
    assert all(f"`{name}`：{'／'.join(g.values)}" in out for name, g in form.grades.items())
    assert all(f"  - {grade}：{text}" in out for g in form.grades.values() for grade, text in g.meanings.items())


def test_forms_doc_renders_a_declared_carry_mapping_and_upgrades(folders, capsys) -> None:
    from desktop.cli import main

    user, _ = folders
    (user / "mofa-r01.toml").write_text(_r01(2) + '\n[[upgrades]]\nfrom_version = 1\nrenamed = { c4_4_old = "c4_4_other" }\n',
                                       encoding="utf-8")
    from desktop.core.formdoc import markdown

    form = definition.get_form("mofa-r01")
    doc = markdown(form, {"carry": {"mofa-h30": {"c1_1_strategy_goals": ["c1_activities_results"]}}})
    assert "`c4_4_old` → `c4_4_other`" in doc and "- `c1_1_strategy_goals` ← [\"c1_activities_results\"]" in doc
    assert main(["forms", "doc", "mofa-r01"]) == 0 and "第2版" in capsys.readouterr().out
