"""Issue 7, item 4: the mouse wheel over a drop-down scrolls the page; choices, check
boxes and ratings get undo/redo through a QUndoStack (text boxes keep their own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QRadioButton, QWidget

from desktop.core.store import Store

pytestmark = pytest.mark.gui


def w(win, name: str, cls: type = QWidget):
    view = win.current_view() if hasattr(win, "current_view") else None
    if view is not None:
        view.editor(name)  # a field on a tab not shown yet: built as showing its tab would
    found = win.findChild(cls, name)
    assert found is not None, f"no widget named {name!r}"
    return found


def wheel(widget: QWidget, steps: int = -1) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    ev = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_wheel_over_an_unfocused_drop_down_scrolls_the_page(window, qtbot) -> None:
    window.create_sheet("mofa-r01", 2020)
    view = window.current_view()
    box = w(window, "c1_rating", QComboBox)
    tab = window.controller.form.field("c1_rating").tab
    view.tabs.setCurrentIndex(view.tab_index[tab])
    box.clearFocus()  # the officer is elsewhere, the pointer happens to be over the drop-down
    assert not box.hasFocus()
    scroll = view.scrolls[tab]
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    before_index, before_scroll = box.currentIndex(), bar.value()
    wheel(box, -1)
    assert box.currentIndex() == before_index  # the value is not changed …
    assert "c1_rating" not in window.controller.values
    assert bar.value() != before_scroll  # … the page scrolls instead
    # once the officer has clicked into the drop-down, the wheel picks values as usual
    box.setFocus()
    assert box.hasFocus() or QApplication.focusWidget() is box
    wheel(box, -1)
    assert box.currentIndex() != before_index


def test_month_drop_down_ignores_the_wheel_too(window, qtbot) -> None:
    window.create_sheet("mofa-r01", 2020)
    form = window.controller.form
    months = [f.id for f in form.input_fields if f.type == "month"]
    if not months:
        pytest.skip("no month field in this format")
    box = w(window, months[0], QComboBox)
    box.clearFocus()
    before = box.currentIndex()
    wheel(box, -1)
    assert box.currentIndex() == before


def test_undo_redo_of_choices_checkboxes_and_ratings(window, qtbot, db_path: Path) -> None:
    sid = window.create_sheet("mofa-r01", 2020)
    c = window.controller
    box = w(window, "c1_rating", QComboBox)
    window.focus_field("c1_rating")
    box.setCurrentIndex(box.findData("A"))
    box.setCurrentIndex(box.findData("B"))
    assert c.values["c1_rating"] == "B"
    window.act_undo.trigger()
    assert c.values["c1_rating"] == "A" and box.currentData() == "A"
    window.act_undo.trigger()
    assert "c1_rating" not in c.values and box.currentIndex() == 0
    window.act_redo.trigger()
    assert c.values["c1_rating"] == "A" and box.currentData() == "A"
    qtbot.waitUntil(lambda: not c.dirty, timeout=4000)
    assert Store(db_path).get_sheet(sid).values["c1_rating"] == "A"  # an undo is autosaved like any edit

    radios = [r for r in window.current_view().findChildren(QRadioButton) if r.objectName().startswith("contribution_form:")]
    before = c.values.get("contribution_form")
    target = next(r for r in radios if r.text() != before)
    target.setFocus()
    target.click()
    assert c.values["contribution_form"] == target.text()
    window.act_undo.trigger()
    assert c.values.get("contribution_form") == before
    assert not target.isChecked()

    checks = [cb for cb in window.current_view().findChildren(QCheckBox) if ":" in cb.objectName()]
    cb = checks[0]
    field_id = cb.objectName().split(":")[0]
    cb.click()
    assert c.values.get(field_id)
    window.act_undo.trigger()
    assert not c.values.get(field_id) and not cb.isChecked()
    window.act_redo.trigger()
    assert c.values.get(field_id) and cb.isChecked()


def test_ctrl_z_goes_to_the_text_box_when_it_has_focus(window, qtbot) -> None:
    window.create_sheet("mofa-r01", 2020)
    c = window.controller
    box = w(window, "c1_rating", QComboBox)
    box.setCurrentIndex(box.findData("A"))
    edit = w(window, "contribution_name", QLineEdit)
    edit.setFocus()
    for ch in "拠出":
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
    window.act_undo.trigger()  # Edit → 元に戻す with the cursor in the text box
    assert edit.text() == ""
    assert c.values.get("c1_rating") == "A"  # the rating is untouched
    window.act_redo.trigger()
    assert edit.text() == "拠出"
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "" and c.values.get("c1_rating") == "A"
    qtbot.keyClick(edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "拠出"
    box.setFocus()
    window.act_undo.trigger()
    assert "c1_rating" not in c.values


def test_undo_history_is_cleared_on_load_and_reload(window, qtbot) -> None:
    window.create_sheet("mofa-r01", 2020)
    box = w(window, "c1_rating", QComboBox)
    box.setCurrentIndex(box.findData("A"))
    assert window.controller.undo_stack.canUndo()
    window.controller.reload()
    assert not window.controller.undo_stack.canUndo()
    box.setCurrentIndex(box.findData("B"))
    window.open_sheet(1)
    assert not window.controller.undo_stack.canUndo()


def test_complete_sheet_stays_editable_with_undo(window, qtbot) -> None:
    window.open_sheet(1)  # demo sheet (完了 or not, editing works the same)
    box = w(window, "c1_rating", QComboBox)
    old = box.currentData()
    box.setFocus()  # the officer clicked it
    box.setCurrentIndex(box.findData("D") if old != "D" else box.findData("C"))
    assert box.isEnabled()
    window.act_undo.trigger()
    assert box.currentData() == old


def test_undo_shows_the_field_it_changed(window, qtbot) -> None:
    window.create_sheet("mofa-r01", 2020)
    view = window.current_view()
    box = w(window, "c1_rating", QComboBox)
    window.focus_field("c1_rating")
    box.setCurrentIndex(box.findData("A"))
    view.tabs.setCurrentIndex(0)  # the officer moved on to another tab
    window.act_undo.trigger()
    assert "c1_rating" not in window.controller.values
    assert view.current_tab_id() == window.controller.form.field("c1_rating").tab
    assert "評価基準" in window.statusBar().currentMessage()
