"""Parsed TrueType tables kept between runs, so ``hyoka pdf`` does not re-parse the fonts.

Parsing the four fonts (character → glyph map, widths, glyph offsets) is a quarter of a
second of every process. The parsed tables are stored with :mod:`marshal` (plain data, no
code runs on load) in the user cache directory, one file per font, keyed by the font file's
path, subfont index, size and modification time (and the Python and ReportLab versions). The font's own bytes are still read from
the font file (subsetting needs them). A missing, damaged, stale or unwritable cache is
never an error: the font is parsed as before. ``HYOKA_CACHE_DIR`` overrides the folder.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont

from desktop.core import disk_cache
from desktop.core.disk_cache import ENV_VAR, cache_dir
from desktop.pdf.compat import font_from_face

__all__ = ["ENV_VAR", "cache_dir", "load_font"]
FORMAT = 2  # bump when the stored layout changes; old files are then simply not used
_SKIP = ("_ttf_data", "_pdfScale")  # the file's bytes (read fresh) and a lambda (rebuilt)


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
        names, state = stored
        if not isinstance(state, dict):
            return None
        for key in names:
            state[key] = TTFNameBytes(state[key].encode("utf-8"))
        data = path.read_bytes()
        if len(data) != ident[-2]:
            return None
        return font_from_face(name, state, data)
    except Exception:  # any damage (wrong shape) means: parse the font instead
        return None


def _write(file_name: str, ident: tuple[Any, ...], font: TTFont) -> None:
    state: dict[str, Any] = {}
    names: list[str] = []
    for key, value in font.face.__dict__.items():
        if key in _SKIP:
            continue
        if isinstance(value, TTFNameBytes):
            names.append(key)
            value = value.ustr
        state[key] = value
    disk_cache.write(file_name, ident, (names, state))
