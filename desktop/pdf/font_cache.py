"""Parsed TrueType tables kept between runs, so ``hyoka pdf`` does not re-parse the fonts.

Parsing the four fonts (character → glyph map, widths, glyph offsets) is a quarter of a
second of every process. The parsed tables are stored with :mod:`marshal` (plain data, no
code runs on load) in the user cache directory, one file per font, keyed by the font file's
path, subfont index, size and modification time (and the Python and ReportLab versions).

Loading is shaped by what a print needs, as each object built costs at start: the character
map and widths (layout) are built at once; glyph offsets and metrics (subsetting, at save)
come back as arrays, not a list of tuples; the glyph → characters map (only for shaping)
and the font file's own bytes (subsetting needs them) are loaded when first used
(:class:`~desktop.pdf.compat.CachedFace`), so a layout without a save (the page count)
never reads the font file. A missing, damaged, stale, older-format or unwritable cache is
never an error: the font is parsed as before. ``HYOKA_CACHE_DIR`` overrides the folder.

The character map and widths are stored as tables of their own: faces of one family (BIZ UD
Mincho, Gothic and Gothic Bold have the same 11,741 code points, glyph numbers and widths)
then share one dict in the process instead of building three (5 % of ``hyoka pdf``).
:func:`~desktop.pdf.compat.add_glyph_alias`, the only writer after parsing, gives a face its
own copies first.
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont

from desktop.core import disk_cache
from desktop.core.disk_cache import ENV_VAR, cache_dir
from desktop.pdf.compat import GlyphMetrics, font_from_face

__all__ = ["ENV_VAR", "cache_dir", "load_font"]
FORMAT = 4  # bump when the stored layout changes; old files are then simply not used
_SHARED = ("charToGlyph", "charWidths")  # stored as tables faces with the same content share
_SKIP = ("_ttf_data", "_pdfScale", "glyphPos", "hmetrics", "glyphToChar", *_SHARED)  # stored apart (or rebuilt)
_TABLES: dict[bytes, Any] = {}  # a stored table → the object made from it (shared by the faces it is in)
_INT, _REAL = "q", "d"  # array types of offsets and bearings; of advances (ReportLab scales the trailing ones)


def _key(path: Path, index: int) -> tuple[str, tuple[Any, ...]]:
    """The cache file's name and the identity it must match (path, index, size, mtime, versions)."""
    import reportlab

    st = path.stat()
    full = str(path.resolve())
    ident = (FORMAT, sys.version_info[:2], reportlab.Version, full, index, st.st_size, st.st_mtime_ns)
    name = hashlib.sha256(repr((full, index)).encode()).hexdigest()[:24] + ".fontcache"
    return name, ident


def load_font(name: str, path: Path, index: int) -> TTFont:
    """The font ``path`` (subfont ``index``) registered under ``name``, from the cache when it is current."""
    try:
        file_name, ident = _key(path, index)
    except OSError:
        return TTFont(name, str(path), subfontIndex=index)
    font = _read(file_name, ident, name, path)
    if font is not None:
        return font
    font = TTFont(name, str(path), subfontIndex=index)
    _write(file_name, ident, font)
    return font


def _read(file_name: str, ident: tuple[Any, ...], name: str, path: Path) -> TTFont | None:
    stored = disk_cache.read(file_name, ident)
    if stored is None:
        return None
    try:
        names, state, arrays, shaping, tables = stored
        if not isinstance(state, dict) or not isinstance(shaping, bytes) or set(tables) != set(_SHARED):
            return None
        for key, blob in tables.items():
            table = _TABLES.get(blob)
            if table is None:
                table = marshal.loads(blob)
                if not isinstance(table, dict):
                    return None
                _TABLES[blob] = table
            state[key] = table
        for key in names:
            state[key] = TTFNameBytes(state[key].encode("utf-8"))
        state["glyphPos"] = array(_INT, arrays["glyphPos"])
        state["hmetrics"] = GlyphMetrics(array(_REAL, arrays["advances"]), array(_INT, arrays["bearings"]))
        deferred: dict[str, Callable[[], Any]] = {
            "_ttf_data": lambda: _font_bytes(path, ident[-2]),
            "glyphToChar": lambda: marshal.loads(shaping),
        }
        return font_from_face(name, state, deferred)
    except Exception:  # any damage (wrong shape, an older format) means: parse the font instead
        return None


def _font_bytes(path: Path, size: int) -> Any:
    """The font file's bytes when first needed (subsetting at save): mapped, so only the
    pages of the glyphs and tables used are read; read whole where it cannot be mapped."""
    with open(path, "rb") as f:
        try:
            data: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            data = f.read()
    if len(data) != size:
        raise OSError(f"{path}: the font file changed while in use")
    return data


def _write(file_name: str, ident: tuple[Any, ...], font: TTFont) -> None:
    face = font.face
    state: dict[str, Any] = {}
    names: list[str] = []
    for key, value in face.__dict__.items():
        if key in _SKIP:
            continue
        if isinstance(value, TTFNameBytes):
            names.append(key)
            value = value.ustr
        state[key] = value
    try:
        arrays = {
            "glyphPos": array(_INT, face.glyphPos).tobytes(),
            "advances": array(_REAL, (aw for aw, _lsb in face.hmetrics)).tobytes(),
            "bearings": array(_INT, (lsb for _aw, lsb in face.hmetrics)).tobytes(),
        }
        shaping = marshal.dumps(face.glyphToChar)
        tables = {key: marshal.dumps(getattr(face, key)) for key in _SHARED}
    except (TypeError, ValueError, OverflowError):  # a value these arrays cannot hold: no cache
        return
    disk_cache.write(file_name, ident, (names, state, arrays, shaping, tables))
