"""Issue 11, item 11: the status bar shows the printed sheet's page count and the page of
the field being edited, computed in a worker process (pytest-qt, offscreen)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop.core.i18n import set_language
from desktop.gui import page_count
from desktop.pdf.pagemap import page_map
from tests.support.qt import type_into

pytestmark = pytest.mark.gui

LONG = "拠出先機関の戦略目標と日本の外交政策との関係について，具体的な成果を挙げて説明する。" * 160
WAIT = 60_000  # ms: the first answer starts a Python process and loads the fonts, on a busy machine


def _expected(win) -> tuple[int, dict[str, tuple[int, int]]]:
    """What the printer's layout says for the window's sheet as it is now (in this process)."""
    pmap = page_map(win.controller.form, dict(win.controller.values))
    return pmap.pages, pmap.fields


def _focus(win, qtbot, field_id: str) -> None:
    win.activateWindow()
    win.focus_field(field_id)
    qtbot.waitUntil(lambda: win._focused_field() == field_id, timeout=5000)


def _current(win) -> bool:
    label = win.page_count
    return label.shown_generation == label.generation and label.pages > 0


def test_count_follows_typing_and_focus(make_window, db_path: Path, qtbot) -> None:
    win = make_window(db_path)
    win.open_sheet(1)  # the R01 demo
    label = win.page_count
    assert label.worker.process is None  # not started with the window: the first request starts it
    qtbot.waitUntil(lambda: _current(win), timeout=WAIT)
    pages, fields = _expected(win)
    assert label.text() == f"全 {pages} ページ" and label.isVisible()

    _focus(win, qtbot, "c1_1_strategy_goals")  # focus moves: the last map answers, no new layout
    assert label.in_flight is None and label.pending is None
    assert label.text() == f"全 {pages} ページ／この項目は {fields['c1_1_strategy_goals'][0]} ページ"
    assert fields["c1_1_strategy_goals"][0] == 2
    _focus(win, qtbot, "c4_4_other")
    assert label.text() == f"全 {pages} ページ／この項目は {fields['c4_4_other'][0]} ページ"

    _focus(win, qtbot, "c1_1_strategy_goals")
    box = QApplication.focusWidget()
    type_into(box, "追記")
    box.insertPlainText(LONG)  # pasted: ~6,700 characters more in 1-1
    assert label.text().startswith(f"全 {pages} ページ")  # the old count until the new one is there
    qtbot.waitUntil(lambda: _current(win), timeout=WAIT)
    grown, fields = _expected(win)
    first, last = fields["c1_1_strategy_goals"]
    assert grown > pages and (first, last) == (2, last) and last > 2
    assert label.text() == f"全 {grown} ページ／この項目は 2～{last} ページ"
    _focus(win, qtbot, "c4_4_other")
    assert label.text() == f"全 {grown} ページ／この項目は {fields['c4_4_other'][0]} ページ"


def test_a_stale_result_for_another_sheet_is_ignored(make_window, db_path: Path, qtbot) -> None:
    win = make_window(db_path)
    win.open_sheet(1)  # R01: 10 pages
    label = win.page_count
    label.request_now()  # out to the worker now …
    assert label.in_flight is not None
    win.open_sheet(2)  # … and before it answers, the H30 sheet is open
    qtbot.waitUntil(lambda: _current(win), timeout=WAIT)
    assert label.ignored >= 1  # R01's answer came back and was dropped
    pages, _fields = _expected(win)
    assert label.pages == pages and label.text() == f"全 {pages} ページ"
    # an answer for values that have changed since is dropped the same way
    gen = label.generation
    label._answered(gen - 1, 99, {}, "")
    assert label.pages == pages and label.ignored >= 2


def test_a_killed_worker_is_restarted(make_window, db_path: Path, qtbot) -> None:
    win = make_window(db_path)
    win.open_sheet(2)
    label = win.page_count
    qtbot.waitUntil(lambda: _current(win), timeout=WAIT)
    first_pid = label.worker.pid
    _focus(win, qtbot, "c3_usefulness")
    box = QApplication.focusWidget()
    box.moveCursor(QTextCursor.MoveOperation.End)
    type_into(box, "あ")
    label.request_now()
    assert label.in_flight is not None
    os.kill(first_pid, signal.SIGKILL)  # dies while laying out
    qtbot.waitUntil(lambda: _current(win), timeout=WAIT)
    assert label.restarts >= 1 and label.worker.pid != first_pid and label.worker.alive()
    pages, fields = _expected(win)
    assert win.controller.values["c3_usefulness"].endswith("あ")  # nothing typed was lost
    assert label.text() == f"全 {pages} ページ／この項目は {fields['c3_usefulness'][0]}～{fields['c3_usefulness'][1]} ページ"
    # closing the window ends the worker
    proc = label.worker.process
    win.close()
    assert not proc.is_alive() and proc.exitcode is not None


def test_a_failing_worker_shows_a_dash(make_window, db_path: Path, qtbot, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "nofonts"
    empty.mkdir()
    monkeypatch.setenv("HYOKA_FONT_DIRS", str(empty))  # the worker, started now, finds no font
    win = make_window(db_path)
    win.open_sheet(2)
    label = win.page_count
    qtbot.waitUntil(lambda: label.shown_generation == label.generation, timeout=WAIT)
    assert label.text() == "ページ数：—"
    assert label.toolTip().startswith("印刷したときのページ数を計算できませんでした：") and len(label.toolTip()) > 30
    assert label.worker.alive()  # an error is an answer: the worker stays


def test_a_worker_that_never_answers_gives_up_with_a_dash(make_window, db_path: Path, qtbot,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_count, "HANG_S", 0.0)  # every layout "hangs": killed, restarted, then given up
    win = make_window(db_path)
    win.open_sheet(2)
    label = win.page_count
    label.request_now()
    qtbot.waitUntil(lambda: label.error != "", timeout=WAIT)
    assert label.text() == "ページ数：—" and label.restarts == page_count.MAX_RESTARTS + 1
    assert label.in_flight is None and not label.worker.alive()
    _focus(win, qtbot, "c3_usefulness")
    QApplication.focusWidget().moveCursor(QTextCursor.MoveOperation.End)
    type_into(QApplication.focusWidget(), "い")  # the UI goes on; the next edit tries again
    assert win.controller.values["c3_usefulness"].endswith("い") and label.failures == 0


def test_english(make_window, db_path: Path, qtbot) -> None:
    set_language("en")
    win = make_window(db_path)
    win.open_sheet(2)
    qtbot.waitUntil(lambda: _current(win), timeout=WAIT)
    pages, fields = _expected(win)
    assert win.page_count.text() == f"{pages} pages"
    _focus(win, qtbot, "pdca_plan")
    assert win.page_count.text() == f"{pages} pages / this field: page {fields['pdca_plan'][0]}"
