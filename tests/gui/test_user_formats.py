"""A format dropped into the user folder appears in the app; the registry's warnings are shown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_a_tie_with_the_shipped_format_is_shown_in_the_status_bar(user_folder: Path, make_window, db_path: Path,
                                                                   qtbot) -> None:
    (user_folder / "mofa-r01.toml").write_text((ROOT / "forms" / "mofa-r01.toml").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    win = make_window(db_path)
    qtbot.waitUntil(lambda: "様式ファイルの警告" in win.statusBar().currentMessage())  # once the window is up
    shown = win.statusBar().currentMessage()
    assert "様式ファイルの警告 1 件" in shown and str(user_folder / "mofa-r01.toml") in shown
    win.grab().save(str(user_folder.parent / "status.png"))


def test_a_damaged_program_format_is_said_once_the_window_is_up(tmp_path: Path, monkeypatch, make_window,
                                                                messages, db_path: Path, qtbot) -> None:
    """Formats are built when used: a broken file among the program's own formats no longer stops
    the app before its window; it is named (status bar and a message) when the rest are built."""
    from desktop.core import definition

    _damage_a_program_format(tmp_path, monkeypatch)
    try:
        win = make_window(db_path)
        win.open_sheet(1)  # a 令和元年度 sheet: its format is sound
        qtbot.waitUntil(lambda: "mofa-x.toml" in win.statusBar().currentMessage())
        assert any(title == "様式ファイルに誤りがあります" and "colour" in text for title, text in messages)
        assert win.controller.form is not None and win.controller.form.id == "mofa-r01"
    finally:
        definition.form_registry.cache_clear()


def test_with_a_damaged_program_format_a_new_sheet_is_made_from_the_others(tmp_path: Path, monkeypatch, make_window,
                                                                           messages, db_path: Path, qtbot) -> None:
    """新規… listed every format and stopped on the damaged one (the error went to the console
    only): it offers the formats that build, and the year's format is chosen among them."""
    from desktop.core import definition
    from desktop.gui import dialogs

    _damage_a_program_format(tmp_path, monkeypatch)
    try:
        win = make_window(db_path)
        dlg = dialogs.NewSheetDialog(win, year=2019)
        offered = [dlg.format.itemData(i) for i in range(dlg.format.count())]
        assert "mofa-x" not in offered and {"mofa-h30", "mofa-r01"} <= set(offered)
        assert dlg.result_values() == ("mofa-r01", 2019)
        sid = win.create_sheet(*dlg.result_values())
        assert win.controller.sheet_id == sid and win.controller.form is not None
        assert win.controller.form.id == "mofa-r01"
        assert dialogs.NewSheetDialog(win, year=2018).result_values() == ("mofa-h30", 2018)
    finally:
        definition.form_registry.cache_clear()


def _damage_a_program_format(tmp_path: Path, monkeypatch) -> None:
    """The program's formats, one more of them damaged (a misspelt key): ``mofa-x``."""
    import shutil

    from desktop.core import definition

    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    (forms / "mofa-x.toml").write_text('id = "mofa-x"\ntabs = [{id = "t", label = "T", colour = 1}]\nsections = []\n',
                                       encoding="utf-8")
    monkeypatch.setattr(definition, "FORMS_DIR", forms)
    definition.form_registry.cache_clear()
