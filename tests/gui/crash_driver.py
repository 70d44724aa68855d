"""Typing robot for the crash tests: the real app (``hyoka gui``'s start-up path),
typing at a steady rate.

``python tests/gui/crash_driver.py DB`` starts the app as ``hyoka gui --db DB``
does, creates a sheet, then types one character every ``INTERVAL_MS`` into 1-1
and prints ``typed N T`` (N characters typed, T = time.time()) after each one,
flushed, so the test knows what had been typed when it SIGKILLs / SIGTERMs this
process.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit

INTERVAL_MS = 40
TEXT = "国際機関の活動成果を記入します。" * 40  # Japanese, as officers type it
FIELD = "c1_1_strategy_goals"


def main(db: str) -> int:
    from argparse import Namespace

    from desktop.gui.app import run
    from desktop.gui.main_window import MainWindow

    app = QApplication([])
    state = {"n": 0}

    def type_one(edit: QPlainTextEdit) -> None:
        ch = TEXT[state["n"] % len(TEXT)]
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
        state["n"] += 1
        print(f"typed {state['n']} {time.time():.3f}", flush=True)

    def begin() -> None:
        win = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        sid = win.create_sheet("mofa-r01", 2020)
        win.focus_field(FIELD)  # shows its tab (a tab's widgets are built when first shown)
        edit = win.findChild(QPlainTextEdit, FIELD)
        print(f"sheet {sid}", flush=True)
        timer.timeout.connect(lambda: type_one(edit))
        timer.start()

    timer = QTimer(interval=INTERVAL_MS)
    QTimer.singleShot(0, begin)
    return run(Namespace(db=db, sheet=None, tab=0, lang=None, screenshot=None, size="1366x768"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
