"""What keeps ``hyoka pdf`` fast as a whole process (issue 11 item 13): ReportLab's C helpers
are loaded, and streams are written binary, not through the pure-Python ASCII85 encoder."""

from __future__ import annotations

import io
import zlib

from desktop.core import interchange
from desktop.pdf import render_sheet


def test_reportlab_uses_its_c_accelerator() -> None:
    from reportlab.lib import rl_accel

    assert {"fp_str", "escapePDF", "instanceStringWidthTTF"} <= set(rl_accel._c_funcs)


def test_streams_are_binary_flate_without_ascii85() -> None:
    doc = interchange.load_file(interchange.demo_files()[0])
    out = io.BytesIO()
    render_sheet(doc.form, doc.values, out)
    pdf = out.getvalue()
    assert b"/ASCII85Decode" not in pdf and b"/FlateDecode" in pdf
    start = pdf.index(b"stream\r\n") + len(b"stream\r\n") if b"stream\r\n" in pdf else pdf.index(b"stream\n") + 7
    assert zlib.decompressobj().decompress(pdf[start:start + 4096])  # raw deflate data right after "stream"


def test_printing_a_file_does_not_load_the_database_modules(tmp_path) -> None:
    """``hyoka pdf --demo`` / ``hyoka pdf FILE.json`` open no database: SQLite's wrapper
    (sqlite-utils with click, dateutil, pluggy) was a tenth of the process."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys\nfrom desktop.cli import main\n"
            f"status = main(['pdf', '--demo', '-o', {str(tmp_path / 'demo.pdf')!r}])\n"
            "print(status, sorted(m for m in ('sqlite_utils', 'desktop.core.store', 'click') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 []"
    assert (tmp_path / "demo.pdf").stat().st_size > 10_000
