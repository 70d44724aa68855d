"""Plain data kept between runs in the user cache folder (parsed fonts, parsed format files).

Each entry is one :mod:`marshal` file (plain data: loading runs no code) holding the
identity it was made for; a reader gets the payload only when the identity matches.
Writes are atomic (a temp file renamed over the entry). A missing, damaged, foreign or
unwritable cache is never an error: the caller computes the value as before.
``HYOKA_CACHE_DIR`` overrides the folder.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

ENV_VAR = "HYOKA_CACHE_DIR"


def cache_dir() -> Path:
    """``HYOKA_CACHE_DIR`` or the per-user cache folder (``%LOCALAPPDATA%\\hyoka\\Cache`` on Windows)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("hyoka", appauthor=False)


def read(name: str, ident: tuple[Any, ...]) -> Any | None:
    """The payload stored under ``name`` for exactly ``ident``; None when absent, stale or damaged."""
    try:
        with open(cache_dir() / name, "rb") as f:
            stored = marshal.loads(f.read())
        stored_ident, payload = stored
        if tuple(stored_ident) != ident:
            return None
        return payload
    except Exception:  # truncated, foreign, wrong shape: not an entry
        return None


def read_bytes(name: str) -> bytes | None:
    """The bytes stored as ``name`` by :func:`write_bytes`; None when there are none."""
    try:
        return (cache_dir() / name).read_bytes()
    except OSError:
        return None


def write(name: str, ident: tuple[Any, ...], payload: Any) -> None:
    """Store ``payload`` (marshallable data) for ``ident``; silently nothing when it cannot be."""
    try:
        blob = marshal.dumps((ident, payload))
    except ValueError:  # an unmarshallable value: no cache
        return
    write_bytes(name, blob)


def write_bytes(name: str, blob: bytes) -> None:
    """Put ``blob`` in the cache folder as ``name`` at once (a temp file renamed over it);
    silently nothing in a read-only or full folder."""
    folder = cache_dir()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, folder / name)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
