"""Typing robot for the crash test: the real MainWindow, typing at a steady rate.

``python tests/gui/crash_driver.py DB`` creates a sheet, then types one
character every ``INTERVAL_MS`` into 1-1 and prints ``typed N T`` (N characters
typed, T = time.time()) after each one, flushed, so the test knows what had been
typed when it SIGKILLs this process.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit

INTERVAL_MS = 40
TEXT = "国際機関の活動成果を記入します。" * 40  # Japanese, as officers type it
FIELD = "c1_1_strategy_goals"


def main(db: str) -> int:
    app = QApplication([])
    from desktop.gui.app import create_window, setup_application

    setup_application(app)
    win = create_window(Path(db), interactive=False)
    assert win is not None
    win.resize(1366, 768)
    win.show()
    sid = win.create_sheet("mofa-r01", 2020)
    edit = win.findChild(QPlainTextEdit, FIELD)
    win.focus_field(FIELD)
    print(f"sheet {sid}", flush=True)
    state = {"n": 0}

    def type_one() -> None:
        ch = TEXT[state["n"] % len(TEXT)]
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
        state["n"] += 1
        print(f"typed {state['n']} {time.time():.3f}", flush=True)

    timer = QTimer(interval=INTERVAL_MS)
    timer.timeout.connect(type_one)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
