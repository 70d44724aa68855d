"""Live page count (issue 11, item 11): keystroke → updated count, and UI stalls.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_pages.py``

* keystroke → count: a key event into 1-1 of the demo R01 sheet in the real window,
  until the status bar shows the count for the new text (the worker is warm). Includes
  the deliberate debounce (``page_count.DEBOUNCE_MS``); the layout in the worker is
  reported separately.
* event-loop stall: a 5 ms timer ticks while one layout of the same sheet runs (a) in
  the worker process, (b) in a thread, (c) on the UI thread; the longest gap between
  ticks is how long the UI could not react to a key.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from desktop.gui import page_count
    from desktop.gui.app import create_window, setup_application
    from desktop.pdf.pagemap import page_map

    app = QApplication(sys.argv[:1])
    setup_application(app)
    tmp = Path(tempfile.mkdtemp())
    os.environ["HYOKA_CONFIG_DIR"] = str(tmp)
    win = create_window(tmp / "bench.sqlite3", interactive=False)
    assert win is not None
    win.resize(1366, 768)
    win.show()
    win.open_sheet(1)
    label = win.page_count

    def wait(cond: object, limit: float = 120.0) -> None:
        end = time.perf_counter() + limit
        while not cond() and time.perf_counter() < end:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.001)
        assert cond(), "timed out"  # type: ignore[operator]

    def current() -> bool:
        return label.shown_generation == label.generation and label.pages > 0

    wait(current)
    win.activateWindow()
    win.focus_field("c1_1_strategy_goals")
    wait(lambda: win._focused_field() == "c1_1_strategy_goals", 10)
    box = QApplication.focusWidget()
    latencies = []
    for ch in "追記テキスト":
        t0 = time.perf_counter()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(box, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
        wait(current)
        latencies.append((time.perf_counter() - t0) * 1000)

    form, values = win.controller.form, dict(win.controller.values)
    layouts = []
    for _i in range(5):
        t0 = time.perf_counter()
        page_map(form, values)
        layouts.append((time.perf_counter() - t0) * 1000)

    def stall(run: object) -> float:
        """The longest gap between 5 ms timer ticks while ``run(done)`` lays the sheet out."""
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        timer = QTimer(interval=5)
        timer.timeout.connect(tick)
        finished = threading.Event()
        timer.start()
        last[0] = time.perf_counter()
        run(finished.set)  # type: ignore[operator]
        wait(finished.is_set)
        for _i in range(3):  # a few ticks after the end
            app.processEvents()
            time.sleep(0.005)
        timer.stop()
        return max(gaps) if gaps else 0.0

    def in_worker(done: object) -> None:
        label.request_now()
        QTimer.singleShot(0, lambda: wait_then(done))

    def wait_then(done: object) -> None:
        if current():
            done()  # type: ignore[operator]
        else:
            QTimer.singleShot(1, lambda: wait_then(done))

    def in_thread(done: object) -> None:
        def work() -> None:
            page_map(form, values)
            done()  # type: ignore[operator]

        threading.Thread(target=work).start()

    def on_ui(done: object) -> None:
        def work() -> None:
            page_map(form, values)
            done()  # type: ignore[operator]

        QTimer.singleShot(0, work)

    label.generation += 1  # a fresh request for the worker each time
    rounds = {"worker process": [], "thread": [], "UI thread": []}
    for _r in range(3):
        label.generation += 1
        rounds["worker process"].append(stall(in_worker))
        rounds["thread"].append(stall(in_thread))
        rounds["UI thread"].append(stall(on_ui))
    win.close()

    print(f"page count, demo R01 ({label.pages} pages):")
    print(f"  keystroke → updated count: median {statistics.median(latencies):.0f} ms, "
          f"max {max(latencies):.0f} ms (debounce {page_count.DEBOUNCE_MS} ms included)")
    print(f"  one layout (page_map, in this process): median {statistics.median(layouts):.0f} ms")
    for name, gaps in rounds.items():
        print(f"  longest event-loop stall during a layout, {name:<14}: "
              f"median {statistics.median(gaps):.0f} ms, max {max(gaps):.0f} ms (ticks every 5 ms)")


if __name__ == "__main__":
    main()
