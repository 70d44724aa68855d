"""``hyoka pdf --demo`` as a whole process against LibreOffice converting a Word file of the same sheet.

Issue 11 item 13: both are timed from spawn to exit, in turns so both see the same
machine load; the Word file is built from the demo sheet (tests/support/make_docx.py).
The first hyoka run fills the caches (fonts, formats, label phrases) and is shown apart.
Ratios are given of the medians and of the fastest runs (on a shared, noisy machine the
fastest runs move less).
``--against DIR`` times another checkout's ``hyoka`` (DIR/.venv, e.g. a worktree of main) in
the same turns, so a change is measured before/after in one run.

    .venv/bin/python benchmarks/bench_pdf_process.py [--runs 5] [--no-compile] [--against DIR]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-compile", action="store_true",
                    help="leave desktop/ without .pyc (as a checkout with PYTHONDONTWRITEBYTECODE=1)")
    ap.add_argument("--against", type=Path, metavar="DIR",
                    help="another checkout with its own .venv (e.g. main), timed in the same turns")
    args = ap.parse_args()
    others = [args.against.resolve()] if args.against else []
    if not args.no_compile:  # byte-compiled first, as pip and PyInstaller install the app (see bench_gui.py)
        import compileall

        for root in (ROOT, *others):
            compileall.compile_dir(str(root / "desktop"), quiet=1)
    hyoka = Path(sys.executable).with_name("hyoka")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = {**os.environ, "HYOKA_CACHE_DIR": str(tmp / "cache")}
        hy_cmd = [str(hyoka), "pdf", "--demo", "-o", str(tmp / "demo.pdf")]
        first = _timed(hy_cmd, env)
        other_cmds = []
        for k, root in enumerate(others):
            cmd = [str(root / ".venv" / "bin" / "hyoka"), "pdf", "--demo", "-o", str(tmp / f"other{k}.pdf")]
            other_env = {**os.environ, "HYOKA_CACHE_DIR": str(tmp / f"cache-other{k}")}
            _timed(cmd, other_env)  # fills its caches; not counted
            other_cmds.append((cmd, other_env))
        lo_cmd: list[str] = []
        if office:
            from desktop.core import interchange
            from tests.support.make_docx import build_docx

            doc = interchange.load_file(interchange.demo_files()[0])
            docx = build_docx(doc.form, doc.values, tmp / "demo.docx")
            lo_env = {**os.environ, "HOME": str(tmp / "lo-home")}
            lo_cmd = [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(docx)]
            _timed(lo_cmd, lo_env)  # the first start creates LibreOffice's profile; not counted
        ours, theirs = [], []
        before: list[float] = []
        for _ in range(args.runs):  # in turns
            ours.append(_timed(hy_cmd, env))
            for cmd, other_env in other_cmds:
                before.append(_timed(cmd, other_env))
            if lo_cmd:
                theirs.append(_timed(lo_cmd, lo_env))
    print(f"hyoka pdf --demo, first run (fills the caches): {first:.2f} s")
    print(f"hyoka pdf --demo (whole process): median {statistics.median(ours):.2f} s, "
          f"min {min(ours):.2f} s (n={len(ours)})")
    if before:
        print(f"{others[0]} (--against): median {statistics.median(before):.2f} s, min {min(before):.2f} s; "
              f"this checkout takes {statistics.median(ours) / statistics.median(before):.0%} of its time")
    if theirs:
        print(f"LibreOffice headless, Word file of the same sheet → PDF: median {statistics.median(theirs):.2f} s, "
              f"min {min(theirs):.2f} s (n={len(theirs)})")
        print(f"ratio LibreOffice / hyoka (medians): {statistics.median(theirs) / statistics.median(ours):.1f}× "
              f"(target ≥ 6×); fastest runs: {min(theirs) / min(ours):.1f}×")
        if before:
            print(f"ratio LibreOffice / {others[0].name} (medians): "
                  f"{statistics.median(theirs) / statistics.median(before):.1f}×; "
                  f"fastest runs: {min(theirs) / min(before):.1f}×")
    else:
        print("LibreOffice not installed: compare with issue 11's 1.93 s "
              f"→ {1.93 / statistics.median(ours):.1f}× (target ≥ 6×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
