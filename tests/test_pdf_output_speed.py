"""What keeps ``hyoka pdf`` fast as a whole process (issue 11 item 13): ReportLab's C helpers
are loaded, and streams are written binary, not through the pure-Python ASCII85 encoder."""

from __future__ import annotations

import io
import subprocess
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
    probe = "print(status, sorted(m for m in ('sqlite_utils', 'desktop.core.store', 'click') if m in sys.modules))"
    assert _after_printing_the_demo(tmp_path, probe) == "0 []"
    assert (tmp_path / "demo.pdf").stat().st_size > 10_000


def _after_printing_the_demo(tmp_path, probe: str, lines: int = 1) -> str:
    """The last line(s) ``probe`` prints in a fresh process that has printed the demo sheet with
    ``main`` (``status``: its exit status; ``sys`` imported)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys\nfrom desktop.cli import main\n"
            f"status = main(['pdf', '--demo', '-o', {str(tmp_path / 'demo.pdf')!r}])\n" + probe)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return "\n".join(out.stdout.strip().splitlines()[-lines:])


def test_printing_a_sheet_without_findings_runs_no_validation_code(tmp_path) -> None:
    """The printer's warnings are validation Findings, but a sheet that prints without one
    never runs the validation module (nor the writing conventions it imports, whose Japanese
    character class alone took 8 ms to compile)."""
    assert _after_printing_the_demo(tmp_path, "print(status, 'desktop.core.conventions' in sys.modules)") == "0 False"


def test_printing_compiles_no_deferred_pattern_and_loads_no_pillow(tmp_path) -> None:
    """The patterns ReportLab and the modules it imports compile at import for work a sheet
    never does (``uri_pat`` alone ~35 ms), and Pillow (~15 ms), are left undone by ``pdf --demo``,
    and the PDF is still written."""
    probe = ("import platform, textwrap\nimport reportlab.platypus.paragraph as p, reportlab.lib.textsplit as t\n"
             "import reportlab.lib.PyFontify as f\n"
             "pats = [p.uri_pat, t.rx, textwrap.TextWrapper.wordsep_re, platform._libc_search, f.idRE, f.matchRE]\n"
             "print(status, [(type(x).__name__, x.compiled) for x in pats], 'PIL._imaging' in sys.modules)")
    assert _after_printing_the_demo(tmp_path, probe) == f"0 {[('LazyPattern', None)] * 6} False"
    assert (tmp_path / "demo.pdf").stat().st_size > 10_000


def test_every_deferred_pattern_is_met_at_import_and_left_uncompiled_by_printing(tmp_path) -> None:
    """Each entry of DEFERRED_PATTERNS stands for a pattern ReportLab's import compiles (none is
    stale), and printing the demo compiles none of them (their ~10 ms of compiling is saved)."""
    probe = ("import gc\nfrom desktop.pdf.compat import DEFERRED_PATTERNS, LazyPattern\n"
             "lazy = [o for o in gc.get_objects() if isinstance(o, LazyPattern)]\n"
             "met = [p for p in DEFERRED_PATTERNS if not any(type(x.pattern) is type(p) and x.pattern.startswith(p)"
             " for x in lazy)]\n"
             "print(status, met, [x.pattern[:30] for x in lazy if x.compiled is not None])\n"
             "import logging, platform, reportlab.lib.rl_safe_eval as e, reportlab.platypus.paragraph as p\n"
             "named = [e.__rl_unsafe_re__, logging.StrFormatStyle.fmt_spec, platform._ironpython_sys_version_parser,"
             " p._hy_letters_pat, p._hy_pfx_pat]\n"
             "print([type(x).__name__ for x in named])")
    assert _after_printing_the_demo(tmp_path, probe, lines=2).splitlines() == ["0 [] []", str(["LazyPattern"] * 5)]


def test_a_deferred_pattern_used_while_reportlab_is_imported_is_compiled_once() -> None:
    """A lazy pattern compiles with the real ``re.compile`` even inside deferred_work()
    (which would hand back another lazy pattern, and so on without end)."""
    import re

    from desktop.pdf import compat

    with compat.deferred_work():
        pattern = re.compile(compat.DEFERRED_PATTERNS[0] + "x", re.I)
        assert isinstance(pattern, compat.LazyPattern)
        assert pattern.match("HTTPS://x") is not None
    assert isinstance(pattern.compiled, re.Pattern)


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
            f"print(repr(textwrap.fill({text!r}, 24)))\nprint(platform.libc_ver())\n"
            "import logging\nfrom reportlab.lib.rl_safe_eval import rl_safe_eval\n"
            "r = logging.LogRecord('x', 20, 'f', 1, 'hyoka', None, None)\n"
            "print(rl_safe_eval('1 + 2'), logging.Formatter('{message:>6}', style='{').format(r),"
            " platform.python_implementation())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-4:] == [
        "(3, 2) True", repr(textwrap.fill(text, 24)), str(platform.libc_ver()),
        f"3  hyoka {platform.python_implementation()}"]


def _pdf_process(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    """``hyoka pdf ARGS`` as its own process (``main()`` reading ``sys.argv``), with an exit
    handler that says whether Python's shutdown ran."""
    import sys

    from tests.conftest import ROOT

    code = ("import atexit, gc, sys\natexit.register(lambda: print('shutdown ran', file=sys.stderr))\n"
            "import desktop.pdf\nreal = desktop.pdf.render_sheet\n"
            "def spy(*a, **k):\n    print('collector on' if gc.isenabled() else 'collector off', file=sys.stderr)\n"
            "    return real(*a, **k)\ndesktop.pdf.render_sheet = spy\n"
            f"sys.argv = ['hyoka', 'pdf', *{list(args)!r}]\n"
            "from desktop.cli import main\nsys.exit(main())")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_printing_process_ends_without_pythons_shutdown_once_the_pdf_is_written(tmp_path) -> None:
    """Tearing the interpreter down (freeing ReportLab's and the fonts' objects one by one, a
    last garbage collection) was 4 % of ``hyoka pdf --demo``; the process ends at once instead,
    with the message on a pipe complete and the PDF whole."""
    from pypdf import PdfReader

    out = tmp_path / "demo.pdf"
    done = _pdf_process(tmp_path, "--demo", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{out}（10 ページ）を作成しました。\n"
    assert done.stderr.splitlines() == ["collector off"]  # one sheet, then the end: no collections
    assert len(PdfReader(out).pages) == 10
    assert not [p for p in tmp_path.iterdir() if p != out]  # no temp file left beside it


def test_a_printing_process_that_fails_exits_as_before(tmp_path) -> None:
    """An error still goes through the command line's handling: one line, exit status 2,
    Python's shutdown as usual."""
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    done = _pdf_process(tmp_path, str(bad), "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert done.stderr.startswith("hyoka: ") and "shutdown ran" in done.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_printing_from_another_program_returns_and_keeps_the_garbage_collector(tmp_path) -> None:
    """``main([...])`` called by another program (the tests, a script) returns and leaves the
    garbage collector as it was."""
    import gc

    from desktop.cli import main

    assert gc.isenabled()
    assert main(["pdf", "--demo", "-o", str(tmp_path / "demo.pdf")]) == 0
    assert gc.isenabled() and (tmp_path / "demo.pdf").stat().st_size > 10_000


def test_the_tounicode_hex_of_every_code_point_is_its_utf16() -> None:
    """utf16_hex writes a BMP code point's hex at once; the same as its UTF-16BE code units
    (surrogate code points included), and a pair above the BMP."""
    from desktop.pdf.compat import utf16_hex

    for cp in [*range(0x10000), *range(0x10000, 0x110000, 97)]:
        assert utf16_hex(cp) == chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()


def _streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """(dictionary without /Length, stored bytes) of every stream of a PDF."""
    import re

    out = []
    for m in re.finditer(rb"\d+ 0 obj\s*(<<.*?>>)\s*stream\r?\n", pdf, re.S):
        length = int(re.search(rb"/Length (\d+)", m.group(1)).group(1))
        out.append((re.sub(rb"/Length \d+", b"", m.group(1)), pdf[m.end():m.end() + length]))
    return out


def test_streams_are_deflated_at_level_3_and_inflate_to_what_the_default_level_gave() -> None:
    """Deflating at zlib's default level was 7 % of ``hyoka pdf --demo``; level 3 is used, and
    every stream (pages, font subsets, CMaps) holds the same bytes once inflated."""
    from desktop.pdf import compat

    doc = interchange.load_file(interchange.demo_files()[0])
    fast, default = io.BytesIO(), io.BytesIO()
    render_sheet(doc.form, doc.values, fast)
    try:
        compat.compress_streams(6)
        render_sheet(doc.form, doc.values, default)
    finally:
        compat.compress_streams()
    ours, theirs = _streams(fast.getvalue()), _streams(default.getvalue())
    assert len(ours) == len(theirs) > 20
    for (head, data), (head6, data6) in zip(ours, theirs, strict=True):
        assert b"/FlateDecode" in head and head == head6
        plain = zlib.decompress(data)
        assert plain == zlib.decompress(data6)
        assert data == zlib.compress(plain, 3)
    assert len(fast.getvalue()) < 1.06 * len(default.getvalue())


def test_the_printers_modules_define_no_dataclass(tmp_path) -> None:
    """Each dataclass compiles its methods from source at import (about a million instructions
    apiece): the printer's own value classes are written out (desktop.pdf.record)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import dataclasses, sys\nmade = []\nreal = dataclasses._process_class\n"
            "def spy(cls, *a, **k):\n    made.append(cls.__module__)\n    return real(cls, *a, **k)\n"
            "dataclasses._process_class = spy\nfrom desktop.cli import main\n"
            f"status = main(['pdf', '--demo', '-o', {str(tmp_path / 'demo.pdf')!r}])\n"
            "print(status, sorted({m for m in made if m.startswith('desktop.pdf')}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 []"


def test_records_compare_print_and_hash_as_the_dataclasses_did() -> None:
    import pytest

    from desktop.pdf.fonts import FontSet
    from desktop.pdf.glyphs import Cleaned
    from desktop.pdf.render import RenderReport

    a = FontSet("M", "G", "GB", "", ())
    assert a == FontSet("M", "G", "GB", "", ()) and a != FontSet("M", "G", "GB", "S", ())
    assert hash(a) == hash(FontSet("M", "G", "GB", "", ())) and {a: 1}[FontSet("M", "G", "GB", "", ())] == 1
    assert repr(a) == "FontSet(mincho='M', gothic='G', gothic_bold='GB', symbol='', paths=())"
    with pytest.raises(AttributeError):
        a.mincho = "X"  # type: ignore[misc]
    r = RenderReport(3)
    assert r == RenderReport(3, [], [], {}) and r != RenderReport(4)
    assert r.findings == [] and r.findings is not RenderReport(3).findings
    assert repr(r) == "RenderReport(pages=3, findings=[], field_order=[], field_pages={})"
    with pytest.raises(TypeError):
        hash(r)
    c = Cleaned("x")
    assert (c.text, c.bad, c.no_variant, c.rtl) == ("x", [], [], False) and c == Cleaned("x", [], [], False)
    assert r != c and (r == 3) is False


def test_subset_names_are_asked_of_reportlab_once_per_font_and_subset(monkeypatch) -> None:
    """While drawing, the subset's PDF name was formatted anew at every change of subset
    (5,000 times for the demo); it is remembered per document, and the PDF is the same bytes
    as with ReportLab's own method."""
    from reportlab.pdfbase import ttfonts

    from desktop.pdf import compat

    doc = interchange.load_file(interchange.demo_files()[0])
    asked: list[tuple[str, int]] = []
    real = compat._rl_subset_name

    def counting(font, subset, pdf_doc):
        asked.append((font.fontName, subset))
        return real(font, subset, pdf_doc)

    monkeypatch.setattr(compat, "_rl_subset_name", counting)
    ours = io.BytesIO()
    render_sheet(doc.form, doc.values, ours)
    assert len(asked) == len(set(asked)) == ours.getvalue().count(b"/Subtype /TrueType")
    monkeypatch.setattr(ttfonts.TTFont, "getSubsetInternalName", real)
    theirs = io.BytesIO()
    render_sheet(doc.form, doc.values, theirs)
    assert ours.getvalue() == theirs.getvalue()
