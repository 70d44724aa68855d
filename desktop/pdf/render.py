"""Building the PDF: fonts, glyph preflight, story, page numbers, batch output."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, SimpleDocTemplate
from reportlab.platypus.doctemplate import LayoutError

from desktop.core.definition import FormDef, get_form
from desktop.core.i18n import _
from desktop.core.values import Values, normalize_values
from desktop.pdf import layout, phrases
from desktop.pdf.compat import (
    add_glyph_alias,
    binary_streams,
    compress_streams,
    patch_subset_names,
    patch_tounicode,
)
from desktop.pdf.fonts import FontSet, char_map, resolve_fonts, variant_glyph
from desktop.pdf.glyphs import PUA_BASE, GlyphChecker, finding, preflight
from desktop.pdf.linebreak import enable_justify
from desktop.pdf.record import Record

if TYPE_CHECKING:
    from desktop.core.validation import Finding

enable_justify()
patch_tounicode()
patch_subset_names()
binary_streams()
compress_streams()


class RenderReport(Record):
    """What happened while printing: page count and warnings (e.g. replaced glyphs)."""

    _fields = ("pages", "findings", "field_order", "field_pages")

    def __init__(self, pages: int, findings: list[Finding] | None = None, field_order: list[str] | None = None,
                 field_pages: dict[str, tuple[int, int]] | None = None) -> None:
        self.pages = pages
        self.findings: list[Finding] = [] if findings is None else findings
        self.field_order: list[str] = [] if field_order is None else field_order  # field ids in printed order
        self.field_pages: dict[str, tuple[int, int]] = {} if field_pages is None else field_pages  # (first, last)


def _numbered_canvas(fonts: FontSet, counter: list[int], numbers: bool = True, footer: str = "",
                     field_pages: dict[str, list[int]] | None = None, write: bool = True) -> type[canvas.Canvas]:
    """A canvas that counts pages and, with ``numbers``, draws "n / N" once the count is known;
    the format's own ``footer`` (「暫定様式」) goes on every page either way.

    Paragraphs printing a field note their page in ``field_pages``; without ``write``
    the pages are laid out and counted but no PDF is written (the page map)."""

    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]  # ReportLab has no type hints
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, **kw)
            self._saved: list[dict[str, Any]] = []
            self.field_pages = field_pages

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            n = len(self._saved)
            counter.append(n)
            if not write:
                return
            for state in self._saved:
                self.__dict__.update(state)
                if numbers:
                    self.setFont(fonts.mincho, 9)
                    self.drawCentredString(layout.PAGE[0] / 2, 9 * mm, f"{self._pageNumber} / {n}")
                if footer:
                    self.setFont(fonts.mincho, 9)
                    self.drawRightString(layout.PAGE[0] - layout.MARGIN_X, 9 * mm, footer)
                super().showPage()
            super().save()

    return NumberedCanvas


def _checker(fonts: FontSet) -> GlyphChecker:
    key = (fonts.mincho, fonts.gothic, fonts.gothic_bold)
    ch = _CHECKERS.get(key)
    if ch is None:
        faces = list(dict.fromkeys(key))

        def variant(base: int, selector: int) -> int | None:
            """An alias code drawing the variation sequence's glyph in every face, or None."""
            code = _ALIAS_CODES.get((base, selector))
            if code is not None and all(code in char_map(f) for f in faces):
                return code
            found = [variant_glyph(f, base, selector) for f in faces]
            if any(g is None for g in found):
                return None
            code = _ALIAS_CODES.setdefault((base, selector), PUA_BASE + len(_ALIAS_CODES))
            for f, g in zip(faces, found, strict=True):
                assert g is not None
                add_glyph_alias(f, code, g, chr(base) + chr(selector))
            return code

        fallback = char_map(fonts.symbol) if fonts.symbol else None
        ch = _CHECKERS[key] = GlyphChecker((char_map(n) for n in faces), fallback, variant)
    return ch


_CHECKERS: dict[tuple[str, ...], GlyphChecker] = {}
_ALIAS_CODES: dict[tuple[int, int], int] = {}


def render_sheet(form: FormDef, values: Values, out: str | Path | BinaryIO | None, *, title_suffix: str = "",
                 fonts: FontSet | None = None, page_numbers: bool | None = None) -> RenderReport:
    """Write one sheet as PDF to a path or binary stream.

    ``page_numbers``: an 「n / N」 footer on each page; None (the default) follows the
    format's ``[print] page_numbers`` (off on the official sheets).

    ``out`` None lays the sheet out without writing a PDF: the report's page count and
    ``field_pages`` are those of the PDF (see :mod:`desktop.pdf.pagemap`).

    ``values`` are stored (normalized) values. Unprintable characters are replaced by
    〓 and reported as ``glyph`` warnings instead of failing. Raises
    :class:`~desktop.pdf.fonts.FontError` when no Japanese font is available.
    """
    fonts = fonts or resolve_fonts()
    numbers = form.print.page_numbers if page_numbers is None else page_numbers
    clean, findings = preflight(form, values, _checker(fonts))
    suffix, _bad = _checker(fonts).clean(title_suffix)
    checker = _checker(fonts)
    fallback = (checker.needs_fallback, checker.any_fallback) if fonts.symbol else None
    story, sheet = layout.build_story(form, clean, fonts, title_suffix=suffix, fallback=fallback)
    try:
        return _build(form, clean, fonts, story, sheet, out, suffix, findings, numbers)
    except LayoutError as exc:  # never fail: print the plain layout and say so
        if out is not None and not isinstance(out, str | Path):
            out.seek(0)
            out.truncate()
        story, sheet = layout.plain_story(form, clean, fonts, title_suffix=suffix, fallback=fallback)
        findings.append(finding("", _(
            "表の形に収まらない箇所があったため，簡易な形式（項目名と内容の列記）で印刷しました：{error}").format(
                error=str(exc).splitlines()[0][:200]), "layout"))
        return _build(form, clean, fonts, story, sheet, out, suffix, findings, numbers)


def _build(form: FormDef, clean: Values, fonts: FontSet, story: list[Flowable], sheet: layout.Sheet,
           out: str | Path | BinaryIO | None, suffix: str, findings: list[Finding], numbers: bool) -> RenderReport:
    target = str(out) if isinstance(out, Path) else io.BytesIO() if out is None else out
    doc = SimpleDocTemplate(
        target,
        pagesize=layout.PAGE,
        leftMargin=layout.MARGIN_X,
        rightMargin=layout.MARGIN_X,
        topMargin=layout.MARGIN_TOP,
        bottomMargin=layout.MARGIN_BOTTOM,
        title=layout.document_title(form, clean) + suffix,
        subject=form.name,
        author=layout.document_author(form, clean),
        keywords=layout.document_keywords(form, clean),
        creator="hyoka",
        initialFontName=fonts.mincho,  # no unembedded Helvetica in the font resources
        lang="ja",
        invariant=1,  # reproducible: no dates or random ids, the same sheet gives the same bytes
    )
    pages: list[int] = []
    drawn: dict[str, list[int]] = {}
    doc.build(story, canvasmaker=_numbered_canvas(fonts, pages, numbers, form.print.footer, drawn,
                                                  write=out is not None))
    phrases.save()  # the label lines BudouX segmented for this sheet (continued labels too), for the next run
    return RenderReport(pages=pages[-1] if pages else 0, findings=findings, field_order=sheet.emitted,
                        field_pages={fid: (min(p), max(p)) for fid, p in drawn.items()})


def load_sheet_file(path: str | Path) -> tuple[FormDef, Values]:
    """A ``{"format", "values"}`` JSON file (interchange or demo) → (form, normalized values)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    form = get_form(data["format"])
    return form, normalize_values(form, data.get("values", {}))


BatchItem = tuple[str, FormDef, Values]
Progress = Callable[[int, int, Path], None]
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(stem: str) -> str:
    """A file name stem that works on Windows too."""
    return _UNSAFE.sub("_", stem).strip(" .") or "sheet"


def render_batch(items: Iterable[BatchItem | str | Path], out_dir: str | Path,
                 progress: Progress | None = None, *, page_numbers: bool | None = None) -> list[Path]:
    """Render many sheets into ``out_dir`` (one PDF each); returns the written paths.

    An item is ``(stem, form, values)`` or the path of a sheet JSON file. Fonts are
    resolved once up front, so a missing font fails before anything is written.
    """
    fonts = resolve_fonts()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = list(items)
    written: list[Path] = []
    used: set[str] = set()
    for i, item in enumerate(todo, 1):
        if isinstance(item, str | Path):
            form, values = load_sheet_file(item)
            stem = Path(item).stem
        else:
            stem, form, values = item
        stem = safe_name(stem)
        name, k = stem, 2
        while name in used:
            name, k = f"{stem}_{k}", k + 1
        used.add(name)
        path = out_dir / f"{name}.pdf"
        render_sheet(form, values, path, fonts=fonts, page_numbers=page_numbers)
        written.append(path)
        if progress is not None:
            progress(i, len(todo), path)
    return written
