"""Render timings for the printed sheet.

* the demo R01 / H30 sheets, cold (fresh interpreter) and warm;
* one paragraph of 20k / 100k / 400k characters (``--long``);
* a 100-sheet batch;
* the print job: the demo PDF through the app's ``print_pdf`` onto a QPrinter that
  writes a PDF file (time and job size).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_pdf.py [--n 100] [--long 20000,100000,400000]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.pdf import load_sheet_file, render_batch, render_sheet
from desktop.pdf.verify import DEMO_DIR

ROOT = Path(__file__).resolve().parents[1]


def cold() -> float:
    """A fresh interpreter: imports, font registration and one render."""
    code = (
        "import time; t=time.perf_counter();"
        "import io; from desktop.pdf import load_sheet_file, render_sheet;"
        f"render_sheet(*load_sheet_file({str(DEMO_DIR / '000_iom_r01.json')!r}), io.BytesIO());"
        "print(time.perf_counter()-t)"
    )
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return time.perf_counter() - t, float(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100, help="sheets in the batch")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--long", default="20000,100000,400000", help="paragraph lengths (characters)")
    ap.add_argument("--no-print", action="store_true", help="skip the print-job measurement")
    args = ap.parse_args()

    wall, inproc = cold()
    print(f"cold process (python start + import + fonts + render R01): {wall:.2f} s (in-process {inproc:.2f} s)")
    for stem in ("000_iom_r01", "001_iom_h30"):
        form, values = load_sheet_file(DEMO_DIR / f"{stem}.json")
        times = []
        for _ in range(args.runs):
            buf = io.BytesIO()
            t = time.perf_counter()
            report = render_sheet(form, values, buf)
            times.append(time.perf_counter() - t)
        print(f"warm {stem}: median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs, "
              f"{report.pages} pages, {len(buf.getvalue()) / 1024:.0f} KiB")

    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    unit = "国際機関の活動「改善計画書」に基づき，ＩＯＭは次の事項を実施した。人々の移動（移住）を支援している。"
    for n in (int(x) for x in args.long.split(",") if x):
        long = (unit * (n // len(unit) + 1))[:n]
        buf = io.BytesIO()
        t = time.perf_counter()
        report = render_sheet(form, dict(values, c1_3_results=long), buf)
        dt = time.perf_counter() - t
        print(f"one paragraph of {n:,} characters: {dt:.2f} s ({dt / n * 20000:.2f} s per 20k), {report.pages} pages")

    texts = [k for k, v in values.items() if isinstance(v, str) and len(v) > 100]
    items = []
    for i in range(args.n):  # vary the values so each sheet lays out differently
        v = dict(values, sheet_page_or_serial=i + 1, initial_budget_kyen=1000 + 37 * i)
        k = texts[i % len(texts)]
        v[k] = v[k] * (1 + i % 3)
        if i % 4 == 0:
            v["contribution_form"] = "ノンイヤマーク"
        items.append((f"sheet_{i + 1:03d}", form, v))
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        paths = render_batch(items, d)
        dt = time.perf_counter() - t
        size = sum(p.stat().st_size for p in paths)
    print(f"batch of {len(paths)} R01 sheets: {dt:.1f} s ({dt / len(paths) * 1000:.0f} ms/sheet), "
          f"{size / 1024 / 1024:.1f} MiB total")
    if not args.no_print:
        print_job()


def print_job() -> None:
    """The demo PDF through the app's print path onto a QPrinter writing a PDF file."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from desktop.gui.dialogs import print_pdf

    app = QApplication.instance() or QApplication([])  # noqa: F841 - keeps Qt alive
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "demo.pdf"
        render_sheet(*load_sheet_file(DEMO_DIR / "000_iom_r01.json"), src)
        doc = QPdfDocument()
        doc.load(str(src))
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        job = Path(d) / "job.pdf"
        printer.setOutputFileName(str(job))
        t = time.perf_counter()
        print_pdf(doc, printer)
        dt = time.perf_counter() - t
        print(f"print job (demo R01, {doc.pageCount()} pages, printer at {printer.resolution()} dpi): {dt:.1f} s, "
              f"job {job.stat().st_size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
