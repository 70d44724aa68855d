"""One writer per database, and knowing whether the last session ended cleanly.

* ``<db>.lock`` is a :class:`QLockFile`: a second hyoka on the same file cannot
  take it and opens the database read-only (or not at all) after a clear warning.
  A lock left by a killed process is detected as stale (its PID is gone) and
  taken over, so a crash never locks the officer out.
* ``<db>.session.json`` exists while a session runs and is removed on a clean
  exit. Finding it at start means the previous session was killed or lost power;
  autosave already put the last edits in the database, and we say so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QSysInfo

from desktop.core.i18n import _


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def session_path(db: Path) -> Path:
    return db.with_name(db.name + ".session.json")


@dataclass
class LockOwner:
    pid: int
    host: str
    app: str


class DatabaseLock:
    """Exclusive right to write ``db``; held for the life of the window."""

    def __init__(self, db: Path):
        self.db = db
        db.parent.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(lock_path(db)))
        self._lock.setStaleLockTime(0)  # held for hours: only a dead owner makes it stale

    def acquire(self, timeout_ms: int = 200) -> bool:
        return bool(self._lock.tryLock(timeout_ms))

    def owner(self) -> LockOwner | None:
        info = self._lock.getLockInfo()  # PySide6: (pid, host, app), or something falsy
        if not info or len(info) != 3 or not info[0]:
            return None
        pid, host, app = info
        return LockOwner(int(pid), str(host), str(app))

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()

    def held(self) -> bool:
        return bool(self._lock.isLocked())

    def busy_message(self) -> str:
        owner = self.owner()
        who = _("プロセス {pid}（{host}）").format(pid=owner.pid, host=owner.host) if owner else _("別のプログラム")
        return _(
            "このデータベースは既に別の hyoka で開かれています：{who}\n{path}\n\n"
            "同時に書き込むと入力が失われるおそれがあるため，読み取り専用で開くことができます。"
            "編集するには，もう一方の hyoka を終了してから開き直してください。"
        ).format(who=who, path=self.db)


@dataclass
class PreviousSession:
    started: str
    sheet: int | None
    last_save: str | None


class SessionMarker:
    """Marks a running session; a marker left behind means an unclean exit."""

    def __init__(self, db: Path):
        self.path = session_path(db)
        self.data: dict[str, Any] = {}

    def previous(self) -> PreviousSession | None:
        """The session that did not end cleanly, if any (call before :meth:`start`)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        sheet = data.get("sheet")
        return PreviousSession(str(data.get("started", "")), sheet if isinstance(sheet, int) else None,
                               data.get("last_save"))

    def start(self) -> None:
        self.data = {"pid": os.getpid(), "host": QSysInfo.machineHostName(),  # as QLockFile names it
                     "started": datetime.now().isoformat(timespec="seconds"), "sheet": None, "last_save": None}
        self._write()

    def update(self, **changes: Any) -> None:
        if not self.data:
            return
        self.data.update(changes)
        self._write()

    def _write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # the marker is a courtesy; never let it block editing

    def end(self) -> None:
        if self.data:
            self.path.unlink(missing_ok=True)
            self.data = {}
