"""Issue 11 item 9 (help: shortcuts from the actions, grade meanings, About, F1) and
item 4's status column (not clipped to 「Compl…」 under --lang en)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from desktop.core.definition import DefinitionError, get_form, parse_definition
from desktop.core.i18n import set_language

pytestmark = pytest.mark.gui


def _cells(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_help_lists_the_actions_real_shortcuts(window, qtbot) -> None:
    window.open_sheet(1)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dlg = window.help_dialog
    assert dlg.isVisible()
    keys = _cells(dlg.shortcuts, 0)
    for act in window.findChildren(QAction):
        if act.shortcut().isEmpty() or act not in window.actions():
            continue
        shown = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert any(shown in k for k in keys), (act.objectName(), shown)
    # generated, not written by hand: a changed shortcut is what the help shows
    dlg.close()
    window.act_history.setShortcut(QKeySequence("Ctrl+Alt+J"))
    dlg = window.on_help()
    row = _cells(dlg.shortcuts, 1).index("履歴")
    assert dlg.shortcuts.item(row, 0).text() == QKeySequence("Ctrl+Alt+J").toString(QKeySequence.SequenceFormat.NativeText)
    assert "Ctrl+Y / Ctrl+Shift+Z" in _cells(dlg.shortcuts, 0)  # both redo keys


def test_help_shows_the_grade_meanings_of_the_format(window) -> None:
    window.open_sheet(1)
    dlg = window.on_help()
    form = window.controller.form
    grades = _cells(dlg.grades, 2)
    meanings = _cells(dlg.grades, 3)
    scale = form.grades["overall"]
    assert scale.meanings["B"] == "期待する成果を着実に上げている。"
    assert grades.count("B") == len(form.grades)
    assert scale.meanings["B"] in meanings and scale.meanings["D"] in meanings


def test_meanings_are_checked_by_the_schema() -> None:
    import tomllib

    from desktop.core.definition import resource_dir

    data = tomllib.loads((resource_dir("forms") / "mofa-r01.toml").read_text(encoding="utf-8"))
    data["grades"]["overall"]["meanings"] = {"E": "ない評価"}
    with pytest.raises(DefinitionError, match=r"^grades\.overall\.meanings: 'E' is not a grade"):
        parse_definition(data)
    data["grades"]["overall"]["meanings"] = "A は良い"
    with pytest.raises(DefinitionError, match=r"^grades\.overall\.meanings: must be dict"):
        parse_definition(data)
    for form_id in ("mofa-r01", "mofa-h30"):
        for scale in get_form(form_id).grades.values():
            assert set(scale.meanings) == set(scale.all)


def test_about_names_version_licences_and_database(window) -> None:
    dlg = window.on_about()
    text = dlg.text.toPlainText()
    assert "0.1.0" in text
    assert str(window.store.path) in text
    for needle in ("SIL Open Font License", "BIZUD-LICENSE.txt", "DejaVu-LICENSE.txt", "LGPL"):
        assert needle in text, needle
    assert window.menuBar().actions()[-1].text() == "ヘルプ(&H)"


def test_about_is_english_under_english(gui_app) -> None:
    """Its headings were _() calls inside an f-string, which message extraction never saw."""
    from desktop.gui.help import about_html

    set_language("en")
    text = about_html("0.1.0", "/tmp/x.sqlite3")
    assert "データベース" not in text and "ライセンス" not in text and "評価シートの作成" not in text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_status_column_is_not_clipped(gui_app, lang: str) -> None:
    from desktop.gui.dialogs import status_label
    from desktop.gui.sheet_list import SheetListPanel

    set_language(lang)
    try:
        panel = SheetListPanel()
        metrics = panel.table.fontMetrics()
        width = panel.table.columnWidth(1)
        for text in (status_label("complete"), status_label("draft")):
            assert metrics.horizontalAdvance(text) + 8 <= width, (text, width)
        header = panel.table.horizontalHeader()
        assert header.fontMetrics().horizontalAdvance(panel.table.horizontalHeaderItem(1).text()) + 8 <= width
    finally:
        set_language("ja")


def test_english_list_screenshot(make_window, db_path: Path, tmp_path: Path) -> None:
    set_language("en")
    try:
        win = make_window(db_path)
        win.open_sheet(1)
        out = tmp_path / "list-en.png"
        assert win.list_dock.grab().save(str(out))
    finally:
        set_language("ja")


def test_undo_and_the_wastebaskets_restore_are_different_words_in_english(make_window, db_path: Path) -> None:
    """One Japanese msgid served two actions, so Edit → Undo read "Restore" in English."""
    from PySide6.QtWidgets import QPushButton

    from desktop.gui.dialogs import TrashDialog

    set_language("en")
    win = make_window(db_path)
    dialog = TrashDialog(win.store, win)
    assert win.act_undo.text().replace("&", "") == "Undo"
    assert dialog.findChild(QPushButton, "undelete").text() != win.act_undo.text()
    dialog.close()


def test_delete_key_in_the_list_asks_and_moves_the_sheet_to_the_wastebasket(window, qtbot, messages) -> None:
    window.open_sheet(1)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert messages and messages[-1][0] == "シートの削除"  # the menu action's confirmation
    assert 1 not in window.listed_ids()
    assert window.store.get_sheet(1).deleted is not None
    assert window.controller.sheet_id is None


def test_delete_key_is_refused_when_the_confirmation_is_declined(window, qtbot, monkeypatch) -> None:
    from desktop.gui import dialogs

    monkeypatch.setattr(dialogs, "ask", lambda *_a: False)
    window.open_sheet(1)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert 1 in window.listed_ids()


def test_list_context_menu_offers_the_sheet_actions(window) -> None:
    window.open_sheet(1)
    names = [a.objectName() for a in window.list_menu().actions() if not a.isSeparator()]
    assert names == ["actNewFromPrevious", "actDuplicate", "actExport", "actPrint", "actHistory", "actDelete"]
    assert window.table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_zoom_keys_change_the_form_and_are_remembered(make_window, db_path: Path, qtbot) -> None:
    win = make_window(db_path)
    win.open_sheet(1)
    view = win.current_view()
    box = view.editors["contribution_name"].widget
    size = box.font().pointSizeF()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert box.font().pointSizeF() == pytest.approx(size * 1.2)
    qtbot.keyClick(win, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert box.font().pointSizeF() == pytest.approx(size * 1.1)
    win.close()
    again = make_window(db_path)
    again.open_sheet(1)
    assert again.current_view().editors["contribution_name"].widget.font().pointSizeF() == pytest.approx(size * 1.1)
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)
    qtbot.keyClick(again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.current_view().editors["contribution_name"].widget.font().pointSizeF() == pytest.approx(size)


def test_find_in_the_sheet_jumps_to_labels_and_values(window, qtbot) -> None:
    window.open_sheet(1)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_edit.hasFocus()
    view = window.current_view()
    form = window.controller.form
    expected = [f for f in view._order if "MiGOF" in str(window.controller.values.get(f, ""))]
    assert len(expected) >= 2
    window.find_edit.setText("migof")  # case-insensitive, in values
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert view.editors[expected[0]].container.property("found") is True
    assert view.tabs.currentIndex() == view.tab_index[form.field(expected[0]).tab]
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert view.editors[expected[1]].container.property("found") is True
    assert not view.editors[expected[0]].container.property("found")
    assert window.find_status.text() == f"2 / {len(view.find('migof'))} 件"
    window.find_edit.setText("拠出先国際機関名")  # a label
    assert window.find_next() == "recipient_org_name"
    window.find_edit.setText("存在しない語句")
    assert window.find_next() == "" and window.find_status.text() == "見つかりません"
