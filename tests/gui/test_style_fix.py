"""The format's writing style in the app: warnings in the findings dock, a fix per field and per sheet,
one undo step, saved through the controller's normal (``expected=``) path."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core import conventions
from desktop.core.store import Store

pytestmark = pytest.mark.gui


def _style_rows(window) -> list:
    items = [window.findings_list.item(i) for i in range(window.findings_list.count())]
    return [it for it in items if it.data(Qt.ItemDataRole.UserRole + 2) in conventions.CODES]


def _type(window, fid: str, text: str) -> None:
    window.controller.set_value(fid, text)
    window.current_view().editor(fid).set_value(text)


def test_fix_one_field_then_the_whole_sheet_and_undo(window, qtbot, db_path: Path, tmp_path: Path) -> None:
    sid = window.create_sheet("mofa-r01", 2020)
    c = window.controller
    _type(window, "c1_1_strategy_goals", "ＩＯＭは、移民を支援し、1,000人を保護。")
    _type(window, "c2_3_decision_influence", "-")
    _type(window, "responsible_division", "総合外交政策局、国際安全・治安対策協力室")
    c.validate_now()
    rows = _style_rows(window)
    assert {r.data(Qt.ItemDataRole.UserRole) for r in rows} == {
        "c1_1_strategy_goals", "c2_3_decision_influence", "responsible_division"}
    assert all(r.text().startswith("⚠") for r in rows)  # warnings, not errors
    assert window.fix_sheet_button.isEnabled() and not window.fix_field_button.isEnabled()
    window.findings_list.setCurrentItem(next(r for r in rows if r.data(Qt.ItemDataRole.UserRole) == "c1_1_strategy_goals"))
    assert window.fix_field_button.isEnabled()
    window.grab().save(str(tmp_path / "style_warning.png"))

    qtbot.mouseClick(window.fix_field_button, Qt.MouseButton.LeftButton)  # focus on the button: Ctrl+Z is the sheet's
    assert c.values["c1_1_strategy_goals"] == "ＩＯＭは，移民を支援し，1,000人を保護。"
    assert window.current_view().editor("c1_1_strategy_goals").widget.toPlainText() == c.values["c1_1_strategy_goals"]
    assert c.values["responsible_division"] == "総合外交政策局、国際安全・治安対策協力室"  # only that field
    qtbot.waitUntil(lambda: not c.dirty, timeout=4000)
    assert Store(db_path).get_sheet(sid).values["c1_1_strategy_goals"] == "ＩＯＭは，移民を支援し，1,000人を保護。"

    qtbot.mouseClick(window.fix_sheet_button, Qt.MouseButton.LeftButton)
    assert c.values["c2_3_decision_influence"] == "－"
    assert c.values["responsible_division"] == "総合外交政策局，国際安全・治安対策協力室"
    assert not _style_rows(window) and not window.fix_sheet_button.isEnabled()
    qtbot.waitUntil(lambda: not c.dirty, timeout=4000)
    assert Store(db_path).get_sheet(sid).values["c2_3_decision_influence"] == "－"

    window.act_undo.trigger()  # the whole-sheet fix is one step
    assert c.values["c2_3_decision_influence"] == "-"
    assert c.values["responsible_division"] == "総合外交政策局、国際安全・治安対策協力室"
    assert c.values["c1_1_strategy_goals"] == "ＩＯＭは，移民を支援し，1,000人を保護。"
    assert window.current_view().editor("c2_3_decision_influence").widget.toPlainText() == "-"
    window.act_undo.trigger()  # then the field's fix
    assert c.values["c1_1_strategy_goals"] == "ＩＯＭは、移民を支援し、1,000人を保護。"
    window.act_redo.trigger()
    window.act_redo.trigger()
    assert c.values["responsible_division"] == "総合外交政策局，国際安全・治安対策協力室"
    qtbot.waitUntil(lambda: not c.dirty, timeout=4000)
    assert Store(db_path).get_sheet(sid).values["responsible_division"] == "総合外交政策局，国際安全・治安対策協力室"
