"""The text of a file to import: a PDF (pypdf), a Word file (python-docx) or plain text.

Every way a file can be unusable is one :class:`SourceError` with a message for the
officer: not the kind of file its name says, encrypted, too large, a zip bomb,
a scanned PDF without text.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from desktop.core.i18n import _

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300
MAX_TEXT_CHARS = 2_000_000
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200
KINDS = ("pdf", "docx", "text")


class SourceError(ValueError):
    """The file cannot be read as a sheet; the message is one line for the user."""


def kind_of(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf" or head.startswith(b"%PDF-"):
        return "pdf"
    if suffix in (".docx", ".docm"):
        return "docx"
    if suffix == ".doc":
        raise SourceError(_("{name} は古い Word 形式（.doc）です。Word で .docx として保存してから取り込んでください。").format(
            name=path.name))
    return "text"


def read_source(path: Path | str) -> tuple[str, str]:
    """``(kind, text)`` of a file; raises :class:`SourceError`."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise SourceError(_("{name} を開けません：{error}").format(name=path.name, error=exc.strerror or exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(_("{name} は通常のファイルではありません。").format(name=path.name))
    if st.st_size > MAX_FILE_BYTES:
        raise SourceError(_("{name} は大きすぎます（{size} MB。上限 {limit} MB）。").format(
            name=path.name, size=st.st_size // 2**20, limit=MAX_FILE_BYTES // 2**20))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(_("{name} を読めません：{error}").format(name=path.name, error=exc.strerror or exc)) from None
    kind = kind_of(path, data[:1024])
    if kind == "pdf":
        text = pdf_text(data, path.name)
    elif kind == "docx":
        text = docx_text(data, path.name)
    else:
        text = plain_text(data, path.name)
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(_("{name} の文字数が多すぎます（{n} 文字）。評価シートではないようです。").format(
            name=path.name, n=len(text)))
    if not text.strip():
        raise SourceError(_("{name} に文字がありません。").format(name=path.name))
    return kind, text


def plain_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(_("{name} はテキストファイルではありません（PDF か Word のファイルなら拡張子を .pdf / .docx にしてください）。").format(
            name=name))
    if data.startswith(b"PK\x03\x04"):
        raise SourceError(_("{name} は ZIP 形式のファイルです。Word のファイルなら拡張子を .docx にしてください。").format(name=name))
    for enc in ("utf-8-sig", "utf-16", "cp932"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SourceError(_("{name} の文字コードを判別できません（UTF-8 か Shift_JIS で保存してください）。").format(name=name))


def pdf_text(data: bytes, name: str) -> str:
    if not data[:1024].lstrip().startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise SourceError(_("{name} は PDF ではありません（先頭が %PDF- ではありません）。").format(name=name))
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except (NotImplementedError, PyPdfError, ValueError):
                opened = False
            if not opened:
                raise SourceError(_("{name} は暗号化されています（パスワードを外した PDF を取り込んでください）。").format(name=name))
        if len(reader.pages) > MAX_PAGES:
            raise SourceError(_("{name} は {n} ページあります（上限 {limit} ページ）。評価シートではないようです。").format(
                name=name, n=len(reader.pages), limit=MAX_PAGES))
        pages: list[str] = []
        total = 0
        for page in reader.pages:
            t = page.extract_text() or ""
            total += len(t)
            if total > MAX_TEXT_CHARS:
                raise SourceError(_("{name} の文字数が多すぎます。評価シートではないようです。").format(name=name))
            pages.append(t)
    except SourceError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError, ZeroDivisionError) as exc:
        raise SourceError(_("{name} は壊れた PDF のため読めません（{kind}）。").format(name=name, kind=type(exc).__name__)) from None
    text = "\n".join(pages)
    if not text.strip():
        raise SourceError(_("{name} には文字の情報がありません（スキャンした画像の PDF は文字認識してから取り込んでください）。").format(
            name=name))
    return text


def docx_text(data: bytes, name: str) -> str:
    if not data.startswith(b"PK"):
        raise SourceError(_("{name} は Word（.docx）のファイルではありません。").format(name=name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            unpacked = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if unpacked > MAX_DOCX_UNPACKED or unpacked / packed > MAX_DOCX_RATIO:
                raise SourceError(_("{name} は展開すると大きすぎます（{size} MB）。取り込みません。").format(
                    name=name, size=unpacked // 2**20))
            if "word/document.xml" not in zf.namelist():
                raise SourceError(_("{name} は Word（.docx）のファイルではありません（本文がありません）。").format(name=name))
            # the sizes in a zip's directory can lie: count what really comes out, and stop early
            budget = MAX_DOCX_UNPACKED
            for info in infos:
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise SourceError(_("{name} は展開すると大きすぎます（{size} MB）。取り込みません。").format(
                                name=name, size=MAX_DOCX_UNPACKED // 2**20))
    except SourceError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        raise SourceError(_("{name} は Word（.docx）のファイルではありません（ZIP として読めません）。").format(name=name)) from None
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.extend(_table_lines(block))
    except SourceError:
        raise
    except Exception as exc:  # python-docx raises many kinds (lxml, KeyError, ValueError) on damaged files
        raise SourceError(_("{name} は壊れた Word ファイルのため読めません（{kind}）。").format(
            name=name, kind=type(exc).__name__)) from None
    return "\n".join(lines)


def _table_lines(table: object) -> list[str]:
    """Cells in reading order (row by row); a merged cell's text once."""
    from docx.table import Table

    assert isinstance(table, Table)
    out: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                continue
            seen.add(key)
            for p in cell.paragraphs:
                out.append(p.text)
            for inner in cell.tables:
                out.extend(_table_lines(inner))
    return out
