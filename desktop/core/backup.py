"""Backups of the database file, for standalone terminals that have no server backup.

Taken with SQLite's online backup API, so a backup made while the app writes is a
consistent database (never a torn copy of a WAL file). They live in ``backups/``
beside the database, named ``<db>-<UTC stamp>-<kind>.sqlite3``:

* ``daily`` at the first start of each day (the newest 7 are kept),
* ``weekly`` when the newest weekly one is 7 days old (the newest 4 are kept),
* ``migration`` before every schema migration (the newest 5 are kept),
* ``manual`` from ``hyoka backup`` or the app (never removed automatically).

``HYOKA_BACKUP_DAILY`` / ``HYOKA_BACKUP_WEEKLY`` change how many are kept.
Restoring writes a *new* database file; the current one is never touched.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.core.i18n import _

KINDS = ("daily", "weekly", "migration", "manual")
DEFAULT_KEEP = {"daily": 7, "weekly": 4, "migration": 5}
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}(?:-\d+)?)-(?P<kind>daily|weekly|migration|manual)\.sqlite3$")
_APPLICATION_ID = 0x48594B41


class BackupError(Exception):
    """A backup cannot be taken or restored; the message is for the user."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime  # aware, UTC
    kind: str
    sheets: int | None  # sheets not in the wastebasket; None if the file cannot be read


def backup_dir(db: Path) -> Path:
    return Path(db).expanduser().parent / "backups"


def _keep(kind: str) -> int:
    env = os.environ.get(f"HYOKA_BACKUP_{kind.upper()}")
    if env and env.isdigit():
        return int(env)
    return DEFAULT_KEEP.get(kind, 0)


def _now() -> datetime:
    return datetime.now(UTC)


def backup_connection(conn: sqlite3.Connection, db: Path, kind: str) -> Path:
    """Copy the database behind ``conn`` into a new backup file; returns its path."""
    if kind not in KINDS:
        raise ValueError(kind)
    folder = backup_dir(db)
    stamp = _now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{Path(db).stem}-{stamp}-{kind}.sqlite3"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{Path(db).stem}-{stamp}-{n}-{kind}.sqlite3"
        tmp = target.with_suffix(".partial")
        dest = sqlite3.connect(str(tmp))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(_("バックアップを作成できません（{folder}）：{error}").format(folder=folder, error=exc)) from None
    prune(db)
    return target


def take_backup(db: Path, kind: str = "manual") -> Path:
    """Back up the database file ``db`` (consistent even while another process writes)."""
    db = Path(db).expanduser()
    if not db.is_file():
        raise BackupError(_("データベース {path} がありません。").format(path=db))
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        raise BackupError(_("データベース {path} を開けません：{error}").format(path=db, error=exc)) from None
    try:
        return backup_connection(conn, db, kind)
    finally:
        conn.close()


def _count_sheets(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM sheets WHERE deleted IS NULL").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _parse(path: Path) -> tuple[datetime, str] | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    s = m.group("stamp")  # YYYYmmdd-HHMMSS: read directly (strptime's module costs the app's start 3 ms)
    try:
        created = datetime(int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[9:11]), int(s[11:13]), int(s[13:15]), tzinfo=UTC)
    except ValueError:  # digits that are no time (month 13): not one of our backups
        return None
    return created, m.group("kind")


def list_backups(db: Path, *, count_sheets: bool = True) -> list[BackupInfo]:
    """Backups of ``db``, newest first."""
    folder = backup_dir(db)
    stem = Path(db).stem
    out = []
    for p in folder.glob(f"{stem}-*.sqlite3") if folder.is_dir() else ():
        parsed = _parse(p)
        if parsed is None or _NAME.match(p.name).group("stem") != stem:  # type: ignore[union-attr]
            continue
        out.append(BackupInfo(p, parsed[0], parsed[1], _count_sheets(p) if count_sheets else None))
    return sorted(out, key=lambda b: (b.created, b.path.name), reverse=True)


def prune(db: Path) -> list[Path]:
    """Remove the oldest automatic backups beyond what is kept; returns what was removed."""
    removed = []
    backups = list_backups(db, count_sheets=False)
    for kind in DEFAULT_KEEP:
        for old in [b for b in backups if b.kind == kind][_keep(kind):]:
            try:
                old.path.unlink()
                removed.append(old.path)
            except OSError:
                pass
    return removed


def daily_backup_if_due(db: Path) -> Path | None:
    """At the first start of a (local) day: a daily backup, and a weekly one every 7 days."""
    db = Path(db).expanduser()
    if not db.is_file() or db.stat().st_size == 0:
        return None
    backups = list_backups(db, count_sheets=False)
    today = datetime.now().astimezone().date()
    taken = None
    if not any(b.kind == "daily" and b.created.astimezone().date() == today for b in backups):
        taken = take_backup(db, "daily")
    weekly = [b for b in backups if b.kind == "weekly"]
    if not weekly or _now() - weekly[0].created >= timedelta(days=7):
        taken = take_backup(db, "weekly")
    return taken


def restore_backup(backup: Path, target: Path) -> Path:
    """Write ``backup`` as the new database file ``target`` (which must not exist)."""
    backup, target = Path(backup).expanduser(), Path(target).expanduser()
    if target.exists():
        raise BackupError(_("{path} は既にあります。新しいファイル名を指定してください（今のデータベースは変更しません）。").format(
            path=target))
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(_("バックアップ {path} を開けません：{error}").format(path=backup, error=exc)) from None
    tmp = target.with_name(target.name + ".partial")
    try:
        try:
            if src.execute("PRAGMA application_id").fetchone()[0] != _APPLICATION_ID:
                raise BackupError(_("{path} は hyoka のバックアップではありません。").format(path=backup))
            check = src.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(_("バックアップ {path} は壊れています（{detail}）。").format(path=backup, detail=check))
            target.parent.mkdir(parents=True, exist_ok=True)
            dest = sqlite3.connect(str(tmp))
            try:
                src.backup(dest)
            finally:
                dest.close()
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            raise BackupError(_("バックアップ {path} を読めません：{error}").format(path=backup, error=exc)) from None
        except OSError as exc:
            raise BackupError(_("{path} に書き込めません：{error}").format(path=target, error=exc.strerror or exc)) from None
    finally:
        src.close()
        tmp.unlink(missing_ok=True)
    return target
