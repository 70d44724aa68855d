"""The local SQLite file that keeps every sheet (plain SQL; sqlite-utils runs the migrations).

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
import re
import sqlite3
import time
import uuid as uuidlib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core import validation
from desktop.core.definition import FormDef, get_form, installed_form
from desktop.core.i18n import _
from desktop.core.records import COMMENT_STATUSES as COMMENT_STATUSES  # re-exported: callers import them from here
from desktop.core.records import STATUSES as STATUSES
from desktop.core.records import Comment as Comment
from desktop.core.records import ConflictError as ConflictError
from desktop.core.records import StoreError as StoreError
from desktop.core.values import Values, canonical_json, digest_of, fiscal_year, normalize_values, values_digest

if TYPE_CHECKING:  # sqlite-utils (with click, dateutil, pluggy: ~50 ms) loads only to migrate
    from concurrent.futures import ThreadPoolExecutor  # loaded at the first large snapshot

    import sqlite_utils
    from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x48594B41  # "HYKA": marks a hyoka database file
AUTOSAVE_COALESCE_SECONDS = 60.0
_SQLITE_MAGIC = b"SQLite format 3\x00"

_STEPS: list[Callable[[sqlite_utils.Database], None]] = []  # the schema's migrations, in order
MIGRATION_SET = "hyoka"


def _migration(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    _STEPS.append(fn)
    return fn


@cache
def migration_set() -> Migrations:
    """The migrations as sqlite-utils runs them (imported only when a file must change shape)."""
    from sqlite_utils.migrations import Migrations

    m = Migrations(MIGRATION_SET)
    for fn in _STEPS:
        m()(fn)
    return m


def __getattr__(name: str) -> Any:
    if name == "migrations":  # ``store.migrations``, as tests and tools use it
        return migration_set()
    raise AttributeError(name)


def _pending(conn: sqlite3.Connection) -> bool:
    """Does the file miss one of the migrations? Read from sqlite-utils' own record, in plain SQL."""
    try:
        done = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                          [MIGRATION_SET])}
    except sqlite3.OperationalError:  # no record yet: a new file (or one from before migrations)
        return True
    return any(fn.__name__ not in done for fn in _STEPS)


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
@_migration
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


@_migration
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


@_migration
def m003_carry_over(db: sqlite_utils.Database) -> None:
    """New-from-last-year: remember the source sheet and which fields were copied."""
    db.table("sheets").add_column("carried_from", int)
    db.table("sheets").add_column("carried_fields", str)


@_migration
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


@_migration
def m005_imported_sheets(db: sqlite_utils.Database) -> None:
    """Sheets made by import-sheet: which fields were read from the source (unreviewed until looked at),
    the source's file name, and the source's text that found no field (shown beside the form)."""
    db.table("sheets").add_column("imported_fields", str)
    db.table("sheets").add_column("import_source", str)
    db.table("sheets").add_column("import_note", str)


@_migration
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


@_migration
def m007_exchanges(db: sqlite_utils.Database) -> None:
    """Every state of a sheet that left or entered this database through a file (export/import):
    the ancestry an exported file carries, so that a receiver that has not changed its copy since
    any of those states can take the file as a fast-forward."""
    db.table("exchanges").create(
        {"id": int, "sheet_id": int, "digest": str, "kind": str, "at": str},
        pk="id", not_null={"sheet_id", "digest", "kind", "at"}, foreign_keys=[("sheet_id", "sheets", "id")],
    )
    db.table("exchanges").create_index(["sheet_id"])


@_migration
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


@_migration
def m009_format_version(db: sqlite_utils.Database) -> None:
    """Issue 14: the version of the format a sheet was made with (every format was version 1 until
    then), so a newer version of the format reads it through its declared renames."""
    db.table("sheets").add_column("format_version", int, not_null_default=1)


@_migration
def m010_lean_index(db: sqlite_utils.Database) -> None:
    """Issue 11's scale: the text is kept once. The search text was a second copy of every sheet's
    text (``sheet_text``, 32 KB a sheet); the trigram index is now contentless, written by the
    store once per transaction (:meth:`Store._sync_index`; the old triggers' savepoints flushed the
    index for every sheet of a batch import) from the values themselves, which search reads too."""
    for name in ("sheet_text_ai", "sheet_text_ad", "sheet_text_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP TABLE IF EXISTS sheet_text_fts")
    db.execute("DROP TABLE IF EXISTS sheet_text")
    db.execute("CREATE VIRTUAL TABLE sheet_text_fts USING FTS5 (body, tokenize='trigram', content='', detail='none')")
    # the sheet list's order, so listing 2,000 sheets reads them in order instead of sorting them
    db.execute("CREATE INDEX IF NOT EXISTS idx_sheets_list ON sheets (fiscal_year DESC, organization, contribution, id)")
    conn = db.conn
    # Values are written as JSON with non-ASCII kept (search's LIKE looks for the characters
    # themselves); one written with \\u escapes by something else is rewritten: the same JSON value.
    for rowid, raw in conn.execute("SELECT rowid, value FROM sheet_values WHERE instr(value, '\\u') > 0").fetchall():
        try:
            same = json.dumps(json.loads(raw), ensure_ascii=False)
        except (TypeError, ValueError):
            continue  # damaged: left as it is for check/repair
        conn.execute("UPDATE sheet_values SET value = ? WHERE rowid = ?", [same, rowid])
    for (sheet_id,) in conn.execute("SELECT id FROM sheets").fetchall():
        body = _indexed_text(conn, sheet_id)
        if body:
            conn.execute("INSERT INTO sheet_text_fts (rowid, body) VALUES (?, ?)", [sheet_id, body])


@_migration
def m011_case_sensitive_index(db: sqlite_utils.Database) -> None:
    """Issue 11's import speed: the trigram index compares case as written (``case_sensitive 1``)
    and is given each text with its ASCII letters lower-cased (:func:`_index_fold`), the only
    folding search does. The tokenizer's own folding looked up every character's case (a
    Japanese text has none): a quarter of the index's writing time."""
    conn = db.conn
    conn.execute("DROP TABLE IF EXISTS sheet_text_fts")
    conn.execute(f"CREATE VIRTUAL TABLE sheet_text_fts USING FTS5 (body, tokenize={_INDEX_TOKENIZER!r}, content='', "
                 "detail='none')")
    for (sheet_id,) in conn.execute("SELECT id FROM sheets").fetchall():
        body = _indexed_text(conn, sheet_id)
        if body:
            conn.execute("INSERT INTO sheet_text_fts (rowid, body) VALUES (?, ?)", [sheet_id, _index_fold(body)])


@_migration
def m012_index_hashsize(db: sqlite_utils.Database) -> None:
    """Issue 11's import speed: the trigram index gathers up to :data:`_INDEX_HASHSIZE` bytes of new
    entries in memory before it writes them out as a segment (FTS5's ``hashsize``, 1 MiB by default,
    kept in the index's own config). Importing into a database that already holds sheets wrote a
    segment every few sheets, each merged with the index's big segments again: 300 sheets into an
    index of 1,000 took 1.40 ms a sheet to index, 0.87 with one segment for the batch."""
    db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts, rank) VALUES ('hashsize', ?)", [_INDEX_HASHSIZE])


_INDEX_TOKENIZER = "trigram case_sensitive 1"
_INDEX_HASHSIZE = 16 * 2**20  # memory the index's new entries may take within one write transaction


def _index_fold(text: str) -> str:
    """``text`` as the index (m011) holds it and is asked: ASCII letters lower-cased, every other
    character as written, one for one, as search compares (:func:`_contains`)."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _index_bytes(text: str) -> bytes:
    """:func:`_index_fold` of ``text`` as its UTF-8 bytes, which the index is given as they are (it
    reads a blob as UTF-8 text): a sheet's 12,000 characters are not decoded back into a str for
    sqlite3 to encode again (measured alone, a quarter of the time of writing the index)."""
    return text.encode("utf-8", "surrogatepass").lower()


def _indexed_text(conn: sqlite3.Connection, sheet_id: int) -> str:
    """A sheet's text as the index holds it: every text value, in the order written, a space between
    (a damaged value counts as no text), and two spaces after, so that every character starts a
    trigram and 1–2 characters are found through the index's terms; '' when there is no text."""
    parts = []
    for (raw,) in conn.execute("SELECT value FROM sheet_values WHERE sheet_id = ? ORDER BY rowid", [sheet_id]):
        try:
            parts.append(_text_of(json.loads(raw)))
        except (TypeError, ValueError):
            parts.append("")
    return _index_body(parts)


def _index_body(parts: list[str]) -> str:
    body = " ".join(parts)
    return body + "  " if body.strip() else ""


_PACK_UTF16 = b"\x02"  # marks a snapshot compressed as UTF-16 (m010); older ones are zlib'd UTF-8 (0x78…) or text


# One value as ``sheet_values`` holds it: ``json.dumps(value, ensure_ascii=False)`` (which builds
# this very encoder for every call: a third of the time of writing a sheet's 65 values)
_value_json = json.JSONEncoder(ensure_ascii=False).encode
_SAME_IN_BOTH = (str, int, bool, float, type(None))  # types whose JSON is the same compact or not


def _encoded(values: Values) -> tuple[list[str], str]:
    """Each value as ``sheet_values`` holds it, and :func:`values.canonical_json` of them all, built
    from those same pieces where they are the same text (every string, number, true/false/null):
    a sheet's long texts are escaped once, not twice."""
    pieces = [_value_json(v) for v in values.values()]
    if not all(type(k) is str for k in values):
        return pieces, canonical_json(values)
    by_key = dict(zip(values, pieces, strict=True))
    parts = [f"{_value_json(k)}:{by_key[k] if type(v) in _SAME_IN_BOTH else canonical_json(v)}"
             for k, v in sorted(values.items())]
    return pieces, "{" + ",".join(parts) + "}"


# zlib level of a snapshot: a sheet's first revision (import writes hundreds in one go) at level 2,
# a third faster for 2 % more of a first revision's ample room (still smaller than UTF-8 at level 6);
# later revisions, the ones that pile up, at level 3
_LEVEL_FIRST, _LEVEL_MORE = 2, 3


def _pack(values: Values, level: int = _LEVEL_MORE) -> bytes:
    """A revision snapshot: compact JSON, zlib-compressed as UTF-16 (Japanese text is two bytes a
    character there instead of three: a smaller snapshot in about half the time of UTF-8 at level 6);
    :func:`_pack_soon` makes the same bytes from JSON already built."""
    return _PACK_UTF16 + zlib.compress(canonical_json(values).encode("utf-16-le", "surrogatepass"), level)


# Snapshots from this many bytes of UTF-16 on are compressed on the compressor thread; a smaller
# one (a sheet with little text) is compressed at once: handing it over would cost more.
_BACKGROUND_MIN = 16384


@cache
def _compressor() -> ThreadPoolExecutor:
    """One thread that compresses snapshots. zlib lets go of the GIL while it compresses, so a
    snapshot is compressed while this thread writes the sheet's values (SQLite lets go of it too)."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="hyoka-pack")


def _pack_soon(canonical: str, level: int) -> Callable[[], bytes]:
    """:func:`_pack` of the values whose canonical JSON this is, started now and taken by calling
    what this returns (compressed on the compressor thread meanwhile, when the snapshot is large)."""
    data = canonical.encode("utf-16-le", "surrogatepass")
    if len(data) >= _BACKGROUND_MIN:
        try:
            future = _compressor().submit(zlib.compress, data, level)
        except RuntimeError:  # the interpreter is shutting down (a save at exit): no new work on threads
            pass
        else:
            return lambda: _PACK_UTF16 + future.result()
    blob = _PACK_UTF16 + zlib.compress(data, level)
    return lambda: blob


def _unpack(stored: Any) -> Any:
    """A snapshot as stored (compressed bytes, or JSON text from before m008) → its JSON value;
    ValueError when it cannot be read."""
    if isinstance(stored, bytes):
        try:
            if stored[:1] == _PACK_UTF16:
                stored = zlib.decompress(stored[1:]).decode("utf-16-le", "surrogatepass")
            else:
                stored = zlib.decompress(stored).decode("utf-8")
        except (zlib.error, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from None
    if not isinstance(stored, str):
        raise ValueError("no snapshot")
    return json.loads(stored)


# Pages of index merging each write transaction does: updating a sheet leaves its old entries
# behind as deletions until segments merge; a little merging each time keeps the index lean.
_MERGE_PAGES = 64
_SEARCH_CHUNK = 50  # sheets whose text search reads at a time
_SHORT_TERMS_MAX = 2000  # trigrams starting with a 1–2 character search, beyond which every sheet is read
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # characters json.dumps(ensure_ascii=False) escapes
_IN_ESCAPES = re.compile(r"[bfnrtu0-9a-fA-F]")  # characters an escape sequence has after its backslash


_ROWS_PER_INSERT = 300  # rows of sheet_values one INSERT writes: 900 parameters, under SQLite's oldest limit (999)


@cache
def _insert_values_sql(rows: int) -> str:
    return "INSERT INTO sheet_values (sheet_id, field_id, value) VALUES " + ", ".join(["(?, ?, ?)"] * rows)


def _contains(text: str, needle: bytes, fold: bool) -> bool:
    """``needle`` in ``text`` as UTF-8, ASCII letters lower-cased first when ``fold`` (SQL lower()/LIKE)."""
    raw = text.encode("utf-8", "surrogatepass")
    return needle in (raw.lower() if fold else raw)


def _trigrams(text: str) -> list[str]:
    """The trigrams a detail=none index is asked for: enough to cover ``text`` (every third one and the last)."""
    grams = [text[i:i + 3] for i in range(0, len(text) - 2)]
    chosen = grams[::3]
    if grams and grams[-1] not in chosen:
        chosen.append(grams[-1])
    return list(dict.fromkeys(chosen))


def _json_list(text: str | None) -> list[str]:
    if not text or text == "[]":  # nearly every sheet: the list of 2,000 sheets parses none
        return []
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


@dataclass(frozen=True)
class Revision:
    number: int
    created: str
    kind: str
    status: str


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Write-ahead logging, switched on by the first process to open a new file.

    Two processes opening the same new file at once both find it in rollback mode and both ask
    for WAL, which takes each from a shared to an exclusive lock: SQLite answers one of them
    "database is locked" at once, without waiting (the busy timeout would deadlock), and the
    second of two simultaneous ``hyoka import`` failed with 「使用中」. The switch is asked again
    until the other process has made it (within the busy timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=wal")
            return
        except sqlite3.OperationalError as exc:
            msg = str(exc).lower()
            if "readonly" in msg:
                return  # a read-only file keeps its mode
            if ("locked" not in msg and "busy" not in msg) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


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


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor]


@contextmanager
def _savepoint(conn: sqlite3.Connection, depth: int) -> Iterator[None]:
    """A nested transaction: undone alone when its block raises. Named by its depth (unique among
    the open ones), so its few statements are prepared once, not once per savepoint (a batch import
    opens three per sheet)."""
    name = f"hyoka_{depth}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # a failure may have ended the whole transaction already
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
        raise
    conn.execute(f"RELEASE SAVEPOINT {name}")


class _Writer:
    """What a write transaction's body uses: plain SQL on the store's connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return _dicts(self.conn.execute(sql, params))

    def update(self, table: str, key: Any, row: dict[str, Any]) -> None:
        sets = ", ".join(f"{col} = ?" for col in row)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), key])  # sheets, comments

    def insert(self, table: str, row: dict[str, Any]) -> None:
        self.conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          list(row.values()))


class Store:
    """Sheets in one SQLite file. Not thread-safe: one Store per thread."""

    def __init__(self, path: Path | str, *, timeout: float = 3.0):
        self.path = Path(path).expanduser()
        self._wrote = False
        # sheet id → its text as the index holds it, for every sheet this write transaction wrote;
        # the index follows at commit (see _sync_index)
        self._indexed: dict[int, str] = {}
        # sheets this transaction created with one write: (digest, text), so the index need not
        # read back what was just written (an id written again, or reused after a rolled-back
        # savepoint, is read back)
        self._created: dict[int, tuple[str, str]] = {}
        self._depth = 0  # savepoints open inside the current transaction
        self._db: sqlite_utils.Database | None = None
        self._check_file()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=timeout)
            self.conn = conn
            self._timeout = timeout
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

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as a sqlite-utils ``Database`` (for migrations and tools; the store's own
        reads and writes are plain SQL, so opening a file never loads sqlite-utils)."""
        import sqlite_utils

        if self._db is None:
            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)  # no entry-point scan
        return self._db

    def _setup(self) -> None:
        conn = self.conn
        # Tables first, then the id: another process creating the file commits both at once, so a
        # file whose tables are visible already shows its id (the other order could see the new
        # tables with the id read before that commit, and refuse a hyoka file).
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID and tables - {"sqlite_sequence"}:
            raise StoreError(_("{path} は hyoka のデータベースではありません（別のアプリケーションのファイルです）。").format(path=self.path))
        conn.execute("PRAGMA foreign_keys = ON")
        _use_wal(conn, self._timeout)
        conn.execute("PRAGMA synchronous = FULL")
        if _pending(conn):
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
                if _pending(conn):
                    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    migration_set().apply(self.db)
                conn.commit()
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
        # the index's terms (trigrams), for 1–2 character searches; per connection, nothing stored
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.sheet_text_terms USING fts5vocab(main, sheet_text_fts, 'row')")
        # The full quick_check reads every page (300 ms for 5,000 sheets): it is not on the way to the
        # first window any more; the app runs check_integrity() once it is shown, ``hyoka check`` too.

    def check_integrity(self) -> None:
        """``PRAGMA quick_check``; StoreError when the file is damaged."""
        try:
            integrity = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        if integrity != "ok":
            raise StoreError(_("{path} が壊れています（{detail}）。バックアップから戻してください。").format(path=self.path, detail=integrity))

    def close(self) -> None:
        self.checkpoint()
        self.conn.close()

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
    def _tx(self) -> Iterator[_Writer]:
        """A write transaction. The outermost one starts with ``BEGIN IMMEDIATE`` so a
        second writer waits its busy timeout for the lock instead of failing at once
        when its read transaction cannot be upgraded (sqlite-utils' plain ``BEGIN``)."""
        conn = self.conn
        try:
            if conn.in_transaction:
                self._depth += 1
                try:
                    with _savepoint(conn, self._depth):
                        yield _Writer(conn)
                finally:
                    self._depth -= 1
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Writer(conn)
                self._sync_index()
            except BaseException:
                self._indexed.clear()
                self._created.clear()
                if conn.in_transaction:
                    conn.rollback()
                raise
            conn.commit()
            self._wrote = True
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def _sync_index(self) -> None:
        """Bring the trigram index up to the text of the sheets this transaction wrote: once, at
        the end of the outermost transaction, outside every savepoint (FTS5 writes its pending
        index at each savepoint). The values themselves say what survived a rolled-back savepoint."""
        conn = self.conn
        gone: list[tuple[int, str]] = []
        added: list[tuple[int, str]] = []
        for sheet_id, old in self._indexed.items():
            created = self._created.get(sheet_id)
            if created is not None and self._digest_now(sheet_id) == created[0]:
                new = created[1]
            else:
                new = _indexed_text(conn, sheet_id)
            if new == old:
                continue
            if old:
                gone.append((sheet_id, old))
            if new:
                added.append((sheet_id, new))
        # one statement each for the whole transaction (a sheet's old text leaves before its new one comes)
        conn.executemany("INSERT INTO sheet_text_fts (sheet_text_fts, rowid, body) VALUES ('delete', ?, ?)",
                         [(i, _index_bytes(t)) for i, t in gone])
        conn.executemany("INSERT INTO sheet_text_fts (rowid, body) VALUES (?, ?)", [(i, _index_bytes(t)) for i, t in added])
        if self._indexed:
            conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts, rank) VALUES ('merge', ?)", [_MERGE_PAGES])
        self._indexed.clear()
        self._created.clear()

    def _digest_now(self, sheet_id: int) -> str | None:
        row = self.conn.execute("SELECT digest FROM sheets WHERE id = ?", [sheet_id]).fetchone()
        return row[0] if row else None

    def data_version(self) -> int:
        """Changes when *another* connection commits (``PRAGMA data_version``)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def checkpoint(self) -> None:
        """Move every committed write from the ``-wal`` file into the main file, so a
        copy of ``hyoka.sqlite3`` alone (a USB stick, a backup tool) holds it all."""
        if not self._wrote:
            return
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._wrote = False
        except sqlite3.Error:
            pass  # a reader holds the WAL: the next checkpoint (or close) finishes the job

    def _read(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        try:
            return _dicts(self.conn.execute(sql, params))
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
        findings: list[validation.Finding] | None = None,
        normalized: bool = False,
    ) -> int:
        """A new sheet with its first revision. ``findings``: what :func:`validation.validate` said
        about these very values (their errors at least), when the caller has already asked (import),
        so it is not run twice; ``normalized``: the values are what :func:`normalize_values` made of
        them for this format already (an interchange document's), so they are not normalized again."""
        form = get_form(form_id)
        values = (values or {}) if normalized else normalize_values(form, values or {})
        if status not in STATUSES:
            raise StoreError(_("不明な状態です：{status}").format(status=status))
        if status == "complete":
            self._require_complete(form, values, findings)
        stamp = now()
        pieces, canonical = _encoded(values)
        packed = _pack_soon(canonical, _LEVEL_FIRST)  # compressed while the values are written
        digest = digest_of(canonical)
        row: dict[str, Any] = {
            "uuid": sheet_uuid or str(uuidlib.uuid4()),
            "format": form_id,
            "status": status,
            "created": created or stamp,
            "updated": updated or created or stamp,
            "revision": 1,  # the one written below
            "digest": digest,
            "carried_from": carried_from,
            "carried_fields": _value_json(carried_fields or []),
            "imported_fields": _value_json(imported_fields or []),
            "import_source": import_source,
            "import_note": import_note,
            "format_version": form.version,
            **self._summary(form, values),
        }
        with self._tx() as db:
            cur = db.conn.execute(f"INSERT INTO sheets ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                  list(row.values()))
            sheet_id = cur.lastrowid
            assert isinstance(sheet_id, int)
            self._write_values(sheet_id, values, new=True, encoded=(pieces, canonical), digest=digest)
            self._add_revision(sheet_id, values, kind, status, coalesce=False, stamp=updated or stamp,
                               packed=packed, new=True)
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

    def _write_values(self, sheet_id: int, values: Values, *, new: bool = False,
                      encoded: tuple[list[str], str] | None = None, digest: str | None = None) -> str:
        """The sheet's current values and digest (plain statements: the import hot path); returns the
        canonical JSON, which the revision snapshot reuses. ``new``: a sheet just created, no old rows;
        ``encoded``: :func:`_encoded` of ``values``; ``digest``: its row was inserted with the digest
        of that canonical JSON already."""
        conn = self.conn
        pieces, canonical = _encoded(values) if encoded is None else encoded
        if digest is None:
            digest = digest_of(canonical)
            conn.execute("UPDATE sheets SET digest = ? WHERE id = ?", [digest, sheet_id])
        if new and sheet_id not in self._indexed:  # the sheet's one write so far: its text, unless undone
            self._created[sheet_id] = (digest, _index_body([_text_of(v) for v in values.values()]))
        else:
            self._created.pop(sheet_id, None)
        if sheet_id not in self._indexed:  # the text the index holds: the one before this transaction
            self._indexed[sheet_id] = "" if new else _indexed_text(conn, sheet_id)
        if not new:
            conn.execute("DELETE FROM sheet_values WHERE sheet_id = ?", [sheet_id])
        rows = [(sheet_id, k, piece) for k, piece in zip(values, pieces, strict=True)]
        for start in range(0, len(rows), _ROWS_PER_INSERT):  # one statement a sheet (a quarter faster)
            chunk = rows[start:start + _ROWS_PER_INSERT]
            conn.execute(_insert_values_sql(len(chunk)), [x for row in chunk for x in row])
        return canonical

    def _add_revision(self, sheet_id: int, values: Values, kind: str, status: str, *, coalesce: bool, stamp: str,
                      packed: Callable[[], bytes] | None = None, new: bool = False) -> int:
        """A revision holding ``values`` (``packed``: their snapshot, from :func:`_pack_soon`)."""
        blob = _pack(values, _LEVEL_FIRST if new else _LEVEL_MORE) if packed is None else packed()
        conn = self.conn
        last = None if new else conn.execute(
            "SELECT id, number, created, kind FROM revisions WHERE sheet_id = ? ORDER BY number DESC LIMIT 1",
            [sheet_id]).fetchone()
        if coalesce and last and last[3] == "autosave":
            age = (datetime.fromisoformat(stamp) - datetime.fromisoformat(last[2])).total_seconds()
            if 0 <= age < AUTOSAVE_COALESCE_SECONDS:
                # A burst of typing becomes one revision, stamped with its last save.
                conn.execute("UPDATE revisions SET values_json = ?, created = ?, status = ? WHERE id = ?",
                             [blob, stamp, status, last[0]])
                return int(last[1])
        number = (last[1] if last else 0) + 1
        conn.execute("INSERT INTO revisions (sheet_id, number, created, kind, status, values_json) "
                     "VALUES (?, ?, ?, ?, ?, ?)", [sheet_id, number, stamp, kind, status, blob])
        if not new:  # a new sheet's row says revision 1 already
            conn.execute("UPDATE sheets SET revision = ? WHERE id = ?", [number, sheet_id])
        return int(number)

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
        if status == "complete" and validation.validate(form, values, warnings=False):
            status = "draft"  # an edit that breaks a complete sheet reopens it
        stamp = now()
        encoded = _encoded(values)
        packed = _pack_soon(encoded[1], _LEVEL_MORE)  # compressed while the values are written
        with self._tx() as db:
            if expected is not None:
                current = self._digest_in_tx(sheet_id)
                if current != expected:
                    raise ConflictError(sheet_id, expected, current)
            self._write_values(sheet_id, values, encoded=encoded)
            db.update("sheets", sheet_id, {"updated": stamp, "status": status, **self._summary(form, values)})
            return self._add_revision(sheet_id, values, kind, status, coalesce=kind == "autosave", stamp=stamp,
                                      packed=packed)

    def _digest_in_tx(self, sheet_id: int) -> str:
        rows = _dicts(self.conn.execute("SELECT digest FROM sheets WHERE id = ?", [sheet_id]))
        if not rows:
            raise NotFoundError(_("シート {id} はありません。").format(id=sheet_id))
        return str(rows[0]["digest"] or "")

    def sheet_digest(self, sheet_id: int) -> str:
        """The digest of the sheet's current values (see :func:`values.values_digest`)."""
        rows = self._read("SELECT digest FROM sheets WHERE id = ?", [sheet_id])  # import asks for every sheet
        if not rows:
            raise NotFoundError(_("シート {id} はありません。").format(id=sheet_id))
        return str(rows[0]["digest"] or "")

    def _require_complete(self, form: FormDef, values: Values,
                          findings: list[validation.Finding] | None = None) -> None:
        errs = validation.errors(validation.validate(form, values, warnings=False) if findings is None else findings)
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
            db.update("sheets", sheet_id, {"status": status, "updated": now()})
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
        installed = installed_form(sheet.format)
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
                db.update("sheets", sheet.id, {"format_version": form.version, "import_note": sheet.import_note})
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
            db.update("sheets", sheet_id, {"deleted": now()})

    def undelete_sheet(self, sheet_id: int) -> None:
        self._sheet_row(sheet_id)
        with self._tx() as db:
            db.update("sheets", sheet_id, {"deleted": None})

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
                db.conn.execute("INSERT INTO exchanges (sheet_id, digest, kind, at) VALUES (?, ?, ?, ?)",
                                [sheet_id, digest, kind, now()])
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
        """Sheets whose text (their text values, a space between) contains ``text``, newest fiscal
        year first. Candidates come from the trigram index (no positions): for 3+ characters the
        sheets holding its trigrams, for 1–2 those holding a trigram that starts with it. Each
        candidate's values are then checked, in list order until ``limit`` sheets. ASCII letters
        compare without case, as SQL ``LIKE`` does; any other letter (「ＩＯＭ」) as written."""
        text = text.strip()
        if not text:
            return []
        sql = "SELECT id FROM sheets WHERE deleted IS NULL"
        params: list[Any] = []
        if len(text) >= 3:
            query = " AND ".join('"' + g.replace('"', '""') + '"' for g in _trigrams(_index_fold(text)))
            # the sheets this transaction wrote are not in the index yet (see _sync_index)
            pending = ", ".join(str(int(i)) for i in self._indexed)
            sql += " AND (id IN (SELECT rowid FROM sheet_text_fts WHERE sheet_text_fts MATCH ?)" + (
                f" OR id IN ({pending}))" if pending else ")")
            params.append(query)
            raw = text.encode("utf-8", "surrogatepass")
            fold = raw.lower() != raw.upper()  # ASCII letters only, as LIKE and _contains compare
            needle = raw.lower() if fold else raw
        else:
            needle, fold = text.encode("utf-8", "surrogatepass").lower(), True
            sql += self._short_candidates(text)
        ids = [int(i) for (i,) in self._read_rows(sql + " ORDER BY fiscal_year DESC, id", params)]
        hits: list[int] = []
        for start in range(0, len(ids), _SEARCH_CHUNK):
            chunk = ids[start:start + _SEARCH_CHUNK]
            found = self._texts_containing(chunk, text, needle, fold)
            hits.extend(i for i in chunk if i in found)
            if len(hits) >= limit:
                del hits[limit:]
                break
        if not hits:
            return []
        rows = {int(r["id"]): r for r in self._read(
            f"SELECT * FROM sheets WHERE id IN ({', '.join('?' * len(hits))})", hits)}
        return [self._sheet(rows[i]) for i in hits]

    def _short_candidates(self, text: str) -> str:
        """For a 1–2 character search: the condition on ``sheets.id`` naming the sheets whose text
        may hold ``text``, from the index's trigrams that start with it (every character of an
        indexed text starts one, folded as search compares: :func:`_index_fold`); '' (every sheet)
        when too many trigrams start with it."""
        low = _index_fold(text)
        after = ord(low[-1]) + 1  # the terms from ``low`` up to the next character in UTF-8 order
        if after > 0x10FFFF:
            return ""
        if 0xD800 <= after <= 0xDFFF:
            after = 0xE000  # no surrogates in UTF-8
        terms = [t for (t,) in self._read_rows(
            "SELECT term FROM temp.sheet_text_terms WHERE term >= ? AND term < ? LIMIT ?",
            [low, low[:-1] + chr(after), _SHORT_TERMS_MAX + 1])]
        if len(terms) > _SHORT_TERMS_MAX:
            return ""
        ids = {int(i) for i in self._indexed}  # written by this transaction: not in the index yet
        for start in range(0, len(terms), 200):
            query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms[start:start + 200])
            ids.update(int(r) for (r,) in self._read_rows(
                "SELECT rowid FROM sheet_text_fts WHERE sheet_text_fts MATCH ?", [query]))
        return f" AND id IN ({', '.join(map(str, sorted(ids)))})"

    def _read_rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        try:
            return list(self.conn.execute(sql, params))
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def _texts_containing(self, ids: list[int], text: str, needle: bytes, fold: bool) -> set[int]:
        """Which of ``ids`` have ``needle`` in their text (ASCII-lower-cased first when ``fold``)."""
        if " " in text:  # may span two values (joined by a space): the whole text of each sheet
            conn = self.conn
            return {i for i in ids if _contains(_indexed_text(conn, i), needle, fold)}
        if _JSON_ESCAPED.search(text):
            return self._values_containing(ids, needle, fold, "", "")
        # JSON keeps every other character as it is, so a value whose text holds ``text`` holds it in
        # its JSON too; LIKE compares without ASCII case, as ``fold`` does (``needle`` is lower-cased
        # then, and has no such letters else).
        pattern = "%" + needle.decode("utf-8", "surrogatepass").replace("\\", "\\\\").replace(
            "%", "\\%").replace("_", "\\_") + "%"
        if _IN_ESCAPES.search(needle.decode("utf-8", "surrogatepass")):
            return self._values_containing(ids, needle, fold, pattern, "")
        # ``text`` has no character of an escape sequence: a match in a string value's JSON is a
        # match in its text, decided by SQLite alone, which stops at a sheet's first such value.
        marks = ", ".join("?" * len(ids))
        match = "v.value LIKE ? ESCAPE '\\'" if fold else "instr(v.value, ?) > 0"  # instr: a quarter faster
        sure = {int(i) for (i,) in self._read_rows(
            f"SELECT s.id FROM sheets s WHERE s.id IN ({marks}) AND EXISTS (SELECT 1 FROM sheet_values v "
            f"WHERE v.sheet_id = s.id AND {match} AND substr(v.value, 1, 1) = '\"')",
            [*ids, pattern if fold else text])}
        rest = [i for i in ids if i not in sure]  # a list's text may still hold it
        return sure | (self._values_containing(rest, needle, fold, pattern, "'['") if rest else set())

    def _values_containing(self, ids: list[int], needle: bytes, fold: bool, pattern: str, first: str) -> set[int]:
        """:meth:`_texts_containing` value by value, in Python (``pattern``: LIKE first, when it may;
        ``first``: only values whose JSON starts with it)."""
        sql = f"SELECT sheet_id, value FROM sheet_values v WHERE sheet_id IN ({', '.join('?' * len(ids))})"
        params: list[Any] = list(ids)
        if first:
            sql += f" AND substr(v.value, 1, 1) = {first}"
        if pattern:
            sql += " AND v.value LIKE ? ESCAPE '\\'"
            params.append(pattern)
        found: set[int] = set()
        for sheet_id, raw in self._read_rows(sql, params):
            if sheet_id in found:
                continue
            try:
                value = json.loads(raw)
            except (TypeError, ValueError):
                continue  # damaged: no text
            if _contains(_text_of(value), needle, fold):
                found.add(int(sheet_id))
        return found

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
                db.update("sheets", sheet_id, {"carried_fields": json.dumps(fields, ensure_ascii=False)})

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
                db.update("sheets", sheet_id, {"imported_fields": json.dumps(fields, ensure_ascii=False)})

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
                db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           [key, json.dumps(value, ensure_ascii=False)])

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
            db.insert("comments", self._comment_row(comment))
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
            db.update("comments", comment_id, self._comment_row(c))
        return c

    def merge_comments(self, sheet_id: int, incoming: list[Comment]) -> int:
        """Merge comments by id (used by import): a new id is added, a known one takes the side
        changed last (``updated``; on a tie a resolution wins, else the local one stays). Returns how many changed here.
        Runs inside the caller's transaction when there is one."""
        changed = 0
        with self._tx() as db:
            for c in incoming:
                rows = db.query("SELECT * FROM comments WHERE id = ?", [c.id])
                if rows and int(rows[0]["sheet_id"]) != sheet_id:  # a copy (import --as-new): its own ids
                    c.id = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"hyoka:{sheet_id}:{c.id}"))
                    rows = db.query("SELECT * FROM comments WHERE id = ?", [c.id])
                c.sheet_id = sheet_id
                if not rows:
                    db.insert("comments", self._comment_row(c))
                    changed += 1
                    continue
                local = self._comment(rows[0])
                theirs, ours = c.updated or c.created, local.updated or local.created
                newer = theirs > ours or (theirs == ours and c.status == "resolved" and local.status == "open")
                if newer and self._comment_row(c) != self._comment_row(local):
                    db.update("comments", c.id, self._comment_row(c))
                    changed += 1
        return changed
