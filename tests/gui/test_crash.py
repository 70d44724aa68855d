"""Power cut in the middle of typing: SIGKILL the app, then check what survived."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPlainTextEdit

from desktop.core.store import Store
from tests.support.qt import w

pytestmark = [pytest.mark.gui, pytest.mark.slow]
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ALLOWED_LOSS_S = 1.0  # the issue: at most the last second of typing (autosave at most 0.7 s after a keystroke)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_mid_typing_loses_at_most_the_last_second(db_path: Path, make_window) -> None:
    sys.path.insert(0, str(HERE))
    from crash_driver import FIELD, TEXT

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(HERE / "crash_driver.py"), str(db_path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    typed: list[tuple[int, float]] = []
    sheet_id = None
    deadline = time.time() + 60
    assert proc.stdout is not None
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("sheet "):
            sheet_id = int(line.split()[1])
        elif line.startswith("typed "):
            _, n, t = line.split()
            typed.append((int(n), float(t)))
            if int(n) >= 90:  # ~3.6 s of steady typing: several autosaves have happened
                break
    killed_at = time.time()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert sheet_id is not None and len(typed) >= 90, "driver did not type"

    must_have = max((n for n, t in typed if t < killed_at - ALLOWED_LOSS_S), default=0)
    assert must_have >= 40
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = Store(db_path)
    text = store.get_sheet(sheet_id).values.get(FIELD, "")
    store.close()
    print(f"typed {typed[-1][0]} chars; {must_have} were typed >{ALLOWED_LOSS_S}s before the kill; {len(text)} stored")
    assert TEXT.startswith(text)  # nothing garbled
    assert len(text) >= must_have, f"lost more than {ALLOWED_LOSS_S}s: stored {len(text)}, typed {must_have} by then"

    # reopening: the stale lock is taken over, the crash is reported, the text is there
    win = make_window(db_path)
    assert not win.read_only
    assert win.banner.isVisible()
    assert win.controller.sheet_id == sheet_id
    assert w(win, FIELD, QPlainTextEdit).toPlainText() == text


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_mid_typing_saves_everything_and_ends_cleanly(db_path: Path, make_window) -> None:
    """Issue 7, item 9: logout / `kill` / a service manager's stop is not a crash."""
    sys.path.insert(0, str(HERE))
    from crash_driver import FIELD, TEXT

    from desktop.gui.session import lock_path, session_path

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(HERE / "crash_driver.py"), str(db_path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdout is not None
    sheet_id, typed = None, 0
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("sheet "):
            sheet_id = int(line.split()[1])
        elif line.startswith("typed "):
            typed = int(line.split()[1])
            if typed >= 25:  # mid-typing: the last keystrokes are not autosaved yet
                break
    assert sheet_id is not None and typed >= 25, "driver did not type"
    os.kill(proc.pid, signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the app did not end on SIGTERM")
    typed = max([typed] + [int(x.split()[1]) for x in out.splitlines() if x.startswith("typed ")])
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err

    store = Store(db_path)
    text = store.get_sheet(sheet_id).values.get(FIELD, "")
    store.close()
    assert text == TEXT[:typed], f"typed {typed}, stored {len(text)}"  # nothing lost, nothing garbled
    assert not session_path(db_path).exists()  # ended cleanly …
    assert not lock_path(db_path).exists()
    win = make_window(db_path)
    assert not win.banner.isVisible()  # … so no recovery note next time
    assert not win.read_only


def test_session_manager_commit_saves_and_marks_a_clean_end(window, qtbot, db_path: Path) -> None:
    """Windows logout/shutdown: commitDataRequest saves the pending edit and removes the marker;
    if the session goes on after all, the marker comes back with the next save."""
    from PySide6.QtWidgets import QLineEdit

    from desktop.gui.session import session_path

    sid = window.create_sheet("mofa-r01", 2020)
    edit = window.findChild(QLineEdit, "contribution_name")
    edit.setFocus()
    edit.insert("ログオフ直前")
    assert window.controller.dirty
    window.commit_session_data()
    assert not window.controller.dirty
    assert Store(db_path).get_sheet(sid).values["contribution_name"] == "ログオフ直前"
    assert not session_path(db_path).exists()
    edit.insert("続き")
    qtbot.waitUntil(lambda: not window.controller.dirty, timeout=4000)
    assert session_path(db_path).exists()


def test_signal_while_the_comparison_is_open_keeps_both_sides(window, qtbot, db_path: Path, monkeypatch) -> None:
    """SIGTERM arrives while the officer looks at the comparison: nothing typed is lost."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLineEdit

    from desktop.gui import app as app_module
    from desktop.gui.session import session_path

    sid = window.create_sheet("mofa-r01", 2020)
    window.findChild(QLineEdit, "contribution_name").insert("ここで入力")
    other = Store(db_path)
    other.save_values(sid, {**other.get_sheet(sid).values, "contribution_name": "別の端末"}, kind="import")
    other.close()

    class FakeApp:
        quitted = False

        def quit(self) -> None:
            self.quitted = True

    fake = FakeApp()
    QTimer.singleShot(300, lambda: app_module.end_now(fake, window))  # the signal, while the dialog is open

    def unstick() -> None:  # if the signal left the dialog open, fail instead of hanging
        from PySide6.QtWidgets import QApplication, QDialog

        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            modal.outcome = "merge"
            modal.done(1)

    QTimer.singleShot(4000, unstick)
    window.controller.flush()  # opens the comparison (a real modal dialog)
    qtbot.waitUntil(lambda: fake.quitted, timeout=5000)
    store = Store(db_path)
    names = [store.get_sheet(s.id).values.get("contribution_name", "") for s in store.list_sheets()]
    assert "ここで入力" in names and "別の端末" in names
    assert not session_path(db_path).exists()
