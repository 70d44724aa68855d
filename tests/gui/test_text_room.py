"""Issue 11 item 3: long answers get room (growing boxes, a larger editor), values and
placeholders are not cut, the docks collapse, an error line never moves the fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit

from tests.support.qt import type_into

pytestmark = pytest.mark.gui

LONG = ("国際移住機関は，人身取引被害者の帰国支援を通じて，" * 200)[:6000]


def _show(window, field_id: str):
    view = window.current_view()
    view.focus_field(field_id)
    QApplication.processEvents()
    return view, view.editors[field_id]


def test_long_text_box_grows_up_to_most_of_the_view(window, qtbot) -> None:
    window.open_sheet(1)
    view, ed = _show(window, "c1_3_results")
    box = ed.widget
    line = box.fontMetrics().lineSpacing()
    ed.set_value("短い答え")
    QApplication.processEvents()
    short_height = box.height()
    assert short_height < 10 * line + 30
    window.controller.set_value("c1_3_results", LONG)
    ed.set_value(LONG)
    QApplication.processEvents()
    viewport = view.scrolls["c1"].viewport().height()
    qtbot.waitUntil(lambda: box.height() > 9 * line + 20)
    assert box.height() > short_height
    assert box.height() <= int(viewport * 0.8) + 1  # then it scrolls inside
    assert box.height() >= int(viewport * 0.8) - line  # the long answer takes the room it is allowed
    assert box.verticalScrollBar().maximum() > 0
    ed.set_value("短い答え")
    qtbot.waitUntil(lambda: box.height() == short_height)


def test_large_editor_edits_through_the_box_undo_and_autosave(window, qtbot) -> None:
    window.open_sheet(1)
    _view, ed = _show(window, "c1_3_results")
    before = window.controller.values.get("c1_3_results", "")
    qtbot.keyClick(ed.widget, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = ed.large_dialog
    assert isinstance(dlg, QDialog) and dlg.isVisible()
    box = dlg.findChild(QPlainTextEdit, "c1_3_results")
    assert box is ed.widget  # the very box: its undo history and signals
    assert box.height() > 300
    box.moveCursor(box.textCursor().MoveOperation.End)
    type_into(box, "追記")
    assert window.controller.values["c1_3_results"] == before + "追記"
    qtbot.waitUntil(lambda: not window.controller.dirty, timeout=4000)  # autosaved
    assert window.store.get_sheet(1).values["c1_3_results"] == before + "追記"
    window.on_undo()  # Ctrl+Z in the dialog: the box's own typing
    assert window.controller.values["c1_3_results"].startswith(before) and \
        len(window.controller.values["c1_3_results"]) < len(before) + 2
    dlg.accept()
    assert ed.container.isAncestorOf(box)
    assert box.maximumHeight() < 10000  # growing again in the form


def test_large_editor_shortcut_needs_a_text_field(window) -> None:
    window.open_sheet(1)
    _show(window, window.controller.form.fiscal_year_field)
    assert window.on_large_editor() is None
    assert "カーソル" in window.statusBar().currentMessage()


def test_period_and_placeholder_are_not_cut(window) -> None:
    window.open_sheet(1)
    view = window.current_view()
    for ed in view.editors.values():
        box = ed.widget
        if ed.field.type in ("ym", "fy", "fy_or_period"):
            metrics = box.fontMetrics()
            assert box.minimumWidth() >= metrics.horizontalAdvance(box.placeholderText()) + 8, ed.field.id
            if ed.field.type == "fy_or_period":
                ed.set_value("2018年1月～2018年12月")
                assert box.minimumWidth() >= metrics.horizontalAdvance("2018年1月～2018年12月") + 8


def test_error_line_does_not_move_the_fields(window, qtbot) -> None:
    window.open_sheet(1)
    view, ed = _show(window, "contribution_name")
    below = view.editors["recipient_org_name"].container
    y = below.mapTo(view, below.rect().topLeft()).y()
    window.controller.set_value("contribution_name", "")
    window.controller.validate_now()
    QApplication.processEvents()
    assert ed.findings_label.text()  # the error is shown
    assert below.mapTo(view, below.rect().topLeft()).y() == y
    window.controller.set_value("contribution_name", "拠出金")
    window.controller.validate_now()
    QApplication.processEvents()
    assert not ed.findings_label.text()
    assert below.mapTo(view, below.rect().topLeft()).y() == y


def test_docks_collapse_by_key_and_stay_collapsed(make_window, db_path: Path, qtbot) -> None:
    win = make_window(db_path)
    win.open_sheet(1)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert not win.list_dock.isVisible() and not win.findings_dock.isVisible()
    win.close()
    again = make_window(db_path, show=False)
    again.restore_layout()
    again.show()
    assert not again.list_dock.isVisible() and not again.findings_dock.isVisible()
