"""The last-resort record of a program error: its traceback, appended to a file that the officer
can send to whoever looks after the installation. A windowed build has no console, so without
this a program error left no trace at all."""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

LIMIT = 1_000_000  # bytes of log kept before it moves to errors.log.1 (one older file is kept)


def log_path() -> Path:
    """``HYOKA_LOG_DIR``/errors.log, else the per-user log folder of the OS."""
    folder = os.environ.get("HYOKA_LOG_DIR")
    if folder:
        return Path(folder).expanduser() / "errors.log"
    from platformdirs import user_log_path

    return user_log_path("hyoka", appauthor=False) / "errors.log"


def record(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, *, version: str = "") -> Path | None:
    """Append the error with its traceback; the file, or None when it could not be written (the
    error must still reach the officer: writing the record never raises)."""
    text = f"--- {datetime.now().astimezone().isoformat(timespec='seconds')} hyoka {version}\n" + "".join(
        traceback.format_exception(exc_type, exc, tb))
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size + len(text) > LIMIT:
            os.replace(path, path.with_name(path.name + ".1"))
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text)
    except OSError:
        return None
    return path
