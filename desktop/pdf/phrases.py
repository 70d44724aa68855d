"""BudouX's phrases of label lines, kept between runs in the user cache folder.

Labels come from the format files, so every print segments the same few hundred lines:
importing BudouX, loading its model and parsing them was about 25 ms of each ``hyoka pdf``.
The phrases are kept per line in one :mod:`desktop.core.disk_cache` entry whose identity is
BudouX's model file (path, size, modification time), so another BudouX segments anew. A
line not yet known is segmented (BudouX is imported then) and the entry rewritten once per
sheet (:func:`save`). A damaged entry, or a stored line whose phrases do not spell it, is
segmented again.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop.core import disk_cache

NAME = "budoux-phrases.cache"
FORMAT = 1  # bump when the stored layout changes
MAX_LINES = 5000  # a bound: beyond it, new lines are segmented at every run, not stored

_memo: dict[str, list[str]] = {}
_ident: tuple[Any, ...] | None = None
_loaded = False
_dirty = False


def model_identity() -> tuple[Any, ...] | None:
    """What the stored phrases were made with: BudouX's Japanese model file, found without importing BudouX."""
    try:
        spec = importlib.util.find_spec("budoux")
        if spec is None or spec.origin is None:
            return None
        model = Path(spec.origin).parent / "models" / "ja.json"
        st = model.stat()
    except (ImportError, OSError, ValueError):
        return None
    return (FORMAT, str(model), st.st_size, st.st_mtime_ns)


def _load() -> dict[str, list[str]]:
    global _loaded, _ident, _memo
    if not _loaded:
        _loaded = True
        _ident = model_identity()
        stored = disk_cache.read(NAME, _ident) if _ident is not None else None
        _memo = stored if isinstance(stored, dict) else {}
    return _memo


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import budoux  # a small phrase segmenter for Japanese (Google, Apache-2.0)

    return budoux.load_default_japanese_parser()


def segment(line: str) -> list[str]:
    """BudouX's phrases of one line (no line breaks in it)."""
    global _dirty
    memo = _load()
    got = memo.get(line)
    if not isinstance(got, list) or "".join(x for x in got if isinstance(x, str)) != line:
        got = memo[line] = list(_segmenter().parse(line))
        _dirty = True
    return got


def save() -> None:
    """Store the lines segmented since the last save (nothing when there are none)."""
    global _dirty
    if not _dirty or _ident is None or len(_memo) > MAX_LINES:
        return
    _dirty = False
    disk_cache.write(NAME, _ident, _memo)


def forget() -> None:
    """Start again from the disk (tests)."""
    global _loaded, _dirty, _memo
    _loaded = _dirty = False
    _memo = {}
