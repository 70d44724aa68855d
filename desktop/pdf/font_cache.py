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
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont

from desktop.pdf.compat import font_from_face

ENV_VAR = "HYOKA_CACHE_DIR"
FORMAT = 1  # bump when the stored layout changes; old files are then simply not used
_SKIP = ("_ttf_data", "_pdfScale")  # the file's bytes (read fresh) and a lambda (rebuilt)


def cache_dir() -> Path:
    """``HYOKA_CACHE_DIR`` or the per-user cache folder (``%LOCALAPPDATA%\\hyoka\\Cache`` on Windows)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("hyoka", appauthor=False)


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
    folder = cache_dir()
    font = _read(folder / file_name, ident, name, path)
    if font is not None:
        return font
    font = TTFont(name, str(path), subfontIndex=index)
    _write(folder, file_name, ident, font)
    return font


def _read(cached: Path, ident: tuple[Any, ...], name: str, path: Path) -> TTFont | None:
    try:
        with open(cached, "rb") as f:
            stored = marshal.loads(f.read())
        stored_ident, names, state = stored
        if tuple(stored_ident) != ident or not isinstance(state, dict):
            return None
        for key in names:
            state[key] = TTFNameBytes(state[key].encode("utf-8"))
        data = path.read_bytes()
        if len(data) != ident[-2]:
            return None
        return font_from_face(name, state, data)
    except Exception:  # any damage (truncated, foreign, wrong shape) means: parse the font instead
        return None


def _write(folder: Path, file_name: str, ident: tuple[Any, ...], font: TTFont) -> None:
    """Atomically: a temp file in the folder renamed over the target, so readers never see half a file."""
    state: dict[str, Any] = {}
    names: list[str] = []
    for key, value in font.face.__dict__.items():
        if key in _SKIP:
            continue
        if isinstance(value, TTFNameBytes):
            names.append(key)
            value = value.ustr
        state[key] = value
    tmp = None
    try:
        blob = marshal.dumps((ident, names, state))
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".font-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, folder / file_name)
        tmp = None
    except (OSError, ValueError):  # read-only or full cache folder, an unmarshallable value: no cache
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
