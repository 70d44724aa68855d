"""JSON interchange files for moving sheets between standalone terminals.

Layout (schema_version 2; version 1 is the same without ``sheet.base``)::

    {"format": "mofa-r01", "schema_version": 2,
     "sheet": {"uuid": …, "status": "draft", "created": …, "updated": …,
               "base": {"digest": sha256 of the values at export, "revision": n}},
     "values": {field_id: value},
     "computed": {field_id: printed text},     # informational, recomputed on import
     "sha256": hex digest of the canonical JSON of everything else}

Version 2 is the one plan for what the file gains: ``sheet.base``; the optional
top-level ``review`` (the sheet's review comments, merged on import by comment id
and never part of conflict detection); ``format_version`` (int): the version of the format the
sheet was made with (a terminal with an older one refuses the file; a newer one reads it through
the format's declared upgrades). A sheet with comments cannot be written as version 1. Each version has a reader
that produces one :class:`Document`; the writer writes the newest version, or
version 1 on request for terminals not yet upgraded.

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, non-ASCII kept.
Loading checks structure, types and the digest *before* anything touches the
database. Importing a sheet this database already knows is a fast-forward only
when the local sheet is still in the state the file was exported from (its
``base``) or equals the file; otherwise it is a conflict and nothing changes
unless the caller says which side wins. Each import is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core import safe_files, validation
from desktop.core.definition import FormDef, all_forms, installed_form
from desktop.core.i18n import _
from desktop.core.records import COMMENT_STATUSES, SCHEMA_VERSION, STATUSES, SUPPORTED_VERSIONS, Comment, ConflictError
from desktop.core.resources import resource_dir
from desktop.core.upgrade import upgrade_note, upgrade_values
from desktop.core.values import Values, compute, normalize_values, values_digest

if TYPE_CHECKING:  # reading and writing files needs no database (see desktop.core.records)
    from desktop.core.store import Store

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_HISTORY = 1000  # ancestry digests a file may carry (an export writes at most 200)
MAX_TEXT_CHARS = 1_000_000  # one value; far above any field's limit, far below memory trouble
DEMO_DIR = resource_dir("demo")
_TOP_KEYS = {"format", "schema_version", "sheet", "values", "computed", "sha256"}
_TOP_KEYS_V2 = _TOP_KEYS | {"format_version", "review"}
_SHEET_KEYS = {"uuid", "status", "created", "updated", "base"}

# JSON types accepted per field type (input may be unnormalized, e.g. "１５，０１５").
_ACCEPT: dict[str, tuple[type, ...]] = {
    "short": (str,), "text": (str,), "lines": (list, str),
    "int": (int, str), "money": (int, str), "decimal": (int, float, str), "pct": (int, float, str),
    "ym": (str,), "fy": (int, str), "month": (int, str), "fy_or_period": (int, str),
    "choice": (str,), "rating": (str,), "yn": (str, bool), "flag": (bool, str, int), "checks": (list, str),
}


class InterchangeError(ValueError):
    """The file cannot be used; the message says what is wrong and where."""


class ReviewNeedsV2(Exception):
    """A version 1 file was asked for a sheet that has review comments (version 1 cannot hold them)."""


@dataclass
class Document:
    form: FormDef
    values: Values  # normalized for ``form`` (parse_document): stored as they are
    sheet: dict[str, Any] = field(default_factory=dict)
    digest_checked: bool = False
    source: str = ""
    schema_version: int = SCHEMA_VERSION
    base: str | None = None  # digest of the values at export (v2)
    base_history: tuple[str, ...] = ()  # digests of the states the exported sheet went through before (newest first)
    review: list[Comment] = field(default_factory=list)  # review comments (v2 ``review``)
    format_version: int = 1  # the format's version the file was written with (read upgraded to the installed one)
    upgrade_note: str = ""  # removed fields' values, for the sheet's note


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "sha256"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(doc: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(doc)).hexdigest()


def _type_name(t: type) -> str:
    return {str: "文字列", int: "整数", float: "数値", bool: "真偽値", list: "配列"}.get(t, t.__name__)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # one C-level scan, not a Python loop per character


def _bad_text(text: str) -> str:
    """Why a decoded JSON string cannot be stored, or ''."""
    if "\x00" in text:
        return _("NUL 文字が含まれています")
    if _LONE_SURROGATE.search(text):
        return _("対になっていないサロゲート（\\ud800 など）が含まれています")
    if len(text) > MAX_TEXT_CHARS:
        return _("{n} 文字を超えています").format(n=f"{MAX_TEXT_CHARS:,}")
    return ""


def _check_value(fid: str, value: Any, ftype: str, where: str) -> None:
    accepted = _ACCEPT[ftype]
    if not isinstance(value, accepted) or (isinstance(value, bool) and bool not in accepted):
        raise InterchangeError(where + _("values.{field}：型が違います（{got}。期待：{want}）。").format(
            field=fid, got=_type_name(type(value)), want="または".join(_type_name(t) for t in accepted)))
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not all(isinstance(x, str) for x in value):
        raise InterchangeError(where + _("values.{field}：配列の要素は文字列にしてください。").format(field=fid))
    for item in items:
        if isinstance(item, str) and (why := _bad_text(item)):
            raise InterchangeError(where + _("values.{field}：{why}。").format(field=fid, why=why))
        if isinstance(item, float) and not math.isfinite(item):
            raise InterchangeError(where + _("values.{field}：有限の数ではありません。").format(field=fid))


def _read_sheet(data: dict[str, Any], version: int, where: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    sheet = data.get("sheet", {})
    if not isinstance(sheet, dict):
        raise InterchangeError(where + _("sheet がオブジェクトではありません。"))
    allowed = _SHEET_KEYS if version >= 2 else _SHEET_KEYS - {"base"}
    unknown = sorted(str(k) for k in set(sheet) - allowed)
    if unknown:
        raise InterchangeError(where + _("sheet に不明なキーがあります：{keys}").format(keys="，".join(unknown)))
    for key in ("uuid", "created", "updated", "status"):
        if key in sheet:
            if not isinstance(sheet[key], str):
                raise InterchangeError(where + _("sheet.{key} は文字列にしてください。").format(key=key))
            if (why := _bad_text(sheet[key])) or len(sheet[key]) > 200:
                raise InterchangeError(where + _("sheet.{key}：{why}。").format(key=key, why=why or _("長すぎます")))
    if sheet.get("status", "draft") not in STATUSES:
        raise InterchangeError(where + _("sheet.status が不明です：{value!r}").format(value=sheet.get("status")))
    base: tuple[str, ...] = ()
    if "base" in sheet:
        raw = sheet["base"]
        history = raw.get("history", []) if isinstance(raw, dict) else None
        ok = isinstance(raw, dict) and _is_digest(raw.get("digest")) \
            and set(raw) <= {"digest", "revision", "history"} and _is_int(raw.get("revision", 0)) \
            and isinstance(history, list) and len(history) <= MAX_HISTORY and all(_is_digest(d) for d in history)
        if not ok:
            raise InterchangeError(where + _(
                "sheet.base は digest（64 桁の16進数），revision（整数），history（digest の配列）を持つオブジェクトにしてください。"))
        assert isinstance(raw, dict) and isinstance(history, list)
        base = (str(raw["digest"]), *(str(d) for d in history))
    meta = {k: v for k, v in sheet.items() if k != "base"}
    return meta, base


def _is_digest(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _read_top(data: Any, where: str) -> tuple[FormDef, int]:
    if not isinstance(data, dict):
        raise InterchangeError(where + _("最上位が JSON オブジェクトではありません。"))
    version = data.get("schema_version")
    if not _is_int(version) or version not in SUPPORTED_VERSIONS:
        raise InterchangeError(where + _("schema_version {value!r} には対応していません（対応：{known}）。").format(
            value=version if isinstance(version, int | float | str | None) else type(version).__name__,
            known="，".join(map(str, SUPPORTED_VERSIONS))))
    allowed = _TOP_KEYS_V2 if version >= 2 else _TOP_KEYS
    unknown = sorted(str(k) for k in set(data) - allowed)
    if unknown:
        raise InterchangeError(where + _("不明なキーがあります：{keys}").format(keys="，".join(unknown)))
    form_id = data.get("format")
    form = installed_form(form_id) if isinstance(form_id, str) else None  # builds that format only
    if form is None:
        shown = form_id if isinstance(form_id, str | int | float | None) else type(form_id).__name__
        raise InterchangeError(where + _("format が不明です：{value!r}（使用できる様式：{known}）").format(
            value=shown, known="，".join(sorted(all_forms()))))
    if "format_version" in data and not _is_int(data["format_version"]):
        raise InterchangeError(where + _("format_version は整数にしてください。"))
    have = form.version
    if data.get("format_version", 1) > have:
        raise InterchangeError(where + _("このファイルは様式 {form} 第{version}版で作られていますが，この端末の様式 {form} は第{have}版です。"
                                         "様式 {form} 第{version}版の定義ファイルを入れてから取り込んでください（何も取り込んでいません）。").format(
            form=form_id, version=data["format_version"], have=have))
    if "review" in data and not isinstance(data["review"], list):
        raise InterchangeError(where + _("review は配列にしてください。"))
    return form, version


_REVIEW_KEYS = {"id", "field", "author", "created", "text", "status", "resolved", "resolved_by", "updated"}


def _read_review(data: dict[str, Any], form: FormDef, where: str) -> list[Comment]:
    """The v2 ``review`` list: comments merged on import by ``id``."""
    out: list[Comment] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("review", [])):
        at = where + f"review[{i}]："
        if not isinstance(raw, dict):
            raise InterchangeError(at + _("指摘はオブジェクトにしてください。"))
        unknown = sorted(str(k) for k in set(raw) - _REVIEW_KEYS)
        if unknown:
            raise InterchangeError(at + _("不明なキーがあります：{keys}").format(keys="，".join(unknown)))
        for key in ("id", "created", "text"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise InterchangeError(at + _("{key} は空でない文字列にしてください。").format(key=key))
        for key in _REVIEW_KEYS - {"field"}:
            if key in raw and not isinstance(raw[key], str):
                raise InterchangeError(at + _("{key} は文字列にしてください。").format(key=key))
            if isinstance(raw.get(key), str) and (why := _bad_text(raw[key]) or (
                    _("長すぎます") if key != "text" and len(raw[key]) > 200 else "")):
                raise InterchangeError(at + f"{key}：{why}。")
        fid = raw.get("field")
        if fid is not None and (not isinstance(fid, str) or (fid and fid not in form.by_id)):
            raise InterchangeError(at + _("field は様式 {form} の項目 ID か null にしてください。").format(form=form.id))
        status = raw.get("status", "open")
        if status not in COMMENT_STATUSES:
            raise InterchangeError(at + _("status は open か resolved にしてください。"))
        if raw["id"] in seen:
            raise InterchangeError(at + _("id {id} が重複しています。").format(id=raw["id"]))
        seen.add(raw["id"])
        out.append(Comment(id=raw["id"], sheet_id=0, field_id=fid or "", author=raw.get("author", ""),
                           created=raw["created"], text=raw["text"], status=status,
                           resolved=raw.get("resolved", ""), resolved_by=raw.get("resolved_by", ""),
                           updated=str(raw.get("updated") or raw["created"])))
    return out


def parse_document(data: Any, source: str = "") -> Document:
    """Check a decoded JSON document of any supported version; raises :class:`InterchangeError`."""
    where = f"{source}: " if source else ""
    form, version = _read_top(data, where)
    values = data.get("values")
    if not isinstance(values, dict):
        raise InterchangeError(where + _("values がオブジェクトではありません。"))
    made_with = data.get("format_version", 1)
    note = ""
    if made_with < form.version:  # an older version of the format: its declared renames and removals
        values, removed = upgrade_values(form, values, made_with)
        note = upgrade_note(form, made_with, removed)
    for fid, value in values.items():
        f = form.by_id.get(fid)
        if f is None and fid in form.retired:
            continue
        if f is None:
            shown = fid if not _bad_text(fid) else repr(fid.encode("utf-8", "backslashreplace"))
            raise InterchangeError(where + _("values.{field}：様式 {form} にない項目です。").format(field=shown, form=form.id))
        if f.computed:
            raise InterchangeError(where + _("values.{field}：計算項目は values に含められません。").format(field=fid))
        if value is not None:
            _check_value(fid, value, f.type, where)
    sheet, base = _read_sheet(data, version, where)
    review = _read_review(data, form, where)
    checked = False
    if "sha256" in data:
        if data["sha256"] != digest(data):
            raise InterchangeError(where + _("SHA-256 が内容と一致しません。ファイルが壊れているか，途中で書き換えられています。"))
        checked = True
    return Document(form=form, values=normalize_values(form, values), sheet=sheet, digest_checked=checked,
                    source=source, schema_version=version, base=base[0] if base else None,
                    base_history=base[1:], review=review, format_version=made_with, upgrade_note=note)


def load_bytes(raw: bytes, source: str = "") -> Document:
    where = f"{source}: " if source else ""
    if len(raw) > MAX_FILE_BYTES:
        raise InterchangeError(where + _("ファイルが大きすぎます（{mb} MB 超）。").format(mb=MAX_FILE_BYTES // 2**20))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InterchangeError(where + _("UTF-8 のテキストではありません（{pos} バイト目）。").format(pos=exc.start)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InterchangeError(where + _("JSON として読めません（{line} 行 {col} 列：{msg}）。").format(
            line=exc.lineno, col=exc.colno, msg=exc.msg)) from None
    except RecursionError:
        raise InterchangeError(where + _("JSON の入れ子が深すぎます。")) from None
    except ValueError:  # an integer literal past Python's 4,300-digit limit
        raise InterchangeError(where + _("JSON に桁数が多すぎる数値があります。")) from None
    return parse_document(data, source)


def load_file(path: Path | str) -> Document:
    try:
        raw = safe_files.read_limited(path, MAX_FILE_BYTES)
    except safe_files.FileProblem as exc:
        raise InterchangeError(str(exc)) from None
    return load_bytes(raw, str(path))


def build_document(form: FormDef, values: Values, sheet: dict[str, Any] | None = None, *,
                   schema_version: int = SCHEMA_VERSION, base: dict[str, Any] | None = None,
                   review: list[Comment] | None = None) -> dict[str, Any]:
    """A complete interchange document with its digest (version 2 unless asked for 1).

    Review comments need version 2: asked for version 1, a sheet with comments is
    refused (:class:`ReviewNeedsV2`) rather than written without them, so the
    office's comments are never lost on the way."""
    if schema_version not in SUPPORTED_VERSIONS:
        raise InterchangeError(_("schema_version {value!r} には対応していません（対応：{known}）。").format(
            value=schema_version, known="，".join(map(str, SUPPORTED_VERSIONS))))
    if review and schema_version < 2:
        raise ReviewNeedsV2(_("このシートには指摘が {n} 件あるため，版 1 の交換ファイルには書き出せません（指摘は版 2 の review に入ります）。").format(
            n=len(review)))
    values = normalize_values(form, values)
    ordered = {f.id: values[f.id] for f in form.input_fields if f.id in values}
    ordered.update({k: v for k, v in values.items() if k in form.retired})  # kept, never dropped
    meta = {k: v for k, v in (sheet or {}).items() if v is not None and k != "base"}
    if schema_version >= 2 and base is not None:
        meta["base"] = base
    version_key = {"format_version": form.version} if schema_version >= 2 else {}
    doc: dict[str, Any] = {
        "format": form.id,
        "schema_version": schema_version,
        **version_key,
        "sheet": meta,
        "values": ordered,
        "computed": {k: c.text for k, c in compute(form, values).items() if c.text},
    }
    if review:
        doc["review"] = [c.as_dict() for c in sorted(review, key=lambda c: c.created)]
    doc["sha256"] = digest(doc)
    return doc


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_file(doc: dict[str, Any], path: Path | str) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file.

    Raises :class:`safe_files.FileProblem` (an ``OSError``) with a message."""
    safe_files.write_bytes(path, dumps(doc).encode("utf-8"))


def export_sheet(store: Store, sheet_id: int, *, schema_version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The sheet as a document whose ``base`` is the digest of the values it holds, with the
    digests of the states it went through here before (its ancestry), newest first."""
    s = store.get_sheet(sheet_id)
    meta = {"uuid": s.uuid, "status": s.status, "created": s.created, "updated": s.updated}
    current = values_digest(s.values)
    history = [d for d in store.state_digests(sheet_id) if d != current]
    base = {"digest": current, "revision": s.revision, "history": history}
    if schema_version >= 2:
        store.record_exchange(sheet_id, current, "export")
    return build_document(s.form, s.values, meta, schema_version=schema_version, base=base,
                          review=store.comments(sheet_id))


# ------------------------------------------------------------------ importing
IMPORTED, UNCHANGED, CONFLICT, REJECTED = "imported", "unchanged", "conflict", "rejected"
ON_CONFLICT = ("refuse", "theirs", "as_new")


@dataclass
class ImportResult:
    """What importing one document did (or would not do)."""

    status: str
    sheet_id: int | None = None
    message: str = ""
    document: Document | None = None
    local_values: Values = field(default_factory=dict)
    local_updated: str = ""
    incoming_updated: str = ""
    local_digest: str = ""
    comments_merged: int = 0  # review comments added or updated here

    @property
    def ok(self) -> bool:
        return self.status in (IMPORTED, UNCHANGED)


def import_document(store: Store, doc: Document, *, on_conflict: str = "refuse", as_new: bool = False) -> ImportResult:
    """Store a checked document as one transaction.

    A new uuid creates a sheet. A known uuid is a fast-forward when the local
    values are still those the file was exported from (``base``) or already equal
    the file's; anything else is a conflict, which changes nothing unless
    ``on_conflict`` is ``"theirs"`` (take the file; the local state stays in the
    history) or ``"as_new"`` (keep both). ``as_new=True`` always creates a copy.
    """
    if on_conflict not in ON_CONFLICT:
        raise ValueError(on_conflict)
    status = doc.sheet.get("status", "draft")
    findings = None
    if status == "complete":
        findings = validation.validate(doc.form, doc.values, warnings=False)  # once: creating the sheet reuses it
        errs = validation.errors(findings)
        if errs:
            return ImportResult(REJECTED, message=_("「完了」のシートですがエラーが {n} 件あります（最初：{first}）。").format(
                n=len(errs), first=errs[0].line().replace("\t", " ")), document=doc)
    try:
        with store.transaction():
            result = _import(store, doc, status, on_conflict, as_new, findings)
            if doc.review and result.ok and result.sheet_id is not None:
                result.comments_merged = store.merge_comments(
                    result.sheet_id, [Comment(**{**c.__dict__}) for c in doc.review])
                if result.comments_merged and result.status == UNCHANGED:
                    result.status = IMPORTED
            return result
    except ConflictError as exc:  # another process wrote the sheet between our read and our write
        return _conflict(store, doc, exc.sheet_id)


def _conflict(store: Store, doc: Document, sheet_id: int) -> ImportResult:
    local = store.get_sheet(sheet_id)
    return ImportResult(
        CONFLICT, sheet_id=sheet_id, document=doc, local_values=dict(local.values), local_updated=local.updated,
        incoming_updated=str(doc.sheet.get("updated", "")), local_digest=local.digest or values_digest(local.values),
        message=_("シート {id}（{name}）はこの端末でも変更されています（この端末：{local}，ファイル：{theirs}）。").format(
            id=sheet_id, name=local.contribution or local.uuid, local=_stamp(local.updated),
            theirs=_stamp(str(doc.sheet.get("updated", ""))) or _("日時不明")),
    )


def _stamp(iso: str) -> str:
    return iso[:16].replace("T", " ")


def _create(store: Store, doc: Document, status: str, *, copy: bool,
            findings: list[validation.Finding] | None = None) -> int:
    meta = doc.sheet
    return store.create_sheet(
        doc.form.id, doc.values, status=status,
        sheet_uuid=None if copy else meta.get("uuid"),
        created=None if copy else meta.get("created"),
        updated=None if copy else meta.get("updated"),
        kind="import", import_note=doc.upgrade_note, findings=findings, normalized=doc.form is installed_form(doc.form.id),
    )


def _import(store: Store, doc: Document, status: str, on_conflict: str, as_new: bool,
            findings: list[validation.Finding] | None = None) -> ImportResult:
    uuid = doc.sheet.get("uuid")
    existing = None if as_new or not uuid else store.find_uuid(uuid)
    if existing is None:
        created = _create(store, doc, status, copy=as_new, findings=findings)
        store.record_exchange(created, store.sheet_digest(created), "import")  # the state as stored
        return ImportResult(IMPORTED, sheet_id=created, document=doc)
    local = store.get_sheet(existing)
    if local.format != doc.form.id:
        return ImportResult(REJECTED, sheet_id=existing, document=doc, message=_(
            "既存のシート {id} と様式が異なります（{a} / {b}）。").format(id=existing, a=local.format, b=doc.form.id))
    local_digest = local.digest or values_digest(local.values)
    incoming = values_digest(doc.values)
    if incoming == local_digest:
        if local.deleted is None and local.status == status:
            return ImportResult(UNCHANGED, sheet_id=existing, document=doc)
    elif local_digest != doc.base and local_digest not in doc.base_history:
        # The local state is not one the file's sheet went through: both sides changed.
        if on_conflict == "refuse":
            return _conflict(store, doc, existing)
        if on_conflict == "as_new":
            return ImportResult(IMPORTED, sheet_id=_create(store, doc, status, copy=True, findings=findings), document=doc,
                                message=_("別のシートとして取り込みました。"))
    # fast-forward (or the caller took the file's side): the local state stays in the history
    if incoming != local_digest:
        store.save_values(existing, doc.values, kind="import", expected=local_digest)
        store.record_exchange(existing, incoming, "import")
    if local.deleted:
        store.undelete_sheet(existing)
    if status != store.get_sheet(existing).status:
        store.set_status(existing, status)
    return ImportResult(IMPORTED, sheet_id=existing, document=doc)


def resolve_conflict(store: Store, result: ImportResult, values: Values) -> int:
    """Write the officer's choice (per field, local or incoming) as a new revision.

    Raises :class:`ConflictError` if the sheet changed again since the comparison."""
    assert result.sheet_id is not None
    with store.transaction():
        return store.save_values(result.sheet_id, values, kind="merge", expected=result.local_digest)


def common_base(store: Store, result: ImportResult) -> Values | None:
    """For the comparison of a conflict: the newest state of the file's ancestry that this
    database still holds (what both sides started from), or None."""
    doc = result.document
    if doc is None or result.sheet_id is None:
        return None
    for digest in (d for d in (doc.base, *doc.base_history) if d):
        values = store.values_with_digest(result.sheet_id, digest)
        if values is not None:
            return values
    return None


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


def seed_demo(store: Store) -> list[int]:
    """Import the demo sheets (first run), so a newcomer sees a real sheet."""
    ids = []
    for path in demo_files():
        result = import_document(store, load_file(path))
        if result.sheet_id is not None:
            ids.append(result.sheet_id)
    return ids



# ------------------------------------------------------------------ many files (a folder)
UNREADABLE = "unreadable"


@dataclass
class FileOutcome:
    """What importing one file of a batch did: an :class:`ImportResult`, or why it could not be read."""

    path: Path
    result: ImportResult | None = None
    error: str = ""

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else UNREADABLE

    @property
    def reason(self) -> str:
        return self.result.message if self.result is not None else self.error


def expand_paths(paths: list[Path | str]) -> list[Path]:
    """Files as given; a folder stands for every ``*.json`` directly in it (sorted by name)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted((q for q in p.iterdir() if q.suffix.lower() == ".json" and not q.name.startswith(".")),
                              key=lambda q: q.name))
        else:
            out.append(p)
    return out


def import_files(store: Store, paths: list[Path], *, on_conflict: str = "refuse", as_new: bool = False,
                 progress: Any = None) -> list[FileOutcome]:
    """Import each file in its own transaction; one bad file never stops the others.

    ``progress(done, total, outcome)`` is called after each file; returning ``False`` stops."""
    outcomes: list[FileOutcome] = []
    for i, path in enumerate(paths):
        try:
            doc = load_file(path)
        except InterchangeError as exc:
            outcome = FileOutcome(path, error=str(exc))
        else:
            outcome = FileOutcome(path, import_document(store, doc, on_conflict=on_conflict, as_new=as_new))
        outcomes.append(outcome)
        if progress is not None and progress(i + 1, len(paths), outcome) is False:
            break
    return outcomes


def summary(outcomes: list[FileOutcome]) -> dict[str, int]:
    counts = {IMPORTED: 0, UNCHANGED: 0, CONFLICT: 0, REJECTED: 0, UNREADABLE: 0}
    for o in outcomes:
        counts[o.status] += 1
    return counts


def summary_line(outcomes: list[FileOutcome]) -> str:
    c = summary(outcomes)
    return _("{n} ファイル：取り込み {imported}，変更なし {unchanged}，競合 {conflict}，取り込めない {rejected}，読めない {unreadable}").format(
        n=len(outcomes), **c)
