"""Issue 11: the window fits the screen, one sheet per contribution, no stale panels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.core.identity import contribution_key
from desktop.core.store import Store
from desktop.gui import dialogs as _dialogs

REAL_SHOW_FINDINGS = _dialogs.show_findings  # the messages fixture replaces it


def w(win, name: str, cls: type = QWidget):
    view = win.current_view() if hasattr(win, "current_view") else None
    if view is not None:
        view.editor(name)  # a field on a tab not shown yet: built as showing its tab would
    found = win.findChild(cls, name)
    assert found is not None, f"no widget named {name!r}"
    return found


def type_into(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def wait_saved(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.controller.dirty, timeout=4000)

pytestmark = pytest.mark.gui


# ------------------------------------------------------------------ 1. screen
@pytest.mark.parametrize("available", [QRect(0, 0, 1366, 728), QRect(0, 0, 1280, 680), QRect(0, 0, 1280, 720 - 40),
                                       QRect(0, 0, 1280, 688)])  # 1920×1080 at 150 %: 1280×720 minus the taskbar
def test_first_start_fits_the_available_screen(make_window, db_path: Path, available: QRect) -> None:
    win = make_window(db_path)
    win.fit_to_screen(available)
    frame = win.frameGeometry()
    assert win.width() <= available.width() and win.height() + 30 <= available.height() + 30
    assert available.contains(QRect(frame.x(), frame.y(), win.width(), win.height()))
    # usable: the findings dock and the status bar are inside the window, the form keeps room
    assert win.findings_dock.isVisible() and win.findings_dock.geometry().right() <= win.width()
    assert win.statusBar().geometry().bottom() <= win.height()
    assert win.centralWidget().width() >= 500


def test_minimum_size_allows_1280x720(make_window, db_path: Path) -> None:
    win = make_window(db_path)
    win.open_sheet(1)
    hint = win.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 680


def test_geometry_docks_and_tab_are_remembered(make_window, db_path: Path, qtbot) -> None:
    win = make_window(db_path)
    win.open_sheet(1)
    win.resize(760, 600)  # the offscreen screen is 800×800
    win.list_dock.hide()
    win.show_tab(3)
    win.close()
    again = make_window(db_path, show=False)
    again.restore_layout()
    again.open_sheet(1)
    again.restore_tab()
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (760, 600)
    assert not again.list_dock.isVisible()
    assert again.current_view().tabs.currentIndex() == 3


def test_size_option_overrides_the_remembered_geometry(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "shot.png"
    env_cfg = tmp_path / "cfg"
    env = {"HYOKA_CONFIG_DIR": str(env_cfg), "QT_QPA_PLATFORM": "offscreen"}
    import os

    env = {**os.environ, **env}
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "desktop", "gui", "--db", str(tmp_path / "db.sqlite3"), "--size", "1000x600",
                    "--screenshot", str(out)], cwd=root, env=env, check=True, timeout=60)
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 600)


@pytest.mark.parametrize(("screen", "dpr", "logical"), [((1366, 768), 1, (1366, 768)), ((1920, 1080), 1.5, (1280, 720))])
def test_forced_screen_first_start_fits(tmp_path: Path, screen, dpr, logical) -> None:
    """A real process on a forced offscreen screen, no --size: the window is within the screen."""
    import json
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": screen[0], "height": screen[1],
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": dpr}]}))
    out = tmp_path / "shot.png"
    env = {**os.environ, "HYOKA_CONFIG_DIR": str(tmp_path / "cfg"), "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    subprocess.run([sys.executable, "-m", "desktop", "gui", "--db", str(tmp_path / "db.sqlite3"), "--screenshot", str(out)],
                   cwd=Path(__file__).resolve().parents[2], env=env, check=True, timeout=60)
    image = QImage(str(out))
    width, height = round(image.width() / dpr), round(image.height() / dpr)
    assert logical[0] * 0.9 <= width <= logical[0] and logical[1] * 0.85 <= height <= logical[1]


# ------------------------------------------------------------------ 7. the same contribution
def test_contribution_key_normalises() -> None:
    assert contribution_key(2020, "国際移住機関（ＩＯＭ）拠出金 ") == contribution_key(2020, "国際移住機関(IOM)拠出金")
    assert contribution_key(2020, "IOM  Development Fund") == contribution_key(2020, "ＩＯＭ Development Fund")
    assert contribution_key(2020, "A") != contribution_key(2021, "A")
    assert contribution_key(2020, "　") is None


def test_new_from_previous_twice_offers_the_existing_sheet(window, monkeypatch) -> None:
    from desktop.gui import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "choose", lambda _p, _t, text, _b, **_k: asked.append(text) or 0)
    window.open_sheet(1)
    first = window.new_from_previous(1)
    assert first is not None and not asked
    count = len(window.store.list_sheets())
    again = window.new_from_previous(1)
    assert again is None and asked and "既にあります" in asked[0]
    assert len(window.store.list_sheets()) == count  # no second identical sheet
    assert window.controller.sheet_id == first  # the existing one is open


def test_new_from_previous_can_still_create_when_asked(window, monkeypatch) -> None:
    from desktop.gui import dialogs

    window.new_from_previous(1)
    monkeypatch.setattr(dialogs, "choose", lambda *_a, **_k: 1)
    assert window.new_from_previous(1) is not None
    monkeypatch.setattr(dialogs, "choose", lambda *_a, **_k: 2)
    count = len(window.store.list_sheets())
    assert window.new_from_previous(1) is None and len(window.store.list_sheets()) == count


# ------------------------------------------------------------------ 8. stale panels
def test_deleting_the_open_sheet_clears_every_panel(window, qtbot, messages) -> None:
    sid = window.create_sheet("mofa-r01", 2020)
    type_into(qtbot, w(window, "contribution_name", QLineEdit), "消すシート")
    wait_saved(qtbot, window)
    window.controller.validate_now()
    assert window.findings_list.count() > 0 and window.save_status.text()
    window.act_delete.trigger()
    assert window.store.get_sheet(sid).deleted
    assert window.findings_list.count() == 0
    assert window.findings_status.text() == "" and window.save_status.text() == ""
    assert window.header.text() == "" and window.controller.sheet_id is None
    assert not window.act_complete.isEnabled()


def test_sheet_deleted_elsewhere_is_closed(window, qtbot, db_path: Path) -> None:
    window.open_sheet(2)
    other = Store(db_path)
    other.delete_sheet(2)
    other.close()
    window.controller.check_outside_changes()
    assert window.controller.sheet_id is None and window.findings_list.count() == 0


def test_saved_stamp_belongs_to_the_open_sheet(window, qtbot) -> None:
    window.open_sheet(1)
    type_into(qtbot, w(window, "contribution_name", QLineEdit), "様")
    wait_saved(qtbot, window)
    window.open_sheet(2)
    sheet2 = window.store.get_sheet(2)
    from desktop.gui.dialogs import local_time

    assert local_time(sheet2.updated, seconds=False) in window.save_status.text()  # another day: with its date


# ------------------------------------------------------------------ 2. Qt in Japanese, folders
def test_qt_buttons_are_japanese(gui_app) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from desktop.gui.app import install_qt_translations

    assert install_qt_translations(gui_app)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = [b.text() for b in box.buttons()]
    assert "Cancel" not in texts and any("キャンセル" in t for t in texts)
    msg = QMessageBox(QMessageBox.Icon.Question, "t", "q", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert any("はい" in b.text() for b in msg.buttons())


def test_qt_buttons_follow_english(gui_app) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.core.i18n import set_language
    from desktop.gui.app import install_qt_translations

    set_language("en")
    try:
        assert not install_qt_translations(gui_app)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.buttons()[0].text().replace("&", "") == "Cancel"
    finally:
        set_language("ja")
        install_qt_translations(gui_app)


def test_file_dialogs_start_in_documents_and_remember_per_purpose(window, monkeypatch, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop.gui import folders

    seen: list[str] = []
    picked = tmp_path / "in" / "a.json"
    picked.parent.mkdir()

    def fake_open(_parent, _title, directory, _filter):
        seen.append(directory)
        return [str(picked)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_open)
    monkeypatch.setattr(window, "import_files", lambda paths: [])
    window.import_report = []
    window.on_import()
    window.on_import()
    assert seen[0] == folders.documents()
    assert seen[1] == str(picked.parent)
    assert folders.start_dir("export") == folders.documents()  # each purpose on its own
    saved: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _p, _t, name, _f: (saved.append(name), ("", ""))[1])
    window.open_sheet(1)
    window.on_export()
    assert Path(saved[0]).parent == Path(folders.documents())


# ------------------------------------------------------------------ 5. 完了 guidance
def test_complete_refused_lists_errors_and_jumps_to_the_first_error(window, qtbot, monkeypatch) -> None:
    from desktop.gui import dialogs

    shown: dict = {}

    def fake_exec(dlg) -> int:
        shown["rows"] = [dlg.list.item(i).text() for i in range(dlg.list.count())]
        shown["title"] = dlg.windowTitle()
        return 1  # 「最初のエラーへ移動」

    monkeypatch.setattr(dialogs.FindingsDialog, "exec", fake_exec)
    monkeypatch.setattr(dialogs, "show_findings", REAL_SHOW_FINDINGS)
    window.create_sheet("mofa-r01", 2020)
    type_into(qtbot, w(window, "contribution_name", QLineEdit), "下書き")
    window.act_complete.trigger()
    assert shown["title"] == "「完了」にできません"
    assert shown["rows"] and all(r.startswith("✖") for r in shown["rows"])  # errors only
    errors = [f for f in window.controller.findings if f.severity == "error"]
    first = errors[0].field_id
    focused = QApplication.focusWidget()
    assert focused is not None and focused in window.current_view().editors[first].focus_widgets()
    assert window.controller.sheet.status == "draft"


def test_only_warnings_ask_for_confirmation(window, qtbot, monkeypatch) -> None:
    from desktop.gui import dialogs

    window.open_sheet(1)
    sid = window.new_from_previous(1)
    c = window.controller
    # make the sheet error-free: take the demo's values, keep the carried marks
    demo = window.store.get_sheet(1).values
    for fid, value in demo.items():
        if fid != "sheet_fiscal_year" and fid not in c.values:
            c.set_value(fid, value)
    c.validate_now()
    for f in [f for f in c.findings if f.severity == "error"]:
        c.set_value(f.field_id, demo.get(f.field_id))
    c.validate_now()
    if [f for f in c.findings if f.severity == "error"]:
        pytest.skip("the carried sheet has errors of its own")
    carried_warnings = [f for f in c.findings if f.code == "carried_unreviewed"]
    assert len(carried_warnings) == len(c.carried) > 0  # unreviewed copied values are warnings
    answers = iter([None, ""])
    intros: list[str] = []

    def fake(_parent, _title, intro, _rows, **_k):
        intros.append(intro)
        return next(answers)

    monkeypatch.setattr(dialogs, "show_findings", fake)
    window.act_complete.trigger()  # cancelled
    assert window.store.get_sheet(sid).status == "draft"
    assert "前年度から写したまま" in intros[0]
    window.act_complete.trigger()  # confirmed
    assert window.store.get_sheet(sid).status == "complete"


def test_copied_fields_reviewed_by_mark_compare_or_tab(window, qtbot, monkeypatch) -> None:
    from desktop.gui import dialogs

    window.open_sheet(1)
    window.new_from_previous(1)
    c = window.controller
    view = window.current_view()
    first = c.carried[0]
    view.carry_marks[first].click()  # the mark itself: 確認済み
    assert first not in c.carried
    second = next(fid for fid in c.carried if fid in view.compare_buttons)
    monkeypatch.setattr(dialogs.CompareDialog, "exec", lambda _d: 0)  # looked at, closed
    window.compare_field(second)
    assert second not in c.carried
    tab = c.form.field(c.carried[0]).tab
    window.show_tab(list(view.tab_index).index(tab))
    on_tab = [fid for fid in c.carried if c.form.field(fid).tab == tab]
    assert window.review_current_tab() == len(on_tab)
    assert not [fid for fid in c.carried if c.form.field(fid).tab == tab]
    assert not set(on_tab) & set(window.store.get_sheet(c.sheet_id).carried_fields)
    c.validate_now()
    assert not {f.field_id for f in c.findings if f.code == "carried_unreviewed"} & set(on_tab)


# ------------------------------------------------------------------ 6. findings told apart
def test_findings_name_the_sub_item_on_one_line(window, qtbot) -> None:
    window.create_sheet("mofa-r01", 2020)
    c = window.controller
    c.set_value("c3_2_report_ym", "あいう")
    c.set_value("c3_4_ext_report_ym", "あいう")
    c.validate_now()
    texts = [window.findings_list.item(i).text() for i in range(window.findings_list.count())]
    ym = [t for t in texts if "報告年月" in t]
    assert any("3-2｜" in t for t in ym) and any("3-4(1)｜" in t for t in ym)
    assert all("\n" not in t for t in texts)
    item = next(window.findings_list.item(i) for i in range(window.findings_list.count())
                if "3-4(1)｜報告年月" in window.findings_list.item(i).text())
    full = item.data(Qt.ItemDataRole.UserRole + 1)
    assert full in item.toolTip()
    window.findings_list.setCurrentItem(item)
    assert window.statusBar().currentMessage() == full


def test_new_from_previous_across_formats_shows_the_report_first(window, monkeypatch, tmp_path) -> None:
    """H30 → R01: the report (copied / joined / no place) before anything is created; the new
    sheet marks the carried fields and shows the note of unplaced content."""
    from desktop.gui import dialogs

    src = next(s.id for s in window.store.list_sheets() if s.format == "mofa-h30")  # the demo 平成30年度 sheet
    count = len(window.store.list_sheets())
    seen: list[dialogs.CarryReportDialog] = []

    def answer(parent, plan, ok: bool) -> bool:
        seen.append(dialogs.CarryReportDialog(plan, parent))
        return ok

    monkeypatch.setattr(dialogs, "choose", lambda *_a, **_k: 1)  # a 2019 sheet may already exist: create anyway
    monkeypatch.setattr(dialogs, "confirm_carry", lambda p, plan: answer(p, plan, False))
    assert window.new_from_previous(src) is None and len(window.store.list_sheets()) == count
    table = seen[0].table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    assert ("移す先なし", "－", "種別") in rows
    assert any(r[0] == "まとめる" and r[1].startswith("3-5") and "PLAN" in r[2] for r in rows)
    seen[0].grab().save(str(tmp_path / "carry_report.png"))
    monkeypatch.setattr(dialogs, "confirm_carry", lambda p, plan: answer(p, plan, True))
    sid = window.new_from_previous(src)
    assert sid is not None and window.controller.sheet_id == sid
    assert "c3_5_mgmt_issues" in window.controller.carried
    assert window.import_note_dock.isVisibleTo(window)
    assert window.import_note.text.toPlainText().startswith("前年度様式から移せなかった内容")
