"""GUI benchmark: cold start to a shown window with the demo sheet, and typing latency.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--start-only] [--runs 10]
[--against DIR]``

* ``qt_floor.py``, Qt alone drawing what hyoka's first window shows, is timed in the same
  turns: the share of the ratio that is Qt's own work for that content.
* ``--against DIR`` times another checkout's app (DIR/.venv, e.g. a worktree of main) in the
  same turns, so a before/after ratio comes from one run.

* cold start: a fresh ``python -m desktop gui --db DB --sheet 1`` process, timed
  from spawn until the window with the demo sheet has been shown and painted
  (``HYOKA_REPORT_STARTUP=1`` makes the app print and exit at that point).
* keystroke → validation: a key event into a text field of the real window,
  until the findings for it are shown. Includes the deliberate debounce
  (``VALIDATE_MS``); the work itself (key handling + computed fields, and
  validate + redraw of findings) is reported separately.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cold_start(db: Path, runs: int = 5, tree: Path = ROOT) -> list[float]:
    """``hyoka gui`` of the checkout ``tree`` (its own .venv, or this interpreter for this one)."""
    env = {**os.environ, "HYOKA_REPORT_STARTUP": "1", "HYOKA_CONFIG_DIR": str(db.parent)}
    python = sys.executable if tree == ROOT else str(tree / ".venv" / "bin" / "python")
    out = []
    for _i in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen([python, "-m", "desktop", "gui", "--db", str(db), "--sheet", "1"],
                                cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("startup_ms="):
                out.append((time.perf_counter() - t0) * 1000)
                break
        proc.wait(timeout=30)
    return out


BARE = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
w = QLabel("hyoka")
w.resize(1366, 768)
w.show()
app.processEvents()
w.repaint()
print("startup_ms=", flush=True)
"""


def bare_start(runs: int = 5, floor: bool = False) -> list[float]:
    """A bare PySide6 window with one label, as a whole process: the yardstick for issue 11's ratio.
    ``floor``: instead, Qt alone drawing what hyoka's first window shows (``qt_floor.py``)."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "qt_floor.py"), str(ROOT)] if floor else [sys.executable, "-c", BARE]
    out = []
    for _i in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("startup_ms="):
                out.append((time.perf_counter() - t0) * 1000)
                break
        proc.wait(timeout=30)
    return out


def typing_latency(db: Path, keys: int = 40) -> tuple[list[float], list[float], list[float]]:
    from PySide6.QtCore import QEvent, QEventLoop, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication.instance() or QApplication([])
    from desktop.gui.app import create_window, setup_application

    setup_application(app)
    win = create_window(db, interactive=False)
    assert win is not None
    win.resize(1366, 768)
    win.show()
    win.open_sheet(1)
    win.focus_field("c1_2_activities")  # shows its tab (built when first shown)
    edit = win.findChild(QPlainTextEdit, "c1_2_activities")
    total, key_cost, validate_cost = [], [], []
    for i in range(keys):
        loop = QEventLoop()
        win.controller.findingsChanged.connect(loop.quit)
        t0 = time.perf_counter()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, "あ"))
        key_cost.append((time.perf_counter() - t0) * 1000)
        loop.exec()
        app.processEvents()  # findings painted
        total.append((time.perf_counter() - t0) * 1000)
        validate_cost.append(win.controller.validation_ms)
        win.controller.findingsChanged.disconnect(loop.quit)
        del i
    win.close()
    return total, key_cost, validate_cost


def _fmt(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.1f} ms, min {min(xs):.1f} ms, max {max(xs):.1f} ms (n={len(xs)})"


def compile_sources(tree: Path = ROOT) -> None:
    """Byte-compile desktop/ first, as pip and PyInstaller do for an installed app: with
    PYTHONDONTWRITEBYTECODE set (some shells and CI set it) every start would otherwise
    compile ~150 modules from source, which the bare PySide6 window never pays."""
    import compileall

    if tree == ROOT:
        compileall.compile_dir(str(ROOT / "desktop"), quiet=1)
    else:  # with that checkout's interpreter: its .pyc are for its Python
        subprocess.run([str(tree / ".venv" / "bin" / "python"), "-m", "compileall", "-q", "desktop"], cwd=tree,
                       env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""}, stdout=subprocess.DEVNULL, check=True)


def _ratios(times: list[float], bare: list[float]) -> str:
    """Medians and fastest runs: on a shared, noisy machine the fastest runs move less."""
    return (f"{statistics.median(times) / statistics.median(bare):.2f}× (medians), "
            f"{min(times) / min(bare):.2f}× (fastest runs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--start-only", action="store_true", help="only the cold start, not typing")
    ap.add_argument("--no-compile", action="store_true", help="leave desktop/ without .pyc")
    ap.add_argument("--runs", type=int, default=10, help="turns (each: hyoka, the other checkout, the bare window)")
    ap.add_argument("--against", type=Path, metavar="DIR",
                    help="another checkout with its own .venv (e.g. a worktree of main), timed in the same turns")
    args = ap.parse_args()
    other = args.against.resolve() if args.against else None
    if not args.no_compile:
        compile_sources()
        if other is not None:
            compile_sources(other)
    tmp = Path(tempfile.mkdtemp(prefix="hyoka-bench-"))
    try:
        db = tmp / "bench.sqlite3"
        first = cold_start(db, runs=1)  # first run seeds the demo sheets
        if other is not None:
            cold_start(db, runs=1, tree=other)  # and fills that checkout's caches
        warm, before, bare, floor = [], [], [], []
        for _turn in range(args.runs):  # in turns, so all see the same machine load
            warm += cold_start(db, runs=1)
            if other is not None:
                before += cold_start(db, runs=1, tree=other)
            bare += bare_start(runs=1)
            floor += bare_start(runs=1, floor=True)
        print(f"cold start to shown window, demo sheet (first run, seeds demo): {first[0]:.0f} ms")
        print(f"cold start to shown window, demo sheet (process spawn → painted): {_fmt(warm)}")
        if other is not None:
            print(f"{other} (--against), the same way: {_fmt(before)}")
        print(f"bare PySide6 window with one label (same way):                  {_fmt(bare)}")
        print(f"Qt alone drawing the same first window (qt_floor.py):          {_fmt(floor)}")
        print(f"ratio hyoka / bare: {_ratios(warm, bare)} (target ≤ 1.6×)")
        print(f"ratio Qt alone with the same window / bare: {_ratios(floor, bare)} (what Qt's own work costs)")
        print(f"ratio hyoka / Qt alone with the same window: {_ratios(warm, floor)} (what hyoka adds)")
        if other is not None:
            print(f"ratio {other.name} / bare: {_ratios(before, bare)}")
        if args.start_only:
            return 0
        total, key_cost, validate_cost = typing_latency(db)
        from desktop.gui.controller import VALIDATE_MS

        print(f"keystroke → findings shown (incl. {VALIDATE_MS} ms debounce): {_fmt(total)}")
        print(f"  keystroke handling (value, computed fields, applicability): {_fmt(key_cost)}")
        print(f"  validation + findings redraw after the debounce: {_fmt(validate_cost)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
