"""The publication bundle of a fiscal year (``hyoka publish``).

Into one folder:

- ``{year}_拠出金等一覧.pdf``: the whole year in one PDF: the list (拠出金等一覧)
  first, then every sheet, with a bookmark per sheet and page labels (一覧-1…,
  then 1-1, 1-2 … per sheet);
- every sheet also as its own PDF, ``{year}_{contribution name}_{uuid[:8]}.pdf``;
- ``manifest.json``: the SHA-256 and size of every file.

Every PDF is reproducible, so an unchanged sheet keeps its hash from one
publication to the next. A sheet that cannot be printed is reported and does not
stop the others. Files listed in a previous manifest but no longer part of the
year are removed; nothing else in the folder is touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core import overview, safe_files
from desktop.core.i18n import _
from desktop.core.store import Sheet, Store
from desktop.core.yearcheck import load_year
from desktop.pdf.fonts import resolve_fonts
from desktop.pdf.overview import render_overview
from desktop.pdf.render import render_sheet

MANIFEST = "manifest.json"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')
Progress = Callable[[int, int, str], object]


@dataclass
class PublishResult:
    folder: Path
    files: list[Path] = field(default_factory=list)  # every file written, the manifest last
    sheets: list[int] = field(default_factory=list)  # sheet ids printed
    failed: list[tuple[int, str]] = field(default_factory=list)  # (sheet id, why)
    bundle: Path | None = None


def file_name(year: int, sheet: Sheet) -> str:
    """``{year}_{contribution name, file-name-safe}_{first 8 characters of the uuid}.pdf``."""
    name = _UNSAFE.sub("_", sheet.contribution).strip(" ._")[:60] or "sheet"
    return f"{year}_{name}_{sheet.uuid[:8]}.pdf"


def bundle_name(year: int) -> str:
    return f"{year}_拠出金等一覧.pdf"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def publish_year(store: Store, year: int, folder: Path, *, progress: Progress | None = None) -> PublishResult:
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    fonts = resolve_fonts()  # a missing font fails before anything is written
    folder.mkdir(parents=True, exist_ok=True)
    result = PublishResult(folder)
    sheets = load_year(store, year)
    total = len(sheets) + 2
    table = overview.build(store, year, sheets=sheets)
    list_pdf = render_overview(table, fonts=fonts)
    if progress:
        progress(1, total, _("一覧"))
    printed: list[tuple[Sheet, str, bytes]] = []
    used: set[str] = {bundle_name(year), MANIFEST}
    for i, s in enumerate(sheets, 2):
        try:
            buf = io.BytesIO()
            render_sheet(s.form, s.values, buf, fonts=fonts)
            name = file_name(year, s)
            k = 2
            while name in used:
                name, k = file_name(year, s)[:-4] + f"_{k}.pdf", k + 1
            used.add(name)
            printed.append((s, name, buf.getvalue()))
            result.sheets.append(s.id)
        except Exception as exc:  # one sheet never stops the others
            result.failed.append((s.id, " ".join(str(exc).split())[:300] or type(exc).__name__))
        if progress:
            progress(i, total, s.contribution or s.uuid[:8])

    writer = PdfWriter()
    writer.add_metadata({"/Title": _("{year}年度 拠出金等一覧（各拠出金評価シート）").format(year=year),
                         "/Producer": "hyoka", "/Creator": "hyoka"})
    list_reader = PdfReader(io.BytesIO(list_pdf))
    for page in list_reader.pages:
        writer.add_page(page)
    n_list = len(list_reader.pages)
    writer.add_outline_item(title=_("拠出金等一覧"), page_number=0)
    writer.set_page_label(0, n_list - 1, style=PageLabelStyle.DECIMAL, prefix=_("一覧-"))
    start = n_list
    for k, (s, _name, data) in enumerate(printed, 1):
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            writer.add_page(page)
        n = len(reader.pages)
        writer.add_outline_item(title=f"{k}. {s.contribution or s.uuid[:8]}", page_number=start)
        writer.set_page_label(start, start + n - 1, style=PageLabelStyle.DECIMAL, prefix=f"{k}-")
        start += n
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    bundle = buf.getvalue()

    entries: list[dict[str, object]] = []

    def put(name: str, data: bytes, sheet: Sheet | None) -> None:
        path = folder / name
        safe_files.write_bytes(path, data)
        result.files.append(path)
        entries.append({"file": name, "sha256": sha256(data), "bytes": len(data),
                        **({"sheet": sheet.uuid, "revision": sheet.revision} if sheet else {})})

    put(bundle_name(year), bundle, None)
    result.bundle = folder / bundle_name(year)
    for s, name, data in printed:
        put(name, data, s)
    _remove_stale(folder, {str(e["file"]) for e in entries})
    manifest = {"year": year, "sheets": len(printed), "failed": [sid for sid, _w in result.failed],
                "files": entries}
    put_bytes = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    safe_files.write_bytes(folder / MANIFEST, put_bytes)
    result.files.append(folder / MANIFEST)
    if progress:
        progress(total, total, MANIFEST)
    return result


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Files the previous manifest listed that this publication no longer has (a sheet renamed or removed)."""
    try:
        old = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        names = [e["file"] for e in old.get("files", []) if isinstance(e, dict) and isinstance(e.get("file"), str)]
    except (OSError, ValueError, AttributeError):
        return
    for name in names:
        if name not in keep and "/" not in name and "\\" not in name and name.endswith(".pdf"):
            try:
                (folder / name).unlink()
            except OSError:
                pass


def verify_manifest(folder: Path) -> list[str]:
    """Files whose SHA-256 no longer matches the manifest (empty when all match)."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return [e["file"] for e in manifest["files"]
            if not (folder / e["file"]).is_file() or sha256((folder / e["file"]).read_bytes()) != e["sha256"]]
