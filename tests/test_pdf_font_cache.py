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
    for attr in ("charToGlyph", "charWidths", "glyphPos", "hmetrics", "ascent", "descent", "flags", "bbox",
                 "name", "unitsPerEm", "defaultWidth"):
        assert getattr(a.face, attr) == getattr(b.face, attr), attr
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
