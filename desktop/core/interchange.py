"""JSON interchange files for moving sheets between standalone terminals.

Layout (schema_version 1)::

    {"format": "mofa-r01", "schema_version": 1,
     "sheet": {"uuid": …, "status": "draft", "created": …, "updated": …},
     "values": {field_id: value},
     "computed": {field_id: printed text},     # informational, recomputed on import
     "sha256": hex digest of the canonical JSON of everything else}

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, non-ASCII kept.
Loading checks structure, types and the digest *before* anything touches the
database, and an import is one transaction, so a bad file changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core import validation
from desktop.core.definition import FormDef, all_forms
from desktop.core.i18n import _
from desktop.core.resources import resource_dir
from desktop.core.store import STATUSES, Store
from desktop.core.values import Values, compute, normalize_values

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
DEMO_DIR = resource_dir("demo")

# JSON types accepted per field type (input may be unnormalized, e.g. "１５，０１５").
_ACCEPT: dict[str, tuple[type, ...]] = {
    "short": (str,), "text": (str,), "lines": (list, str),
    "int": (int, str), "money": (int, str), "decimal": (int, float, str), "pct": (int, float, str),
    "ym": (str,), "fy": (int, str), "month": (int, str), "fy_or_period": (int, str),
    "choice": (str,), "rating": (str,), "yn": (str, bool), "flag": (bool, str, int), "checks": (list, str),
}


class InterchangeError(ValueError):
    """The file cannot be used; the message says what is wrong and where."""


@dataclass
class Document:
    form: FormDef
    values: Values
    sheet: dict[str, Any] = field(default_factory=dict)
    digest_checked: bool = False
    source: str = ""


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "sha256"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(doc: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(doc)).hexdigest()


def _type_name(t: type) -> str:
    return {str: "文字列", int: "整数", float: "数値", bool: "真偽値", list: "配列"}.get(t, t.__name__)


def parse_document(data: Any, source: str = "") -> Document:
    """Check a decoded JSON document; raises :class:`InterchangeError`."""
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise InterchangeError(where + _("最上位が JSON オブジェクトではありません。"))
    forms = all_forms()
    form_id = data.get("format")
    if form_id not in forms:
        raise InterchangeError(where + _("format が不明です：{value!r}（使用できる様式：{known}）").format(
            value=form_id, known="，".join(sorted(forms))))
    if data.get("schema_version") != SCHEMA_VERSION:
        raise InterchangeError(where + _("schema_version {value!r} には対応していません（対応：{known}）。").format(
            value=data.get("schema_version"), known=SCHEMA_VERSION))
    values = data.get("values")
    if not isinstance(values, dict):
        raise InterchangeError(where + _("values がオブジェクトではありません。"))
    form = forms[form_id]
    for fid, value in values.items():
        f = form.by_id.get(fid)
        if f is None:
            raise InterchangeError(where + _("values.{field}：様式 {form} にない項目です。").format(field=fid, form=form_id))
        if f.computed:
            raise InterchangeError(where + _("values.{field}：計算項目は values に含められません。").format(field=fid))
        if value is None:
            continue
        accepted = _ACCEPT[f.type]
        if not isinstance(value, accepted) or (isinstance(value, bool) and bool not in accepted):
            raise InterchangeError(where + _("values.{field}：型が違います（{got}。期待：{want}）。").format(
                field=fid, got=_type_name(type(value)), want="または".join(_type_name(t) for t in accepted)))
        if isinstance(value, list) and not all(isinstance(x, str) for x in value):
            raise InterchangeError(where + _("values.{field}：配列の要素は文字列にしてください。").format(field=fid))
    sheet = data.get("sheet", {})
    if not isinstance(sheet, dict):
        raise InterchangeError(where + _("sheet がオブジェクトではありません。"))
    for key in ("uuid", "created", "updated", "status"):
        if key in sheet and not isinstance(sheet[key], str):
            raise InterchangeError(where + _("sheet.{key} は文字列にしてください。").format(key=key))
    if sheet.get("status", "draft") not in STATUSES:
        raise InterchangeError(where + _("sheet.status が不明です：{value!r}").format(value=sheet.get("status")))
    checked = False
    if "sha256" in data:
        if data["sha256"] != digest(data):
            raise InterchangeError(where + _("SHA-256 が内容と一致しません。ファイルが壊れているか，途中で書き換えられています。"))
        checked = True
    return Document(form=form, values=normalize_values(form, values), sheet=dict(sheet), digest_checked=checked, source=source)


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
    return parse_document(data, source)


def load_file(path: Path | str) -> Document:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InterchangeError(_("{path} を読めません：{error}").format(path=path, error=exc.strerror or exc)) from None
    return load_bytes(raw, str(path))


def build_document(form: FormDef, values: Values, sheet: dict[str, Any] | None = None) -> dict[str, Any]:
    """A complete interchange document with its digest."""
    values = normalize_values(form, values)
    ordered = {f.id: values[f.id] for f in form.input_fields if f.id in values}
    doc: dict[str, Any] = {
        "format": form.id,
        "schema_version": SCHEMA_VERSION,
        "sheet": {k: v for k, v in (sheet or {}).items() if v is not None},
        "values": ordered,
        "computed": {k: c.text for k, c in compute(form, values).items() if c.text},
    }
    doc["sha256"] = digest(doc)
    return doc


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_file(doc: dict[str, Any], path: Path | str) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".hyoka-", suffix=".json", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dumps(doc))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_sheet(store: Store, sheet_id: int) -> dict[str, Any]:
    s = store.get_sheet(sheet_id)
    meta = {"uuid": s.uuid, "status": s.status, "created": s.created, "updated": s.updated}
    return build_document(s.form, s.values, meta)


def import_document(store: Store, doc: Document, *, as_new: bool = False) -> int:
    """Store a checked document; a known uuid updates that sheet as a new revision."""
    meta = doc.sheet
    existing = None if as_new or not meta.get("uuid") else store.find_uuid(meta["uuid"])
    status = meta.get("status", "draft")
    if status == "complete":
        errs = validation.errors(validation.validate(doc.form, doc.values))
        if errs:
            raise InterchangeError(_("「完了」のシートですがエラーが {n} 件あります（最初：{first}）。").format(
                n=len(errs), first=errs[0].line().replace("\t", " ")))
    with store.transaction():
        return _import(store, doc, existing, status, as_new)


def _import(store: Store, doc: Document, existing: int | None, status: str, as_new: bool) -> int:
    meta = doc.sheet
    if existing is not None:
        sheet = store.get_sheet(existing)
        if sheet.format != doc.form.id:
            raise InterchangeError(_("既存のシート {id} と様式が異なります（{a} / {b}）。").format(
                id=existing, a=sheet.format, b=doc.form.id))
        store.save_values(existing, doc.values, kind="import")
        if sheet.deleted:
            store.undelete_sheet(existing)
        if status != store.get_sheet(existing).status:
            store.set_status(existing, status)
        return existing
    return store.create_sheet(
        doc.form.id,
        doc.values,
        status=status,
        sheet_uuid=None if as_new else meta.get("uuid"),
        created=None if as_new else meta.get("created"),
        updated=None if as_new else meta.get("updated"),
        kind="import",
    )


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))
