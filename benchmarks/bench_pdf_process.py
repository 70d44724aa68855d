"""``hyoka pdf --demo`` as a whole process against LibreOffice converting a Word file of the same sheet.

Issue 11 item 13: both are timed from spawn to exit, in turns so both see the same
machine load; the Word file is built from the demo sheet (tests/support/make_docx.py).
The first hyoka run fills the font cache (desktop/pdf/font_cache.py) and is shown apart.

    .venv/bin/python benchmarks/bench_pdf_process.py [--runs 5] [--no-compile]
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
    args = ap.parse_args()
    if not args.no_compile:  # byte-compiled first, as pip and PyInstaller install the app (see bench_gui.py)
        import compileall

        compileall.compile_dir(str(ROOT / "desktop"), quiet=1)
    hyoka = Path(sys.executable).with_name("hyoka")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = {**os.environ, "HYOKA_CACHE_DIR": str(tmp / "cache")}
        hy_cmd = [str(hyoka), "pdf", "--demo", "-o", str(tmp / "demo.pdf")]
        first = _timed(hy_cmd, env)
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
        for _ in range(args.runs):  # in turns
            ours.append(_timed(hy_cmd, env))
            if lo_cmd:
                theirs.append(_timed(lo_cmd, lo_env))
    print(f"hyoka pdf --demo, first run (fills the font cache): {first:.2f} s")
    print(f"hyoka pdf --demo (whole process): median {statistics.median(ours):.2f} s, "
          f"min {min(ours):.2f} s (n={len(ours)})")
    if theirs:
        print(f"LibreOffice headless, Word file of the same sheet → PDF: median {statistics.median(theirs):.2f} s, "
              f"min {min(theirs):.2f} s (n={len(theirs)})")
        print(f"ratio LibreOffice / hyoka (medians): {statistics.median(theirs) / statistics.median(ours):.1f}× "
              f"(target ≥ 6×)")
    else:
        print("LibreOffice not installed: compare with issue 11's 1.93 s "
              f"→ {1.93 / statistics.median(ours):.1f}× (target ≥ 6×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
