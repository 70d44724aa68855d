"""The parsed-font cache (desktop/pdf/font_cache.py): used when current, ignored when stale or damaged."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from desktop.core.resources import resource_dir
from desktop.pdf import font_cache
from desktop.pdf.compat import TableSlices

FONT = resource_dir("fonts") / "DejaVuSans.ttf"


@pytest.fixture()
def font_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(font_cache.ENV_VAR, str(tmp_path / "cache"))
    return Path(shutil.copy(FONT, tmp_path / "Sans.ttf"))


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every real parse of a font file."""
    calls: list[str] = []

    def counting(name: str, path: str, subfontIndex: int = 0) -> TTFont:
        calls.append(path)
        return TTFont(name, path, subfontIndex=subfontIndex)

    monkeypatch.setattr(font_cache, "TTFont", counting)
    return calls


def _same(a: TTFont, b: TTFont) -> None:
    for attr in ("charToGlyph", "charWidths", "glyphToChar", "ascent", "descent", "flags", "bbox",
                 "name", "unitsPerEm", "defaultWidth"):
        assert getattr(a.face, attr) == getattr(b.face, attr), attr
    for attr in ("glyphPos", "hmetrics"):  # a list parsed, arrays from the cache
        assert list(getattr(a.face, attr)) == list(getattr(b.face, attr)), attr
    assert a.face.name.ustr == b.face.name.ustr


def _pdf(font: TTFont) -> bytes:
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont(font.fontName, 12)
    c.drawString(72, 720, "hyoka ☐☑ Ωμ")
    c.save()
    return buf.getvalue()


def test_second_load_uses_the_cache_and_prints_the_same(font_file: Path, parses: list[str]) -> None:
    first = font_cache.load_font("CacheA", font_file, 0)
    second = font_cache.load_font("CacheB", font_file, 0)
    assert parses == [str(font_file)]  # parsed once; the second came from the cache
    assert list((font_file.parent / "cache").glob("*.fontcache"))
    _same(first, second)
    assert _pdf(first).replace(b"CacheA", b"CacheB") == _pdf(second)


def test_a_changed_font_file_is_parsed_again(font_file: Path, parses: list[str]) -> None:
    font_cache.load_font("CacheC", font_file, 0)
    st = font_file.stat()
    os.utime(font_file, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # same size, newer
    font_cache.load_font("CacheD", font_file, 0)
    assert len(parses) == 2
    font_cache.load_font("CacheE", font_file, 0)
    assert len(parses) == 2  # the refreshed cache is used again


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xe9" * 100, "truncated"])
def test_a_damaged_cache_is_ignored(font_file: Path, parses: list[str], damage: bytes | str) -> None:
    reference = font_cache.load_font("CacheF", font_file, 0)
    (cached,) = (font_file.parent / "cache").glob("*.fontcache")
    cached.write_bytes(cached.read_bytes()[: cached.stat().st_size // 2] if damage == "truncated" else damage)
    again = font_cache.load_font("CacheG", font_file, 0)
    assert len(parses) == 2
    _same(reference, again)


def test_an_unusable_cache_folder_only_costs_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       parses: list[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(font_cache.ENV_VAR, str(blocker / "cache"))
    font = font_cache.load_font("CacheH", FONT, 0)
    font_cache.load_font("CacheI", FONT, 0)
    assert len(parses) == 2 and font.face.charToGlyph
    assert blocker.read_text() == "x" and not list(tmp_path.glob("**/.font-*"))


def test_a_cached_face_reads_the_font_file_and_the_shaping_map_only_when_used(font_file: Path,
                                                                             parses: list[str]) -> None:
    parsed = font_cache.load_font("CacheJ", font_file, 0)
    cached = font_cache.load_font("CacheK", font_file, 0)
    assert len(parses) == 1
    assert "_ttf_data" not in cached.face.__dict__ and "glyphToChar" not in cached.face.__dict__
    assert cached.face.charToGlyph == parsed.face.charToGlyph  # what layout needs is there at once
    codes = [ord(c) for c in "hyoka ☐☑ Ωμ"]
    subset = cached.face.makeSubset(codes)  # what a save does: reads the file, never the shaping map
    assert "_ttf_data" in cached.face.__dict__ and "glyphToChar" not in cached.face.__dict__
    assert subset == parsed.face.makeSubset(codes)
    assert cached.face.makeSubset(codes[:3]) == parsed.face.makeSubset(codes[:3])
    assert isinstance(cached.face.get_table("glyf"), TableSlices)  # sliced in the mapped file, never copied whole
    assert cached.face.glyphToChar == parsed.face.glyphToChar


def test_faces_with_the_same_character_map_and_widths_share_them_from_the_cache(
        font_file: Path, parses: list[str]) -> None:
    """Two files of one family with equal tables (BIZ UD Mincho, Gothic and Gothic Bold)
    load one character map and one widths dict between them, not one each."""
    twin = Path(shutil.copy(font_file, font_file.with_name("Twin.ttf")))
    parsed = [font_cache.load_font("ShareA", font_file, 0), font_cache.load_font("ShareB", twin, 0)]
    a, b = font_cache.load_font("ShareC", font_file, 0), font_cache.load_font("ShareD", twin, 0)
    assert len(parses) == 2
    assert a.face.charToGlyph is b.face.charToGlyph and a.face.charWidths is b.face.charWidths
    _same(parsed[0], a)
    _same(parsed[1], b)
    assert _pdf(a).replace(b"ShareC", b"ShareX") == _pdf(parsed[0]).replace(b"ShareA", b"ShareX")


def test_a_glyph_alias_added_to_one_face_stays_out_of_the_faces_it_shared_tables_with(
        font_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """add_glyph_alias (a variation sequence's glyph under a private code) writes into the
    face's own copies: the other faces keep the shared tables unchanged."""
    from reportlab.pdfbase import pdfmetrics

    from desktop.pdf.compat import add_glyph_alias

    twin = Path(shutil.copy(font_file, font_file.with_name("Twin.ttf")))
    for name, path in (("AliasA", font_file), ("AliasB", twin)):
        font_cache.load_font(name, path, 0)
    a, b = font_cache.load_font("AliasC", font_file, 0), font_cache.load_font("AliasD", twin, 0)
    assert a.face.charToGlyph is b.face.charToGlyph
    shared = dict(b.face.charToGlyph), dict(b.face.charWidths)
    monkeypatch.setitem(pdfmetrics._fonts, "AliasC", a)  # registered (by name only: the face is known already)
    add_glyph_alias("AliasC", 0xF0000, a.face.charToGlyph[ord("Ω")], "Ω")
    assert a.face.charToGlyph[0xF0000] == a.face.charToGlyph[ord("Ω")]
    assert a.face.charWidths[0xF0000] == a.face.charWidths[ord("Ω")]
    assert (b.face.charToGlyph, b.face.charWidths) == shared and 0xF0000 not in b.face.charToGlyph


def test_an_entry_of_the_previous_format_is_ignored(font_file: Path, parses: list[str]) -> None:
    """A cache written by the previous release (format 2: every table in one dict) is parsed
    anew and replaced, whether its identity or only its layout is the old one."""
    from desktop.core import disk_cache

    reference = font_cache.load_font("CacheL", font_file, 0)
    file_name, ident = font_cache._key(font_file, 0)
    face = reference.face
    old = (["name"], {k: (v.ustr if k == "name" else v) for k, v in face.__dict__.items()
                      if k not in ("_ttf_data", "_pdfScale")})
    for stored_ident in ((2, *ident[1:]), ident):
        disk_cache.write(file_name, stored_ident, old)
        before = len(parses)
        again = font_cache.load_font("CacheM", font_file, 0)
        assert len(parses) == before + 1
        _same(reference, again)
        font_cache.load_font("CacheN", font_file, 0)
        assert len(parses) == before + 1  # rewritten in the current format


def test_the_demo_prints_the_same_bytes_from_parsed_and_cached_fonts_and_a_layout_reads_no_font_file(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, font_cache.ENV_VAR: str(tmp_path / "cache")}
    for out in ("parsed.pdf", "cached.pdf"):
        done = subprocess.run([sys.executable, "-m", "desktop", "pdf", "--demo", "-o", str(tmp_path / out)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "cache").glob("*.fontcache"))) == 4
    assert (tmp_path / "parsed.pdf").read_bytes() == (tmp_path / "cached.pdf").read_bytes()
    code = ("from desktop.core import interchange\nfrom desktop.pdf import render_sheet, resolve_fonts\n"
            "from reportlab.pdfbase import pdfmetrics\n"
            "doc = interchange.load_file(interchange.demo_files()[0])\n"
            "pages = render_sheet(doc.form, doc.values, None).pages\nfs = resolve_fonts()\n"
            "names = (fs.mincho, fs.gothic, fs.gothic_bold, fs.symbol)\n"
            "print(pages, [n for n in names if '_ttf_data' in pdfmetrics.getFont(n).face.__dict__])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "10 []"
