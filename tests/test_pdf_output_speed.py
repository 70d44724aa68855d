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


def test_printing_compiles_no_deferred_pattern_and_loads_no_pillow(tmp_path) -> None:
    """The patterns ReportLab and the modules it imports compile at import for work a sheet
    never does (``uri_pat`` alone ~35 ms), and Pillow (~15 ms), are left undone by ``pdf --demo``,
    and the PDF is still written."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys\nfrom desktop.cli import main\n"
            f"status = main(['pdf', '--demo', '-o', {str(tmp_path / 'demo.pdf')!r}])\n"
            "import platform, textwrap\nimport reportlab.platypus.paragraph as p, reportlab.lib.textsplit as t\n"
            "import reportlab.lib.PyFontify as f\n"
            "pats = [p.uri_pat, t.rx, textwrap.TextWrapper.wordsep_re, platform._libc_search, f.idRE, f.matchRE]\n"
            "print(status, [(type(x).__name__, x.compiled) for x in pats], 'PIL._imaging' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == f"0 {[('LazyPattern', None)] * 6} False"
    assert (tmp_path / "demo.pdf").stat().st_size > 10_000


def test_the_deferred_patterns_and_module_work_when_used(tmp_path) -> None:
    """Deferred is not removed: a lazy pattern matches as the compiled one does, and after
    printing, Pillow (ReportLab's image reader), textwrap and platform.libc_ver still work."""
    import platform
    import re
    import subprocess
    import sys
    import textwrap

    from desktop.pdf import compat
    from tests.conftest import ROOT

    lazy = compat.LazyPattern(compat.rl_paragraph.uri_pat.pattern, re.I)
    real = re.compile(compat.rl_paragraph.uri_pat.pattern, re.I)
    for uri in ("https://www.mofa.go.jp/mofaj/gaiko/oda/", "HTTP://例え.jp/x", "mailto:a@b", "ftp://1.2.3.4:21/"):
        m, n = lazy.match(uri), real.match(uri)
        assert (m and m.groups()) == (n and n.groups())
    text = "国際機関等への拠出金等に対する評価シート — hyoka prints the sheet, word-wrapped here. " * 3
    code = ("import sys\nfrom desktop.cli import main\n"
            f"main(['pdf', '--demo', '-o', {str(tmp_path / 'demo.pdf')!r}])\n"
            "from reportlab.lib.utils import ImageReader, _isPILImage\nfrom PIL import Image\n"
            f"Image.new('RGB', (3, 2)).save({str(tmp_path / 'a.png')!r})\n"
            f"print(ImageReader({str(tmp_path / 'a.png')!r}).getSize(), _isPILImage(Image.new('L', (1, 1))))\n"
            "import platform, textwrap\n"
            f"print(repr(textwrap.fill({text!r}, 24)))\nprint(platform.libc_ver())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-3:] == [
        "(3, 2) True", repr(textwrap.fill(text, 24)), str(platform.libc_ver())]
