"""The local SQLite file that keeps every sheet, through sqlite-utils.

One file holds the sheets, their current values, every saved revision (so any
earlier state can be restored) and a full-text index. WAL mode with
``synchronous=FULL`` means a committed save survives a power cut. Every write is
one transaction. Problems with the file itself (locked, read-only, not SQLite,
not ours, corrupt) become :class:`StoreError` with a Japanese message, never a
traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid as uuidlib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from desktop.core import validation
from desktop.core.definition import FormDef, all_forms, get_form
from desktop.core.i18n import _
from desktop.core.values import Values, fiscal_year, normalize_values, values_digest

APPLICATION_ID = 0x48594B41  # "HYKA": marks a hyoka database file
STATUSES = ("draft", "complete")
AUTOSAVE_COALESCE_SECONDS = 60.0
_SQLITE_MAGIC = b"SQLite format 3\x00"

migrations = Migrations("hyoka")


class StoreError(Exception):
    """A problem with the database file; the message is for the user."""


class IncompleteError(StoreError):
    """The sheet cannot be marked complete while errors remain."""

    def __init__(self, findings: list[validation.Finding]):
        super().__init__(_("エラーが {n} 件あるため「完了」にできません。").format(n=len(findings)))
        self.findings = findings


class NotFoundError(StoreError):
    pass


class DamagedSheetError(StoreError):
    """One sheet's stored record cannot be read; every other sheet is fine."""

    def __init__(self, sheet_id: int, detail: str):
        super().__init__(_("シート {id} の記録が壊れています（{detail}）。最後の正常な版から復元できます（hyoka repair {id}）。").format(
            id=sheet_id, detail=detail))
        self.sheet_id = sheet_id


class ConflictError(StoreError):
    """A write based on a state that is no longer the sheet's current one.

    Raised instead of overwriting what the writer never read (another process,
    a CLI import while the app is open); the caller decides what to do.
    """

    def __init__(self, sheet_id: int, expected: str, current: str):
        super().__init__(_("シート {id} は読み込んだ後に別のところで変更されています。").format(id=sheet_id))
        self.sheet_id, self.expected, self.current = sheet_id, expected, current


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_db_path() -> Path:
    """``HYOKA_DB`` or the per-user data directory of the OS."""
    env = os.environ.get("HYOKA_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("hyoka", appauthor=False) / "hyoka.sqlite3"


# ------------------------------------------------------------------ migrations
@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("sheets").create(
        {
            "id": int, "uuid": str, "format": str, "fiscal_year": int, "organization": str,
            "contribution": str, "status": str, "created": str, "updated": str,
            "deleted": str, "revision": int,
        },
        pk="id",
        not_null={"uuid", "format", "status", "created", "updated"},
        defaults={"status": "draft", "revision": 0},
    )
    db.table("sheets").create_index(["uuid"], unique=True)
    db.table("sheet_values").create(
        {"sheet_id": int, "field_id": str, "value": str},
        pk=("sheet_id", "field_id"),
        foreign_keys=[("sheet_id", "sheets", "id")],
    )
    db.table("revisions").create(
        {"id": int, "sheet_id": int, "number": int, "created": str, "kind": str, "status": str, "values_json": str},
        pk="id",
        foreign_keys=[("sheet_id", "sheets", "id")],
    )
    db.table("revisions").create_index(["sheet_id", "number"], unique=True)


@migrations()
def m002_search(db: sqlite_utils.Database) -> None:
    """Full-text search; trigram tokens because Japanese has no spaces between words."""
    db.table("sheet_text").create({"sheet_id": int, "body": str}, pk="sheet_id")
    for row in db.query("SELECT id FROM sheets"):
        body = " ".join(
            _text_of(json.loads(r["value"]))
            for r in db.query("SELECT value FROM sheet_values WHERE sheet_id = ?", [row["id"]])
        )
        db.table("sheet_text").insert({"sheet_id": row["id"], "body": body})
    db.table("sheet_text").enable_fts(["body"], fts_version="FTS5", tokenize="trigram", create_triggers=True)


@migrations()
def m003_carry_over(db: sqlite_utils.Database) -> None:
    """New-from-last-year: remember the source sheet and which fields were copied."""
    db.table("sheets").add_column("carried_from", int)
    db.table("sheets").add_column("carried_fields", str)


@migrations()
def m004_digest(db: sqlite_utils.Database) -> None:
    """The digest of each sheet's current values: the base a write or an import is checked against."""
    db.table("sheets").add_column("digest", str)
    for row in list(db.query("SELECT id FROM sheets")):
        try:
            values = {
                r["field_id"]: json.loads(r["value"])
                for r in db.query("SELECT field_id, value FROM sheet_values WHERE sheet_id = ?", [row["id"]])
            }
        except ValueError:
            continue  # a damaged record: left without a digest, reported by check_sheets()
        db.table("sheets").update(row["id"], {"digest": values_digest(values)})


@migrations()
def m005_imported_sheets(db: sqlite_utils.Database) -> None:
    """Sheets made by import-sheet: which fields were read from the source (unreviewed until looked at),
    the source's file name, and the source's text that found no field (shown beside the form)."""
    db.table("sheets").add_column("imported_fields", str)
    db.table("sheets").add_column("import_source", str)
    db.table("sheets").add_column("import_note", str)


@migrations()
def m006_review(db: sqlite_utils.Database) -> None:
    """The evaluation office's year: settings of this database (author name, organisation aliases,
    deadline) and review comments (指摘) on a field or a whole sheet, kept when resolved."""
    db.table("settings").create({"key": str, "value": str}, pk="key")
    db.table("comments").create(
        {"id": str, "sheet_id": int, "field_id": str, "author": str, "created": str, "text": str,
         "status": str, "resolved": str, "resolved_by": str, "updated": str},
        pk="id",
        not_null={"sheet_id", "created", "text", "status", "updated"},
        defaults={"status": "open", "field_id": "", "author": "", "resolved": "", "resolved_by": ""},
        foreign_keys=[("sheet_id", "sheets", "id")],
    )
    db.table("comments").create_index(["sheet_id"])


@migrations()
def m007_exchanges(db: sqlite_utils.Database) -> None:
    """Every state of a sheet that left or entered this database through a file (export/import):
    the ancestry an exported file carries, so that a receiver that has not changed its copy since
    any of those states can take the file as a fast-forward."""
    db.table("exchanges").create(
        {"id": int, "sheet_id": int, "digest": str, "kind": str, "at": str},
        pk="id", not_null={"sheet_id", "digest", "kind", "at"}, foreign_keys=[("sheet_id", "sheets", "id")],
    )
    db.table("exchanges").create_index(["sheet_id"])


@migrations()
def m008_compact_storage(db: sqlite_utils.Database) -> None:
    """Issue 11's scale: revision snapshots stored zlib-compressed (``values_json`` holds the
    compressed bytes; a text snapshot from before still reads), and the trigram index without
    positions (``detail=none``: a search matches every trigram, then the text itself is checked)."""
    rows = list(db.query("SELECT id, values_json FROM revisions"))
    for r in rows:
        if isinstance(r["values_json"], str):
            db.execute("UPDATE revisions SET values_json = ? WHERE id = ?",
                       [zlib.compress(r["values_json"].encode("utf-8"), 6), r["id"]])
    db.execute("DROP TABLE IF EXISTS sheet_text_fts")
    db.execute("CREATE VIRTUAL TABLE sheet_text_fts USING FTS5 (body, tokenize='trigram', content='sheet_text', "
               "content_rowid='sheet_id', detail='none')")
    db.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('rebuild')")


@migrations()
def m009_format_version(db: sqlite_utils.Database) -> None:
    """Issue 14: the version of the format a sheet was made with (every format was version 1 until
    then), so a newer version of the format reads it through its declared renames."""
    db.table("sheets").add_column("format_version", int, not_null_default=1)


def _pack(values: Values) -> bytes:
    """A revision snapshot: compact JSON, zlib-compressed."""
    return zlib.compress(json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"), 6)


def _unpack(stored: Any) -> Any:
    """A snapshot as stored (compressed bytes, or JSON text from before m008) → its JSON value;
    ValueError when it cannot be read."""
    if isinstance(stored, bytes):
        try:
            stored = zlib.decompress(stored).decode("utf-8")
        except (zlib.error, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from None
    if not isinstance(stored, str):
        raise ValueError("no snapshot")
    return json.loads(stored)


def _trigrams(text: str) -> list[str]:
    """The trigrams a detail=none index is asked for: enough to cover ``text`` (every third one and the last)."""
    grams = [text[i:i + 3] for i in range(0, len(text) - 2)]
    chosen = grams[::3]
    if grams and grams[-1] not in chosen:
        chosen.append(grams[-1])
    return list(dict.fromkeys(chosen))


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []  # damaged; damaged_sheets() reports it
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []


def _text_of(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value) if isinstance(value, str) else ""


# ------------------------------------------------------------------ records
@dataclass
class Sheet:
    id: int
    uuid: str
    format: str
    fiscal_year: int | None
    organization: str
    contribution: str
    status: str
    created: str
    updated: str
    deleted: str | None
    revision: int
    carried_from: int | None = None
    carried_fields: list[str] = field(default_factory=list)
    values: Values = field(default_factory=dict)
    digest: str = ""
    imported_fields: list[str] = field(default_factory=list)
    import_source: str = ""
    import_note: str = ""
    format_version: int = 1

    @property
    def form(self) -> FormDef:
        return get_form(self.format)


COMMENT_STATUSES = ("open", "resolved")


@dataclass
class Comment:
    """A review comment (指摘) on one field (``field_id``) or on the whole sheet (``""``)."""

    id: str
    sheet_id: int
    field_id: str
    author: str
    created: str
    text: str
    status: str = "open"
    resolved: str = ""
    resolved_by: str = ""
    updated: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def as_dict(self) -> dict[str, Any]:
        """The comment as an interchange file's ``review`` entry (sheet not included)."""
        out: dict[str, Any] = {"id": self.id, "field": self.field_id or None, "author": self.author,
                               "created": self.created, "text": self.text, "status": self.status,
                               "updated": self.updated or self.created}
        if self.resolved:
            out["resolved"] = self.resolved
        if self.resolved_by:
            out["resolved_by"] = self.resolved_by
        return out


@dataclass(frozen=True)
class Revision:
    number: int
    created: str
    kind: str
    status: str


def _translate(exc: sqlite3.Error, path: Path) -> StoreError:
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return StoreError(_("データベース {path} は他のプログラム（別の hyoka など）が使用中です。しばらく待ってからやり直してください。").format(path=path))
    if "readonly" in msg or "read-only" in msg:
        return StoreError(_("データベース {path} に書き込めません（読み取り専用です）。書き込める場所を --db で指定してください。").format(path=path))
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(_("{path} は壊れているか SQLite のファイルではありません。バックアップから戻すか，別のファイルを --db で指定してください。").format(path=path))
    if "unable to open" in msg:
        return StoreError(_("データベース {path} を開けません（フォルダがないか権限がありません）。").format(path=path))
    if "disk i/o" in msg or "full" in msg:
        return StoreError(_("データベース {path} への書き込みに失敗しました（ディスクの空きや接続を確認してください）。").format(path=path))
    return StoreError(_("データベース {path} でエラーが発生しました：{error}").format(path=path, error=exc))


class Store:
    """Sheets in one SQLite file. Not thread-safe: one Store per thread."""

    def __init__(self, path: Path | str, *, timeout: float = 3.0):
        self.path = Path(path).expanduser()
        self._wrote = False
        self._check_file()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=timeout)
            self.db = sqlite_utils.Database(conn, execute_plugins=False)  # no entry-point scan (15–50 ms a start)
            self._setup()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        except OSError as exc:
            raise StoreError(_("データベース {path} を開けません：{error}").format(path=self.path, error=exc.strerror)) from None

    # -------------------------------------------------------------- setup
    def _check_file(self) -> None:
        if self.path.is_dir():
            raise StoreError(_("{path} はフォルダです。データベースのファイル名を指定してください。").format(path=self.path))
        if self.path.exists() and self.path.stat().st_size > 0:
            try:
                with self.path.open("rb") as fh:
                    head = fh.read(16)
            except OSError as exc:
                raise StoreError(_("データベース {path} を読めません：{error}").format(path=self.path, error=exc.strerror)) from None
            if head != _SQLITE_MAGIC:
                raise StoreError(_("{path} は hyoka のデータベースではありません（SQLite のファイルではありません）。").format(path=self.path))

    def _setup(self) -> None:
        conn = self.db.conn
        # Tables first, then the id: another process creating the file commits both at once, so a
        # file whose tables are visible already shows its id (the other order could see the new
        # tables with the id read before that commit, and refuse a hyoka file).
        tables = set(self.db.table_names())
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID and tables - {"sqlite_sequence"}:
            raise StoreError(_("{path} は hyoka のデータベースではありません（別のアプリケーションのファイルです）。").format(path=self.path))
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            self.db.enable_wal()
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc).lower():
                raise
        conn.execute("PRAGMA synchronous = FULL")
        if migrations.pending(self.db):
            if app_id == APPLICATION_ID and "sheets" in tables:
                # An existing database is about to change shape: keep a copy of it as it was.
                from desktop.core.backup import BackupError, backup_connection

                try:
                    backup_connection(conn, self.path, "migration")
                except BackupError as exc:
                    raise StoreError(_("更新前のバックアップを作れないため，データベースを更新しません：{error}").format(
                        error=exc)) from None
            # Two processes opening a new or old file at once: one migrates, the other waits
            # for the lock and then finds nothing left to do.
            conn.execute("BEGIN IMMEDIATE")
            try:
                if migrations.pending(self.db):
                    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    migrations.apply(self.db)
                conn.commit()
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
        # The full quick_check reads every page (300 ms for 5,000 sheets): it is not on the way to the
        # first window any more; the app runs check_integrity() once it is shown, ``hyoka check`` too.

    def check_integrity(self) -> None:
        """``PRAGMA quick_check``; StoreError when the file is damaged."""
        try:
            integrity = self.db.conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        if integrity != "ok":
            raise StoreError(_("{path} が壊れています（{detail}）。バックアップから戻してください。").format(path=self.path, detail=integrity))

    def close(self) -> None:
        self.checkpoint()
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group several store calls into one all-or-nothing transaction."""
        with self._tx():
            yield self

    @contextmanager
    def _tx(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction. The outermost one starts with ``BEGIN IMMEDIATE`` so a
        second writer waits its busy timeout for the lock instead of failing at once
        when its read transaction cannot be upgraded (sqlite-utils' plain ``BEGIN``)."""
        conn = self.db.conn
        try:
            if conn.in_transaction:
                with self.db.atomic():  # nested: a savepoint
                    yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            conn.commit()
            self._wrote = True
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def data_version(self) -> int:
        """Changes when *another* connection commits (``PRAGMA data_version``)."""
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])

    def checkpoint(self) -> None:
        """Move every committed write from the ``-wal`` file into the main file, so a
        copy of ``hyoka.sqlite3`` alone (a USB stick, a backup tool) holds it all."""
        if not self._wrote:
            return
        try:
            self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._wrote = False
        except sqlite3.Error:
            pass  # a reader holds the WAL: the next checkpoint (or close) finishes the job

    def _read(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    # -------------------------------------------------------------- sheets
    def create_sheet(
        self,
        form_id: str,
        values: Values | None = None,
        *,
        status: str = "draft",
        sheet_uuid: str | None = None,
        created: str | None = None,
        updated: str | None = None,
        kind: str = "create",
        carried_from: int | None = None,
        carried_fields: list[str] | None = None,
        imported_fields: list[str] | None = None,
        import_source: str = "",
        import_note: str = "",
    ) -> int:
        form = get_form(form_id)
        values = normalize_values(form, values or {})
        if status not in STATUSES:
            raise StoreError(_("不明な状態です：{status}").format(status=status))
        if status == "complete":
            self._require_complete(form, values)
        stamp = now()
        with self._tx() as db:
            sheet_id = db.table("sheets").insert(
                {
                    "uuid": sheet_uuid or str(uuidlib.uuid4()),
                    "format": form_id,
                    "status": status,
                    "created": created or stamp,
                    "updated": updated or created or stamp,
                    "revision": 0,
                    "carried_from": carried_from,
                    "carried_fields": json.dumps(carried_fields or [], ensure_ascii=False),
                    "imported_fields": json.dumps(imported_fields or [], ensure_ascii=False),
                    "import_source": import_source,
                    "import_note": import_note,
                    "format_version": form.version,
                    **self._summary(form, values),
                }
            ).last_pk
            assert isinstance(sheet_id, int)
            self._write_values(sheet_id, values)
            self._add_revision(sheet_id, values, kind, status, coalesce=False, stamp=updated or stamp)
        return int(sheet_id)

    @staticmethod
    def _summary(form: FormDef, values: Values) -> dict[str, Any]:
        org = values.get(form.organization_field)
        name = values.get(form.contribution_field)
        return {
            "fiscal_year": fiscal_year(form, values),
            "organization": org if isinstance(org, str) else "",
            "contribution": name if isinstance(name, str) else "",
        }

    def _write_values(self, sheet_id: int, values: Values) -> None:
        self.db.execute("UPDATE sheets SET digest = ? WHERE id = ?", [values_digest(values), sheet_id])
        self.db.execute("DELETE FROM sheet_values WHERE sheet_id = ?", [sheet_id])
        rows = [
            {"sheet_id": sheet_id, "field_id": k, "value": json.dumps(v, ensure_ascii=False)}
            for k, v in values.items()
        ]
        if rows:
            self.db.table("sheet_values").insert_all(rows)
        body = " ".join(_text_of(v) for v in values.values())
        self.db.table("sheet_text").upsert({"sheet_id": sheet_id, "body": body}, pk="sheet_id")

    def _add_revision(self, sheet_id: int, values: Values, kind: str, status: str, *, coalesce: bool, stamp: str) -> int:
        blob = _pack(values)
        last = next(
            iter(self.db.query(
                "SELECT id, number, created, kind FROM revisions WHERE sheet_id = ? ORDER BY number DESC LIMIT 1",
                [sheet_id],
            )),
            None,
        )
        if coalesce and last and last["kind"] == "autosave":
            age = (datetime.fromisoformat(stamp) - datetime.fromisoformat(last["created"])).total_seconds()
            if 0 <= age < AUTOSAVE_COALESCE_SECONDS:
                # A burst of typing becomes one revision, stamped with its last save.
                self.db.table("revisions").update(last["id"], {"values_json": blob, "created": stamp, "status": status})
                return int(last["number"])
        number = (last["number"] if last else 0) + 1
        self.db.table("revisions").insert(
            {"sheet_id": sheet_id, "number": number, "created": stamp, "kind": kind, "status": status, "values_json": blob}
        )
        self.db.table("sheets").update(sheet_id, {"revision": number})
        return number

    def save_values(self, sheet_id: int, values: Values, *, kind: str = "save", expected: str | None = None) -> int:
        """Replace a sheet's values; returns the revision number that now holds them.

        ``kind="autosave"`` revisions are coalesced: saves within a minute of the
        previous autosave update it instead of piling up. ``expected`` is the digest
        of the state the caller read: when the sheet has changed since (another
        process wrote it), :class:`ConflictError` is raised and nothing is written.
        """
        sheet = self._sheet_row(sheet_id)  # the old values are replaced, so not read
        form = sheet.form
        values = normalize_values(form, values)
        status = sheet.status
        if status == "complete" and validation.errors(validation.validate(form, values)):
            status = "draft"  # an edit that breaks a complete sheet reopens it
        stamp = now()
        with self._tx() as db:
            if expected is not None:
                current = self._digest_in_tx(sheet_id)
                if current != expected:
                    raise ConflictError(sheet_id, expected, current)
            self._write_values(sheet_id, values)
            db.table("sheets").update(sheet_id, {"updated": stamp, "status": status, **self._summary(form, values)})
            return self._add_revision(sheet_id, values, kind, status, coalesce=kind == "autosave", stamp=stamp)

    def _digest_in_tx(self, sheet_id: int) -> str:
        rows = list(self.db.query("SELECT digest FROM sheets WHERE id = ?", [sheet_id]))
        if not rows:
            raise NotFoundError(_("シート {id} はありません。").format(id=sheet_id))
        return str(rows[0]["digest"] or "")

    def sheet_digest(self, sheet_id: int) -> str:
        """The digest of the sheet's current values (see :func:`values.values_digest`)."""
        return self._sheet_row(sheet_id).digest

    def _require_complete(self, form: FormDef, values: Values) -> None:
        errs = validation.errors(validation.validate(form, values))
        if errs:
            raise IncompleteError(errs)

    def set_status(self, sheet_id: int, status: str) -> None:
        """Mark draft/complete; ``complete`` is refused while errors remain."""
        if status not in STATUSES:
            raise StoreError(_("不明な状態です：{status}").format(status=status))
        sheet = self.get_sheet(sheet_id)
        if status == "complete":
            still_open = [c for c in self.comments(sheet_id) if c.is_open]
            if still_open:
                raise IncompleteError([
                    validation.Finding(c.field_id or "", "error", _("未解決の指摘があります：{text}").format(
                        text=c.text[:60]), code="open_comment")
                    for c in still_open])
            if sheet.imported_fields:
                raise IncompleteError([
                    validation.Finding(fid, "error", _("取り込んだ値がまだ確認されていません（「取り込み」の印）。"),
                                       code="imported_unreviewed")
                    for fid in sheet.imported_fields])
            self._require_complete(sheet.form, sheet.values)
        with self._tx() as db:
            db.table("sheets").update(sheet_id, {"status": status, "updated": now()})
            self._add_revision(sheet_id, sheet.values, "status", status, coalesce=False, stamp=now())

    def _sheet_row(self, sheet_id: int, *, include_deleted: bool = True) -> Sheet:
        """The sheet's metadata without its values."""
        rows = self._read("SELECT * FROM sheets WHERE id = ?", [sheet_id])
        if not rows or (rows[0]["deleted"] and not include_deleted):
            raise NotFoundError(_("シート {id} はありません。").format(id=sheet_id))
        return self._sheet(rows[0])

    def get_sheet(self, sheet_id: int, *, include_deleted: bool = True) -> Sheet:
        """The sheet with its values; :class:`DamagedSheetError` if its record cannot be read."""
        sheet = self._sheet_row(sheet_id, include_deleted=include_deleted)
        rows = self._read("SELECT field_id, value FROM sheet_values WHERE sheet_id = ?", [sheet_id])
        sheet.values = self._decode_values(sheet_id, rows)
        installed = all_forms().get(sheet.format)
        if installed is not None and sheet.format_version < installed.version:
            self._upgrade(sheet)
        return sheet

    def _upgrade(self, sheet: Sheet) -> None:
        """A sheet made with an older version of its format, read under the installed one: renamed
        fields move, removed ones stay in the values and go into the note; written as an ``upgrade``
        revision (the old state stays in the history), or only in memory on a read-only database."""
        from desktop.core.upgrade import upgrade_note, upgrade_values

        form = sheet.form
        values, removed = upgrade_values(form, sheet.values, sheet.format_version)
        section = upgrade_note(form, sheet.format_version, removed)
        sheet.values = normalize_values(form, values)
        sheet.import_note = "\n\n".join(x for x in (sheet.import_note, section) if x)
        sheet.format_version = form.version
        try:
            with self._tx() as db:
                self._write_values(sheet.id, sheet.values)
                db.table("sheets").update(sheet.id, {"format_version": form.version, "import_note": sheet.import_note})
                sheet.revision = self._add_revision(sheet.id, sheet.values, "upgrade", sheet.status, coalesce=False,
                                                    stamp=now())
                sheet.digest = values_digest(sheet.values)
        except StoreError:
            pass  # read-only here: shown upgraded, written by the first writable open

    @staticmethod
    def _decode_values(sheet_id: int, rows: list[dict[str, Any]]) -> Values:
        values: Values = {}
        for r in rows:
            try:
                values[r["field_id"]] = json.loads(r["value"])
            except (TypeError, ValueError):
                raise DamagedSheetError(sheet_id, _("項目 {field} の値").format(field=r["field_id"])) from None
        return values

    def damaged_sheets(self) -> list[int]:
        """Ids of sheets whose current values or metadata cannot be read."""
        bad = set()
        for r in self._read("SELECT sheet_id, value FROM sheet_values"):
            try:
                json.loads(r["value"])
            except (TypeError, ValueError):
                bad.add(int(r["sheet_id"]))
        for r in self._read("SELECT id, carried_fields FROM sheets"):
            try:
                json.loads(r["carried_fields"] or "[]")
            except (TypeError, ValueError):
                bad.add(int(r["id"]))
        return sorted(bad)

    def last_good_revision(self, sheet_id: int) -> int | None:
        """The newest revision whose snapshot can be read."""
        for r in self._read("SELECT number, values_json FROM revisions WHERE sheet_id = ? ORDER BY number DESC",
                            [sheet_id]):
            try:
                if isinstance(_unpack(r["values_json"]), dict):
                    return int(r["number"])
            except (TypeError, ValueError):
                continue
        return None

    def repair_sheet(self, sheet_id: int) -> int:
        """Replace a damaged sheet's record with its last good revision (as a new revision)."""
        number = self.last_good_revision(sheet_id)
        if number is None:
            raise StoreError(_("シート {id} には復元できる版がありません。").format(id=sheet_id))
        values = self.revision_values(sheet_id, number)
        with self._tx() as db:
            db.execute("UPDATE sheets SET carried_fields = '[]' WHERE id = ? AND json_valid(carried_fields) = 0",
                       [sheet_id])
            return self.save_values(sheet_id, values, kind="restore")

    @staticmethod
    def _sheet(row: dict[str, Any], values: Values | None = None) -> Sheet:
        return Sheet(
            id=row["id"], uuid=row["uuid"], format=row["format"], fiscal_year=row["fiscal_year"],
            organization=row["organization"] or "", contribution=row["contribution"] or "",
            status=row["status"], created=row["created"], updated=row["updated"], deleted=row["deleted"],
            revision=row["revision"] or 0, carried_from=row.get("carried_from"),
            carried_fields=_json_list(row.get("carried_fields")), values=values or {},
            digest=row.get("digest") or "", imported_fields=_json_list(row.get("imported_fields")),
            import_source=row.get("import_source") or "", import_note=row.get("import_note") or "",
            format_version=row.get("format_version") or 1,
        )

    def find_uuid(self, sheet_uuid: str) -> int | None:
        rows = self._read("SELECT id FROM sheets WHERE uuid = ?", [sheet_uuid])
        return int(rows[0]["id"]) if rows else None

    def list_sheets(self, *, include_deleted: bool = False, year: int | None = None, deleted_only: bool = False) -> list[Sheet]:
        where, params = [], []
        if deleted_only:
            where.append("deleted IS NOT NULL")
        elif not include_deleted:
            where.append("deleted IS NULL")
        if year is not None:
            where.append("fiscal_year = ?")
            params.append(year)
        sql = "SELECT * FROM sheets" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY fiscal_year DESC, organization, contribution, id"
        return [self._sheet(r) for r in self._read(sql, params)]

    def delete_sheet(self, sheet_id: int) -> None:
        """Move to the wastebasket; :meth:`undelete_sheet` brings it back."""
        self._sheet_row(sheet_id)
        with self._tx() as db:
            db.table("sheets").update(sheet_id, {"deleted": now()})

    def undelete_sheet(self, sheet_id: int) -> None:
        self._sheet_row(sheet_id)
        with self._tx() as db:
            db.table("sheets").update(sheet_id, {"deleted": None})

    def duplicate_sheet(self, sheet_id: int) -> int:
        src = self.get_sheet(sheet_id)
        return self.create_sheet(src.format, dict(src.values), kind="duplicate")

    # -------------------------------------------------------------- history
    def history(self, sheet_id: int) -> list[Revision]:
        self._sheet_row(sheet_id)
        return [
            Revision(r["number"], r["created"], r["kind"], r["status"])
            for r in self._read(
                "SELECT number, created, kind, status FROM revisions WHERE sheet_id = ? ORDER BY number", [sheet_id]
            )
        ]

    def record_exchange(self, sheet_id: int, digest: str, kind: str) -> None:
        """Remember that the state ``digest`` was exported or imported (best effort: a read-only
        database still exports, its file just carries a shorter ancestry)."""
        try:
            with self._tx() as db:
                db.table("exchanges").insert({"sheet_id": sheet_id, "digest": digest, "kind": kind, "at": now()})
        except StoreError:
            pass

    def state_digests(self, sheet_id: int, limit: int = 200) -> list[str]:
        """Digests of the states this sheet has had here, newest first: its revisions and the
        states it was exchanged in (an autosave may have been coalesced over an exported state)."""
        rows = self._read(
            "SELECT digest, at AS stamp FROM exchanges WHERE sheet_id = ? "
            "UNION ALL SELECT values_json AS digest, created AS stamp FROM revisions WHERE sheet_id = ? "
            "ORDER BY stamp DESC", [sheet_id, sheet_id])
        out: list[str] = []
        for r in rows:
            stored = r["digest"]
            text = stored if isinstance(stored, str) else ""
            if isinstance(stored, bytes) or text.startswith("{"):  # a revision's snapshot
                try:
                    values = _unpack(stored)
                except ValueError:
                    continue
                text = values_digest(values) if isinstance(values, dict) else ""
            if text and text not in out:
                out.append(text)
            if len(out) >= limit:
                break
        return out

    def values_with_digest(self, sheet_id: int, digest: str) -> Values | None:
        """The values of the newest revision whose digest is ``digest``, if it is still kept."""
        for r in self._read("SELECT values_json FROM revisions WHERE sheet_id = ? ORDER BY number DESC", [sheet_id]):
            try:
                values = _unpack(r["values_json"])
            except ValueError:
                continue
            if isinstance(values, dict) and values_digest(values) == digest:
                return values
        return None

    def revision_values(self, sheet_id: int, number: int) -> Values:
        rows = self._read("SELECT values_json FROM revisions WHERE sheet_id = ? AND number = ?", [sheet_id, number])
        if not rows:
            raise NotFoundError(_("シート {id} に版 {n} はありません。").format(id=sheet_id, n=number))
        try:
            values = _unpack(rows[0]["values_json"])
        except (TypeError, ValueError):
            values = None
        if not isinstance(values, dict):
            raise DamagedSheetError(sheet_id, _("版 {n}").format(n=number))
        return values

    def restore_revision(self, sheet_id: int, number: int) -> int:
        """Bring back an earlier state as a new revision (history is never rewritten)."""
        values = self.revision_values(sheet_id, number)
        return self.save_values(sheet_id, values, kind="restore")

    # -------------------------------------------------------------- search
    def search(self, text: str, *, limit: int = 200) -> list[Sheet]:
        """Sheets whose text contains ``text`` (FTS5 trigram; LIKE for 1–2 characters)."""
        text = text.strip()
        if not text:
            return []
        if len(text) >= 3:  # candidates from the trigram index (no positions), then the text itself
            query = " AND ".join('"' + g.replace('"', '""') + '"' for g in _trigrams(text))
            sql = (
                "SELECT s.* FROM sheets s JOIN sheet_text t ON t.sheet_id = s.id "
                "WHERE s.id IN (SELECT rowid FROM sheet_text_fts WHERE sheet_text_fts MATCH ?) "
                + ("AND instr(lower(t.body), ?) > 0 " if text.lower() != text.upper() else "AND instr(t.body, ?) > 0 ")
                + "AND s.deleted IS NULL ORDER BY s.fiscal_year DESC, s.id LIMIT ?"
            )
            params: list[Any] = [query, text.lower(), limit]
        else:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            sql = (
                "SELECT s.* FROM sheets s JOIN sheet_text t ON t.sheet_id = s.id "
                "WHERE t.body LIKE ? ESCAPE '\\' AND s.deleted IS NULL ORDER BY s.fiscal_year DESC LIMIT ?"
            )
            params = [f"%{escaped}%", limit]
        return [self._sheet(r) for r in self._read(sql, params)]

    # -------------------------------------------------------------- carry-over
    def previous_sheet(self, sheet: Sheet) -> Sheet | None:
        """Last year's sheet for the same contribution (any format), if any."""
        if sheet.fiscal_year is None or not sheet.contribution:
            return None
        rows = self._read(
            "SELECT * FROM sheets WHERE contribution = ? AND fiscal_year < ? AND deleted IS NULL AND id != ? "
            "ORDER BY fiscal_year DESC, updated DESC LIMIT 1",
            [sheet.contribution, sheet.fiscal_year, sheet.id],
        )
        return self.get_sheet(rows[0]["id"]) if rows else None

    def same_contribution(self, fiscal_year: int | None, contribution: str | None, *,
                          exclude: int | None = None) -> list[Sheet]:
        """Sheets (not in the wastebasket) of the same contribution: the same fiscal year and the
        same name as :func:`desktop.core.identity.contribution_key` compares them."""
        from desktop.core.identity import contribution_key

        key = contribution_key(fiscal_year, contribution)
        if key is None or fiscal_year is None:
            return []
        rows = self._read("SELECT * FROM sheets WHERE fiscal_year = ? AND deleted IS NULL ORDER BY id", [fiscal_year])
        return [self._sheet(r) for r in rows
                if r["id"] != exclude and contribution_key(r["fiscal_year"], r["contribution"]) == key]

    def next_year_target(self, src_id: int) -> tuple[int | None, str]:
        """The (fiscal year, contribution name) :meth:`create_from_previous` would create from ``src_id``."""
        src = self._sheet_row(src_id)
        return (src.fiscal_year + 1 if src.fiscal_year is not None else None), src.contribution

    def carry_plan(self, src_id: int, to_form: str | None = None) -> Any:
        """What :meth:`create_from_previous` would do (a :class:`~desktop.core.carry.CarryPlan`)."""
        from desktop.core.carry import plan_carry

        src = self.get_sheet(src_id)
        return plan_carry(src.form, src.values, get_form(to_form) if to_form else None)

    def create_from_previous(self, src_id: int, to_form: str | None = None) -> int:
        """Next year's sheet for the same contribution, seeded from ``src_id`` (in ``to_form`` when
        given); content with no place in the new format is kept as the sheet's note."""
        plan = self.carry_plan(src_id, to_form)
        note = plan.note()
        return self.create_sheet(
            plan.dst_form.id, plan.values, kind="carry_over", carried_from=src_id, carried_fields=plan.carried,
            import_source=_("シート {id}（{form}）").format(id=src_id, form=plan.src_form.name) if note else "",
            import_note=note,
        )

    def clear_carried_mark(self, sheet_id: int, field_id: str) -> None:
        """The officer reviewed or edited a carried value: it is no longer 前年度から."""
        sheet = self._sheet_row(sheet_id)
        if field_id in sheet.carried_fields:
            fields = [f for f in sheet.carried_fields if f != field_id]
            with self._tx() as db:
                db.table("sheets").update(sheet_id, {"carried_fields": json.dumps(fields, ensure_ascii=False)})

    def create_from_import(self, result: Any, *, source: str = "") -> int:
        """A new draft from ``hyoka import-sheet`` (a :class:`~desktop.core.sheet_import.ImportResult`):
        every value read is marked 「取り込み」; text that found no field is kept as the sheet's note."""
        note = result.note()
        if result.findings:
            note = "\n".join([*result.findings, "", note]).strip()
        return self.create_sheet(result.form.id, result.values, kind="import_sheet",
                                 imported_fields=list(result.imported_fields), import_source=source, import_note=note)

    def clear_imported_mark(self, sheet_id: int, field_id: str) -> None:
        """The officer reviewed or edited an imported value: it is no longer 「取り込み」."""
        sheet = self._sheet_row(sheet_id)
        if field_id in sheet.imported_fields:
            fields = [f for f in sheet.imported_fields if f != field_id]
            with self._tx() as db:
                db.table("sheets").update(sheet_id, {"imported_fields": json.dumps(fields, ensure_ascii=False)})

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM sheets LIMIT 1")

    # -------------------------------------------------------------- settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting of this database (JSON value), or ``default``."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", [key])
        if not rows:
            return default
        try:
            return json.loads(rows[0]["value"])
        except (TypeError, ValueError):
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """Set (or with ``None`` remove) a setting."""
        with self._tx() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", [key])
            else:
                db.table("settings").upsert({"key": key, "value": json.dumps(value, ensure_ascii=False)}, pk="key")

    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in self._read("SELECT key, value FROM settings ORDER BY key"):
            try:
                out[r["key"]] = json.loads(r["value"])
            except (TypeError, ValueError):
                continue
        return out

    @property
    def author(self) -> str:
        """The name review comments written here are signed with (``hyoka config author NAME``)."""
        value = self.get_setting("author", "")
        return value if isinstance(value, str) else ""

    def org_aliases(self) -> dict[str, str]:
        """``{alias: organisation name}`` declared by the office."""
        value = self.get_setting("org_aliases", {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    # -------------------------------------------------------------- review comments
    @staticmethod
    def _comment(row: dict[str, Any]) -> Comment:
        return Comment(id=row["id"], sheet_id=int(row["sheet_id"]), field_id=row["field_id"] or "",
                       author=row["author"] or "", created=row["created"], text=row["text"],
                       status=row["status"], resolved=row["resolved"] or "", resolved_by=row["resolved_by"] or "",
                       updated=row["updated"] or row["created"])

    def comments(self, sheet_id: int) -> list[Comment]:
        """Every comment of the sheet, resolved ones included, oldest first."""
        return [self._comment(r) for r in self._read(
            "SELECT * FROM comments WHERE sheet_id = ? ORDER BY created, rowid", [sheet_id])]

    def all_comments(self, sheet_ids: list[int] | None = None) -> dict[int, list[Comment]]:
        """Comments per sheet (every sheet, or those given)."""
        out: dict[int, list[Comment]] = {}
        for r in self._read("SELECT * FROM comments ORDER BY created, rowid"):
            c = self._comment(r)
            if sheet_ids is None or c.sheet_id in sheet_ids:
                out.setdefault(c.sheet_id, []).append(c)
        return out

    def open_comment_counts(self) -> dict[int, int]:
        return {int(r["sheet_id"]): int(r["n"]) for r in self._read(
            "SELECT sheet_id, COUNT(*) AS n FROM comments WHERE status = 'open' GROUP BY sheet_id")}

    def add_comment(self, sheet_id: int, text: str, *, field_id: str = "", author: str | None = None) -> Comment:
        """Attach a comment to a field (or to the whole sheet with ``field_id=""``)."""
        sheet = self._sheet_row(sheet_id)
        if field_id and field_id not in sheet.form.by_id:
            raise StoreError(_("様式 {form} に項目 {field} はありません。").format(form=sheet.format, field=field_id))
        text = text.strip()
        if not text:
            raise StoreError(_("指摘の本文が空です。"))
        stamp = now()
        comment = Comment(id=str(uuidlib.uuid4()), sheet_id=sheet_id, field_id=field_id,
                          author=self.author if author is None else author, created=stamp, text=text,
                          updated=stamp)
        with self._tx() as db:
            db.table("comments").insert(self._comment_row(comment))
        return comment

    @staticmethod
    def _comment_row(c: Comment) -> dict[str, Any]:
        return {"id": c.id, "sheet_id": c.sheet_id, "field_id": c.field_id, "author": c.author, "created": c.created,
                "text": c.text, "status": c.status, "resolved": c.resolved, "resolved_by": c.resolved_by,
                "updated": c.updated or c.created}

    def get_comment(self, comment_id: str) -> Comment:
        rows = self._read("SELECT * FROM comments WHERE id = ?", [comment_id])
        if not rows:
            raise NotFoundError(_("指摘 {id} はありません。").format(id=comment_id))
        return self._comment(rows[0])

    def resolve_comment(self, comment_id: str, *, resolved: bool = True, by: str | None = None) -> Comment:
        """Mark a comment resolved (it stays in the sheet's history) or open again."""
        c = self.get_comment(comment_id)
        stamp = now()
        c.status = "resolved" if resolved else "open"
        c.resolved = stamp if resolved else ""
        c.resolved_by = (self.author if by is None else by) if resolved else ""
        c.updated = stamp
        with self._tx() as db:
            db.table("comments").update(comment_id, self._comment_row(c))
        return c

    def merge_comments(self, sheet_id: int, incoming: list[Comment]) -> int:
        """Merge comments by id (used by import): a new id is added, a known one takes the side
        changed last (``updated``; on a tie a resolution wins, else the local one stays). Returns how many changed here.
        Runs inside the caller's transaction when there is one."""
        changed = 0
        with self._tx() as db:
            for c in incoming:
                rows = list(db.query("SELECT * FROM comments WHERE id = ?", [c.id]))
                if rows and int(rows[0]["sheet_id"]) != sheet_id:  # a copy (import --as-new): its own ids
                    c.id = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"hyoka:{sheet_id}:{c.id}"))
                    rows = list(db.query("SELECT * FROM comments WHERE id = ?", [c.id]))
                c.sheet_id = sheet_id
                if not rows:
                    db.table("comments").insert(self._comment_row(c))
                    changed += 1
                    continue
                local = self._comment(rows[0])
                theirs, ours = c.updated or c.created, local.updated or local.created
                newer = theirs > ours or (theirs == ours and c.status == "resolved" and local.status == "open")
                if newer and self._comment_row(c) != self._comment_row(local):
                    db.table("comments").update(c.id, self._comment_row(c))
                    changed += 1
        return changed
