"""The printed sheet as a ReportLab story, built from the format definition.

Nothing here knows a field id: sections, groups (``layout`` hints), fields, numbers,
labels, units and grids all come from ``forms/*.toml``. Two page models exist:

* ``sections`` (R01): title, 総合評価 box, a two-column overview table, then one
  block per 評価基準 (new page, heading with grade box, label row + body row per
  item, bordered grids for ``table`` groups, the 4-1 ``staff_table``);
* ``single_table`` (H30): one bordered table, label column on the left.

Every block is a ``Table`` with ``splitInRow`` so a cell of any length flows across
pages; :class:`Block` keeps a label row from sitting alone at the foot of a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from desktop.core import era
from desktop.core.definition import Cell, Field, FormDef, Group, Section
from desktop.core.values import (
    Computed,
    Values,
    applies,
    compute,
    display_value,
    environment,
    fill_label,
    fiscal_year,
    label_for,
)
from desktop.pdf import phrases
from desktop.pdf.compat import remeasure_row, table_cells, table_height, table_row_heights
from desktop.pdf.fonts import FontSet
from desktop.pdf.linebreak import JaParagraph, to_markup
from desktop.pdf.record import Record

PAGE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 17 * mm
FRAME_PAD = 6  # SimpleDocTemplate's frame padding, on each side
WIDTH = PAGE[0] - 2 * MARGIN_X - 2 * FRAME_PAD
FRAME_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM - 2 * FRAME_PAD
SPLIT_MIN = 48  # pt: a split piece of a row is at least ~3 lines (typography.md §2)
LINE = 0.5
SHADE = colors.Color(0.92, 0.92, 0.92)
BOX_OFF, BOX_ON = "\u2610", "\u2611"
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_YEAR_SUFFIX = re.compile(r"^(.*?)（(\d{4})?）$")
# A year variable and the unit that only makes sense with it: without a year, a label
# drops both (「（{fy_era}度当初予算額）」 → 「（当初予算額）」), a title keeps the unit
# after a blank for handwriting (「平成{fy_era_year}年度」 → 「平成　年度」).
_YEAR_VAR = re.compile(r"\{(fy[a-z0-9_]*)\}(年度|度|年)?")
_NUMERIC = ("int", "money", "decimal", "pct")
# (a character needs the fallback face, a text holds such a character): see glyphs.GlyphChecker
Fallback = tuple[Callable[[str], bool], Callable[[str], bool]]


CONTINUED = "（続き）"
MAX_GRID_LINES = 8  # a grid answer longer than this moves to a full-width row under its grid
BELOW = "（下欄のとおり）"
BLANK_YEAR = "\u3000\u3000年度"
MAX_INLINE_OTHER = 16  # characters of a checkbox grid's 「その他（…）」 text printed inline


class Block(Table):  # type: ignore[misc]  # ReportLab has no type hints
    """A bordered table that never leaves a label row (``heads``) at the foot of a page.

    Rows are split inside (``splitByRow=0``: fill the page, as a word processor does);
    if the first piece would end with a label row, the split is retried just above
    that label, or refused so the whole block moves to the next page.

    ``labels`` maps a row to ``(column, label)``: when that row is split across pages,
    its continuation shows the label followed by 「（続き）」 — in ``column`` of the
    continued row when that cell is empty there, else (``column`` None: the label sits
    in a row of its own, as in an item) as a label row of its own at the top of the
    next page.
    """

    heads: frozenset[int] = frozenset()
    labels: dict[int, tuple[int | None, str]] = {}  # noqa: RUF012 - replaced per instance, never mutated
    make_label: Any = None  # (text, full_row: bool) -> Flowable
    keep = False  # a section's rows: moved whole to the next page when they fit on one
    group_label: tuple[int, str] | None = None  # (column, label) of a label cell spanning the rows

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        height = table_height(self)
        if self.keep and height is not None and availHeight < height <= FRAME_HEIGHT:
            return []
        parts = self._split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = parts
        n_self, n_rest = len(table_cells(self)), len(table_cells(rest))
        offset = n_self - n_rest  # row k of ``rest`` is row k + offset of this block
        rest.heads = frozenset(r - offset for r in self.heads if r > offset)
        rest.labels = {r - offset: v for r, v in self.labels.items() if r >= offset}
        rest.make_label = self.make_label
        rest.group_label = self.group_label
        if self.group_label is not None and self.make_label is not None:
            gcol, gtext = self.group_label
            if not table_cells(rest)[0][gcol]:  # the section's label again, on the next page
                table_cells(rest)[0][gcol] = [self.make_label(gtext + CONTINUED, False)]
                remeasure_row(rest, 0)
        in_row = len(table_cells(first)) + n_rest == n_self + 1
        if not in_row or offset not in self.labels or self.make_label is None:
            return parts
        col, text = self.labels[offset]
        rest.labels.pop(0, None)
        rest.labels[0] = (col, text)
        if col is not None and not table_cells(rest)[0][col]:
            table_cells(rest)[0][col] = [self.make_label(text + CONTINUED, False)]
            remeasure_row(rest, 0)  # measure the row again with its label
            return parts
        return [first, PageBreak(), self.make_label(text + CONTINUED, True), rest]

    def _split(self, availWidth: float, availHeight: float) -> list[Table]:
        parts = super().split(availWidth, availHeight)
        height = table_height(self)
        if not parts and height is not None and height > availHeight:
            # ReportLab refuses when the rest would be under splitInRow instead of
            # splitting higher up; a block just taller than a page would then be fatal.
            lower = height - SPLIT_MIN - 1
            if SPLIT_MIN < lower < availHeight:
                parts = super().split(availWidth, lower)
        while parts and self.heads:
            last = len(table_cells(parts[0])) - 1
            if last not in self.heads or len(table_cells(parts[0])) == len(table_cells(self)):
                break
            if last == 0:
                return []
            parts = super().split(availWidth, sum(table_row_heights(self)[:last]))
        out: list[Table] = parts
        return out


@lru_cache(maxsize=4096)
def _phrases(breaks: tuple[str, ...], text: str) -> tuple[str, ...]:
    bounds: set[int] = set()
    start = 0
    for line in text.split("\n"):
        k = start
        for ph in phrases.segment(line)[:-1] if line else []:
            k += len(ph)
            bounds.add(k)
        start += len(line) + 1
    for decl in breaks:
        plain = decl.replace("|", "")
        at = text.find(plain)
        while at >= 0:
            bounds -= set(range(at + 1, at + len(plain)))
            k = at
            for part in decl.split("|")[:-1]:
                k += len(part)
                bounds.add(k)
            at = text.find(plain, at + len(plain))
    cuts = sorted(b for b in bounds if 0 < b < len(text))
    return tuple(text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True))


def label_phrases(form: FormDef, text: str) -> list[str]:
    """A label split where it may break: the format's ``[print] label_breaks`` where one
    matches (「予算額・|決算額の差」), elsewhere between the phrases BudouX finds."""
    return list(_phrases(form.print.label_breaks, text))


def label_paragraph(text: str, style: ParagraphStyle, form: FormDef,
                    fallback: tuple[str, Callable[[str], bool], Callable[[str], bool]] | None = None) -> JaParagraph:
    """A label paragraph whose lines end only at phrase boundaries (a phrase longer than
    the line still breaks inside)."""
    para = JaParagraph(to_markup(text, fallback), style)
    flags = [False] * (len(text) + 1)
    pos = 0
    for ph in label_phrases(form, text):
        flags[pos] = True
        pos += len(ph)
    flags[pos] = True
    for k, c in enumerate(text):
        if c in " \n\u3000":
            flags[k] = flags[k + 1] = True
    para.phrases = flags
    return para


class Styles:
    """Paragraph styles: Gothic for titles and labels, Mincho for the text."""

    def __init__(self, fonts: FontSet, fallback: Fallback | None = None) -> None:
        def st(name: str, font: str, size: float, leading: float, align: int = TA_LEFT) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, alignment=align,
                                  wordWrap="CJK", splitLongWords=0)

        self.fonts = fonts
        # letters the Japanese faces lack but the symbol face has (Arabic, Hebrew, …)
        self.fallback: tuple[str, Callable[[str], bool], Callable[[str], bool]] | None = (
            (fonts.symbol, *fallback) if fallback else None)
        self.title = st("title", fonts.gothic_bold, 13, 18, TA_CENTER)
        self.serial = st("serial", fonts.mincho, 9, 12)
        self.heading = st("heading", fonts.gothic_bold, 11, 15)
        self.label = st("label", fonts.gothic, 9, 13)
        self.label_s = st("label_s", fonts.gothic, 8, 11.5)
        self.label_c = st("label_c", fonts.gothic, 8.5, 12, TA_CENTER)
        self.sublabel = st("sublabel", fonts.gothic, 8.5, 12.5)
        self.body = st("body", fonts.mincho, 9.5, 15, TA_JUSTIFY)
        self.cell = st("cell", fonts.mincho, 9, 13.5)
        self.cell_c = st("cell_c", fonts.mincho, 9, 13.5, TA_CENTER)
        self.cell_r = st("cell_r", fonts.mincho, 9, 13.5, TA_RIGHT)
        self.grade = st("grade", fonts.gothic_bold, 16, 20, TA_CENTER)


class Sheet(Record):
    """Everything the layout needs to know about one sheet's values."""

    _fields = ("form", "values", "computed", "env", "emitted", "pending")

    def __init__(self, form: FormDef, values: Values) -> None:
        self.form = form
        self.values = values
        self.env: dict[str, Any] = environment(form, values)
        self.computed: dict[str, Computed] = compute(form, values, self.env)
        self.emitted: list[str] = []  # field ids in the order they were printed
        self.pending: list[str] = []  # emitted, not yet tagged on a paragraph

    def applies(self, obj: Field | Group) -> bool:
        return applies(obj, self.env)

    def text(self, fid: str, *, unit: bool = True) -> str:
        """The field's printed text, as the core formats it (blank when not applicable)."""
        f = self.form.field(fid)
        self._emit(fid)
        if not self.applies(f):
            return ""
        s = display_value(self.form, fid, self.values, self.computed)
        if f.type in _NUMERIC and s[:1] in ("-", "\u2212") and self.form.negative_sign != "-":
            s = self.form.negative_sign + s[1:]  # the format's convention (公用文: △3.0)
        if s and unit and f.unit and f.type in ("int", "money", "decimal"):
            s += f.unit
        return s

    def _emit(self, fid: str) -> None:
        if fid not in self.emitted:
            self.emitted.append(fid)
        self.pending.append(fid)

    def take(self) -> tuple[str, ...]:
        """The fields emitted since the last paragraph: the next paragraph prints them."""
        out = tuple(dict.fromkeys(self.pending))
        self.pending.clear()
        return out

    def fill(self, template: str) -> str:
        """A group template with its ``{field_id}`` placeholders; blank if all are empty."""
        names = _PLACEHOLDER.findall(template)
        texts = {n: self.text(n, unit=False) for n in names}
        if names and not any(texts.values()):
            return ""
        out = _PLACEHOLDER.sub(lambda m: texts[m.group(1)], template)
        return "\n".join(line.rstrip() for line in out.split("\n")).strip("\n")

    def label(self, f: Field, *, sublabel: bool = False) -> str:
        if fiscal_year(self.form, self.values) is None:
            return self.label_text(f.sublabel if sublabel else f.label)
        return label_for(self.form, f, self.values, sublabel=sublabel)

    def label_text(self, text: str, *, title: bool = False) -> str:
        """A group label or title with ``{fy_era}``-style variables filled in.

        Without a fiscal year, a label leaves the year out and a title leaves a
        blank (U+3000) to be filled in by hand.
        """
        if "{" in text and fiscal_year(self.form, self.values) is None:
            blank = (lambda m: "\u3000" + (m.group(2) or "")) if title else ""
            text = _YEAR_VAR.sub(blank, text).strip()
        return fill_label(self.form, self.values, text)


class Builder:
    """Turns a :class:`Sheet` into a list of flowables."""

    def __init__(self, sheet: Sheet, styles: Styles, title_suffix: str = "") -> None:
        self.s = sheet
        self.form = sheet.form
        self.st = styles
        self.title_suffix = title_suffix
        self.inline_fields = {f.other_field for f in self.form.fields if f.other_field}
        self.rating_fields = {s.rating_field for s in self.form.sections if s.rating_field}

    # ---------------------------------------------------------------- primitives
    def p(self, text: str, style: ParagraphStyle) -> JaParagraph:
        return self.jp(to_markup(text, self.st.fallback), style)

    def jp(self, markup: str, style: ParagraphStyle) -> JaParagraph:
        """A paragraph tagged with the fields emitted since the last one (the page map's anchor)."""
        para = JaParagraph(markup, style)
        para.fields = self.s.take()
        return para

    def label_column(self, labels: list[str], style: ParagraphStyle, lo: float, hi: float) -> float:
        """A label column width between ``lo`` and ``hi``: wide enough for every label that
        fits in ``hi`` on one line, and for the longest phrase of the others."""
        pad = 8 + 1
        need = lo
        for text in labels:
            for line in text.split("\n"):
                w = stringWidth(line, style.fontName, style.fontSize) + pad
                if w > hi:
                    w = max(stringWidth(ph, style.fontName, style.fontSize) for ph in label_phrases(self.form, line)) + pad
                need = max(need, w)
        return min(need, hi)

    def lp(self, text: str, style: ParagraphStyle) -> JaParagraph:
        """A label: breaks only between phrases (see :func:`label_phrases`)."""
        para = label_paragraph(text, style, self.form, self.st.fallback)
        para.fields = self.s.take()
        return para

    def box(self, on: bool) -> str:
        sym = self.st.fonts.symbol
        if not sym:  # no ☐☑ font at all: geometric stand-ins the Japanese faces have
            return "■" if on else "□"
        return f'<font name="{sym}">{BOX_ON if on else BOX_OFF}</font>'

    def table(self, rows: list[list[Any]], widths: list[float], extra: list[tuple[Any, ...]] | None = None,
              *, grid: bool = True, heads: tuple[int, ...] = (0,), heights: list[float] | None = None,
              labels: dict[int, tuple[int | None, str]] | None = None) -> Block:
        cmds: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.st.fonts.mincho),  # empty cells: no stray Helvetica
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if grid:
            cmds.append(("GRID", (0, 0), (-1, -1), LINE, colors.black))
        cmds += extra or []
        t = Block(rows, colWidths=widths, rowHeights=heights, splitByRow=0, splitInRow=SPLIT_MIN, hAlign="LEFT")
        t.setStyle(TableStyle(cmds))
        t.heads = frozenset(heads)
        t.labels = dict(labels or {})
        t.make_label = self.continued_label
        return t

    def continued_label(self, text: str, full_row: bool) -> Flowable:
        """The label of a cell continued on the next page (see :class:`Block`)."""
        if not full_row:  # a narrow label column: 「（続き）」 on a line of its own
            return self.lp(text.replace(CONTINUED, "\n" + CONTINUED), self.st.label)
        return self.table([[self.lp(text, self.st.label)]], [WIDTH], [("BACKGROUND", (0, 0), (0, 0), SHADE)])

    # ---------------------------------------------------------------- entry point
    def build(self) -> list[Flowable]:
        if self.form.layout == "single_table":
            return self.single_table()
        story: list[Flowable] = []
        for section in self.form.sections:
            if section.print == "title":
                story += self.title_block(section)
            elif section.print == "rating_box":
                story += self.rating_box(section)
            elif section.rating_field:
                if section.page_break and story:
                    story.append(PageBreak())
                story += self.criterion(section)
            else:
                if section.page_break and story:
                    story.append(PageBreak())
                story += self.overview(section)
        return story

    # ---------------------------------------------------------------- title, rating box
    def title_text(self, section: Section) -> str:
        fy = fiscal_year(self.form, self.s.values)
        if "{" in self.form.title:
            title = self.s.label_text(self.form.title, title=True)
        else:  # no year yet: a blank for it, to be written in by hand
            title = f"{era.fiscal_year_title(fy) if fy else BLANK_YEAR} {self.form.title}"
        return title + self.title_suffix

    def title_block(self, section: Section) -> list[Flowable]:
        out: list[Flowable] = []
        for f in section.fields:
            if f.id == self.form.fiscal_year_field:
                self.s._emit(f.id)
                continue
            t = self.s.text(f.id)
            out.append(self.p(t, self.st.serial) if t else Spacer(1, 12))
        out += [Spacer(1, 4), self.p(self.title_text(section), self.st.title), Spacer(1, 8)]
        return out

    def grade_text(self, fid: str) -> str:
        return self.s.text(fid)

    def rating_box(self, section: Section) -> list[Flowable]:
        out: list[Flowable] = []
        for f in section.fields:
            rows = [[self.lp(self.s.label_text(section.title) or self.s.label(f), self.st.label),
                     self.p(self.grade_text(f.id), self.st.grade)]]
            out.append(self.table(rows, [40 * mm, WIDTH - 40 * mm],
                                  [("BACKGROUND", (0, 0), (0, 0), SHADE), ("VALIGN", (0, 0), (0, 0), "TOP")],
                                  heights=[22 * mm]))
            out.append(Spacer(1, 10))
        return out

    # ---------------------------------------------------------------- field values
    def value_flowables(self, f: Field) -> list[Flowable]:
        """A field's value as printed in a cell: text, checkbox line or checkbox grid."""
        if f.type == "choice" and f.widget == "checkboxes":
            v = self.s.values.get(f.id) if self.s.applies(f) else None
            self.s._emit(f.id)
            parts = [f"{self.box(v == c)} {to_markup(c)}" for c in f.choices]
            return [self.jp("&#160;&#160;".join(parts), self.st.cell)]
        if f.type == "checks":
            return self.checks_grid(f)
        if f.type == "flag":
            self.s._emit(f.id)
            on = bool(self.s.values.get(f.id)) and self.s.applies(f)
            return [self.jp(f"{self.box(on)} {to_markup(self.s.label(f))}", self.st.cell)]
        return [self.p(self.s.text(f.id), self.st.body if f.type in ("text", "lines") else self.st.cell)]

    def checks_grid(self, f: Field) -> list[Flowable]:
        """Checkboxes on the declared grid; a long 「その他」 text goes under the grid."""
        picked = set(self.s.values.get(f.id) or []) if self.s.applies(f) else set()
        below: list[Flowable] = []
        self.s._emit(f.id)
        grid = [list(r) for r in f.grid] or [[c] for c in f.choices]
        ncol = max(len(r) for r in grid)
        rows = []
        for r in grid:
            cells: list[Any] = []
            for c in r:
                label = to_markup(c)
                if c == f.other_choice and f.other_field:
                    other = self.s.text(f.other_field) if c in picked else ""
                    self.s._emit(f.other_field)
                    if len(other) > MAX_INLINE_OTHER:
                        below = [Spacer(1, 2), self.p(f"{c}：{other}", self.st.cell)]
                        other = BELOW.strip("（）")
                    label += f"（{to_markup(other) if other else '&#160;' * 12}）"
                cells.append(self.jp(f"{self.box(c in picked)} {label}", self.st.cell))
            cells += [""] * (ncol - len(r))
            rows.append(cells)
        spans = [("SPAN", (len(r) - 1, i), (-1, i)) for i, r in enumerate(grid) if len(r) < ncol]
        t = Table(rows, colWidths=None, hAlign="LEFT")
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.st.fonts.mincho), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               *spans]))
        return [t, *below]

    # ---------------------------------------------------------------- ■ 拠出金の概要
    def overview(self, section: Section) -> list[Flowable]:
        """Two-column table: numbered label | value; unnumbered fields are sub-items."""
        out: list[Flowable] = []
        if section.title:
            out += [self.p(self.s.label_text(section.title), self.st.heading), Spacer(1, 3)]
        rows: list[list[Any]] = []
        labels: dict[int, tuple[int | None, str]] = {}
        cmds: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        heads: list[int] = []
        fields = [f for f in section.fields if f.id not in self.inline_fields and f.id not in self.rating_fields]
        i = 0
        while i < len(fields):
            f = fields[i]
            subs = []
            j = i + 1
            while j < len(fields) and not fields[j].number and not fields[j].group:
                subs.append(fields[j])
                j += 1
            r = len(rows)
            if f.print == "full_width" and not subs:  # label row, full-width body below (the official sheet's 6, 7)
                head: list[Flowable] = [self.lp(f.display_label, self.st.label)]
                if f.sublabel:
                    head.append(self.lp(self.s.label(f, sublabel=True), self.st.label_s))
                rows += [[head, ""], [self.value_flowables(f), ""]]
                cmds += [("SPAN", (0, r), (1, r)), ("SPAN", (0, r + 1), (1, r + 1)), ("BACKGROUND", (0, r), (1, r), SHADE)]
                heads.append(r)
                labels[r + 1] = (None, f.display_label)
                i = j
                continue
            label = [self.lp(f.display_label, self.st.label)]
            value: list[Flowable] = []
            if subs and f.sublabel:  # the sublabel names sub-item (1) when sub-items follow
                value.append(self.lp(self.s.label(f, sublabel=True), self.st.sublabel))
            elif f.sublabel:
                label.append(self.lp(self.s.label(f, sublabel=True), self.st.label_s))
            value += self.value_flowables(f)
            for sf in subs:
                value += [Spacer(1, 4), self.lp(self.s.label(sf), self.st.sublabel), *self.value_flowables(sf)]
            labels[r] = (0, f.display_label)
            cmds.append(("BACKGROUND", (0, r), (0, r), SHADE))
            rows.append([label, value])
            i = j
        if rows:
            out.append(self.table(rows, [40 * mm, WIDTH - 40 * mm], cmds, heads=tuple(heads), labels=labels))
        return out

    # ---------------------------------------------------------------- 評価基準
    def criterion(self, section: Section) -> list[Flowable]:
        grade = self.grade_text(section.rating_field)
        head = self.table(
            [[self.p(self.s.label_text(section.title), self.st.heading), self.p(grade, self.st.grade)]],
            [WIDTH - 20 * mm, 20 * mm],
            [("BOX", (1, 0), (1, 0), 1, colors.black), ("LEFTPADDING", (0, 0), (0, 0), 0)],
            grid=False,
        )
        out: list[Flowable] = [head, Spacer(1, 6)]
        done: set[str] = set()
        for f in section.fields:
            if f.id == section.rating_field or f.id in self.inline_fields:
                continue
            if f.group:
                top = self.top_group(f.group)
                if top.id not in done:
                    done.add(top.id)
                    out += self.group_block(top, section)
                    out.append(Spacer(1, 5))
                continue
            out.append(self.item(f.display_label, self.value_flowables(f)))
            out.append(Spacer(1, 5))
        return out

    def top_group(self, gid: str) -> Group:
        g = self.form.groups[gid]
        while g.parent:
            g = self.form.groups[g.parent]
        return g

    def item(self, label: str, body: list[Flowable], sublabel: str = "") -> Table:
        """A label row (shaded, Gothic) tied to its body row."""
        head: list[Flowable] = [self.lp(label, self.st.label)]
        if sublabel:
            head.append(self.lp(sublabel, self.st.label))
        return self.table([[head], [body]], [WIDTH],
                          [("BACKGROUND", (0, 0), (0, 0), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP")],
                          labels={1: (None, label)})

    def children(self, g: Group, section: Section) -> list[Field | Group]:
        """Direct fields and child groups of ``g``, in the section's field order."""
        out: list[Field | Group] = []
        for f in section.fields:
            if not f.group:
                continue
            node: Field | Group = f
            gid = f.group
            while gid and gid != g.id:
                node = self.form.groups[gid]
                gid = node.parent
            if gid == g.id and node not in out:
                out.append(node)
        return out

    def group_block(self, g: Group, section: Section, *, nested: bool = False) -> list[Flowable]:
        label = self.s.label_text(g.display_label)
        sub = self.s.label_text(g.sublabel)
        if g.layout == "inline":
            text = self.s.fill(g.value) if self.s.applies(g) else ""
            return [self.table([[self.lp(label, self.st.label), self.lp(text, self.st.cell)]],
                               [40 * mm, WIDTH - 40 * mm], [("BACKGROUND", (0, 0), (0, 0), SHADE)])]
        if g.layout == "table":
            return self.cell_grid(g, label, nested=nested)
        if g.layout == "staff_table":
            return self.staff_table(g, label, sub)
        # a plain list: heading, then each child (sub-label row + body, or nested group)
        out: list[Flowable] = []
        kids = self.children(g, section)
        heading = self.lp(label + (" " + sub if sub else ""), self.st.label)
        if kids and all(isinstance(k, Field) for k in kids):
            rows: list[list[Any]] = [[heading]]
            cmds: list[tuple[Any, ...]] = [("BACKGROUND", (0, 0), (0, 0), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            labels: dict[int, tuple[int | None, str]] = {}
            for k in kids:
                assert isinstance(k, Field)
                rows.append([self.lp(self.s.label(k), self.st.sublabel)])
                labels[len(rows)] = (None, self.s.label(k))
                rows.append([self.value_flowables(k)])
                cmds.append(("LINEBELOW", (0, len(rows) - 2), (0, len(rows) - 2), 0.25, colors.grey))
            grid_cmds = [("BOX", (0, 0), (-1, -1), LINE, colors.black),
                         ("LINEBELOW", (0, 0), (0, 0), LINE, colors.black)]
            grid_cmds += [("LINEABOVE", (0, r), (0, r), LINE, colors.black) for r in range(3, len(rows), 2)]
            return [self.table(rows, [WIDTH], cmds + grid_cmds, grid=False, heads=(0, *range(1, len(rows), 2)),
                               labels=labels)]
        out.append(self.table([[heading]], [WIDTH], [("BACKGROUND", (0, 0), (0, 0), SHADE)]))
        for k in kids:
            if isinstance(k, Group):
                out += self.group_block(k, section, nested=True)
            else:
                out.append(self.item(self.s.label(k), self.value_flowables(k)))
        return out

    def cell_grid(self, g: Group, label: str, *, nested: bool) -> list[Flowable]:
        """A ``table`` group: rows of label/value cells on a 2×N column grid.

        An answer that would take more than :data:`MAX_GRID_LINES` lines at its
        cell's width is printed in a full-width row under the grid, with its label;
        the cell says 「（下欄のとおり）」.
        """
        applies = self.s.applies(g)
        ncell = max(len(r) for r in g.rows)
        short = [self.s.label_text(c.label) for r in g.rows if len(r) > 1 or len(r[0].label) <= 16 for c in r]
        lw = self.label_column(short, self.st.label, 24 * mm, 26 * mm)
        vw = (WIDTH - ncell * lw) / ncell
        widths = [lw, vw] * ncell
        rows: list[list[Any]] = [[self.lp(label, self.st.label if not nested else self.st.sublabel)]
                                 + [""] * (2 * ncell - 1)]
        cmds: list[tuple[Any, ...]] = [("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), SHADE)]
        if nested:
            cmds[1] = ("BACKGROUND", (0, 0), (-1, 0), colors.white)
        below: list[Flowable] = []
        for row in g.rows:
            r = len(rows)
            cells: list[Any] = []
            wide_question = len(row) == 1 and len(row[0].label) > 16
            for c, cell in enumerate(row):
                width = vw
                if not wide_question and c == len(row) - 1:
                    width += (ncell - len(row)) * (lw + vw)
                cell_label = self.s.label_text(cell.label)
                text = self.s.fill(cell.value) if applies else self._skip(cell)
                value = self.p(text, self.st.cell)
                if self.too_long(value, width):
                    moved = self.p(text, self.st.body)
                    moved.fields = value.fields  # the fields print below, not in the cell
                    below.append(self.item(cell_label, [moved]))
                    value = self.p(BELOW, self.st.cell)
                cells += [self.lp(cell_label, self.st.label), value]
            cells += [""] * (2 * ncell - len(cells))
            if wide_question:  # a long question: wide label, narrow answer
                cells = [cells[0], *[""] * (2 * ncell - 2), cells[1]]
                cmds += [("SPAN", (0, r), (-2, r)), ("BACKGROUND", (0, r), (-2, r), SHADE)]
            else:
                if len(row) < ncell:
                    cmds.append(("SPAN", (2 * len(row) - 1, r), (-1, r)))
                cmds += [("BACKGROUND", (2 * c, r), (2 * c, r), SHADE) for c in range(len(row))]
            rows.append(cells)
        return [self.table(rows, widths, cmds), *below]

    @staticmethod
    def too_long(para: JaParagraph, width: float, lines: int = MAX_GRID_LINES) -> bool:
        """Would ``para`` take more than ``lines`` lines in a cell ``width`` wide (4 pt padding)?"""
        _w, h = para.wrap(width - 8, 1e9)
        return bool(h > lines * para.style.leading + 1e-6)

    def _skip(self, cell: Cell) -> str:
        for n in _PLACEHOLDER.findall(cell.value):
            self.s._emit(n)
        return ""

    def staff_table(self, g: Group, label: str, sub: str) -> list[Flowable]:
        """4-1: two header rows derived from the labels' year suffixes, then the values."""
        fields = [f for f in self.form.fields if f.group == g.id]
        first_flag = next((i for i, f in enumerate(fields) if f.type == "flag"), len(fields))
        nums = [f for f in fields[:first_flag] if f.type in ("int", "money", "decimal", "pct")]
        rest = [f for f in fields if f not in nums]
        top: list[str] = []
        second: list[str] = []
        prev_year = False
        for f in nums:
            m = _YEAR_SUFFIX.match(self.s.label(f))
            if m:
                top.append(m.group(1))
                second.append(m.group(2) or "")
                prev_year = True
            elif prev_year and top:
                top.append(top[-1])
                second.append(self.s.label(f))
                prev_year = False
            else:
                top.append(self.s.label(f))
                second.append("")
                prev_year = False
        n = len(nums)
        cmds: list[tuple[Any, ...]] = [("BACKGROUND", (0, 1), (-1, 2), SHADE), ("SPAN", (0, 0), (-1, 0)),
                             ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                             ("ALIGN", (0, 3), (-1, 3), "RIGHT")]
        c = 0
        while c < n:  # merge equal top headers; a column without a second header spans both rows
            e = c
            while e + 1 < n and top[e + 1] == top[c]:
                e += 1
            if e > c:
                cmds.append(("SPAN", (c, 1), (e, 1)))
            elif not second[c]:
                cmds.append(("SPAN", (c, 1), (c, 2)))
            c = e + 1
        head = [self.lp(label + (" " + sub if sub else ""), self.st.label)] + [""] * (n - 1)
        row1 = [self.lp(t, self.st.label_c) for t in top]
        row2 = [self.lp(t, self.st.label_c) for t in second]
        vals = [self.p(self.s.text(f.id, unit=False), self.st.cell_r) for f in nums]
        rows: list[list[Any]] = [head, row1, row2, vals]
        w = WIDTH / n
        out: list[Flowable] = [self.table(rows, [w] * n, cmds, heads=(0, 1, 2))]
        # flag + count on one line, then the remaining fields as label | value rows
        flag = next((f for f in rest if f.type == "flag"), None)
        tail: list[list[Any]] = []
        tcmds: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if flag is not None:
            on = bool(self.s.values.get(flag.id))
            self.s._emit(flag.id)
            count = next((f for f in rest if f.type in ("int", "money") and fields.index(f) > fields.index(flag)), None)
            text = f"{self.box(on)} {to_markup(self.s.label(flag))}"
            if count is not None:
                cnt = self.s.text(count.id, unit=False)
                text += f"&#160;&#160;&#160;{to_markup(cnt) if cnt else '&#160;' * 6}&#160;{to_markup(count.unit)}"
                rest.remove(count)
            rest.remove(flag)
            tail.append([self.jp(text, self.st.cell), ""])
            tcmds.append(("SPAN", (0, 0), (-1, 0)))
        tlabels: dict[int, tuple[int | None, str]] = {}
        for f in rest:
            tcmds.append(("BACKGROUND", (0, len(tail)), (0, len(tail)), SHADE))
            tlabels[len(tail)] = (0, self.s.label(f))
            tail.append([self.lp(self.s.label(f), self.st.label), self.value_flowables(f)])
        if tail:
            out.append(self.table(tail, [30 * mm, WIDTH - 30 * mm], tcmds, heads=(), labels=tlabels))
        return out

    # ---------------------------------------------------------------- 平成30年度: one table
    def single_table(self) -> list[Flowable]:
        """H30: one bordered table; the first fields up to the rating form the header row."""
        story: list[Flowable] = []
        body_fields = [f for s in self.form.sections if s.print != "title" for f in s.fields]
        lw = self.label_column([f.display_label for f in body_fields if not f.group]
                               + [self.s.label_text(g.display_label) for g in self.form.groups.values() if not g.parent],
                               self.st.label, 24 * mm, 30 * mm)
        for section in self.form.sections:
            if section.print == "title":
                for f in section.fields:
                    self.s._emit(f.id)
                story += [self.p(self.title_text(section), self.st.title), Spacer(1, 8)]
                break
        body = [s for s in self.form.sections if s.print != "title"]
        fields = [f for s in body for f in s.fields]
        ratings = [i for i, f in enumerate(fields) if f.type == "rating"]
        head_n = ratings[0] + 1 if ratings else 0
        if head_n:
            cells: list[Any] = []
            for f in fields[:head_n]:
                cells += [self.lp(self.s.label(f), self.st.label),
                          self.p(self.s.text(f.id), self.st.grade if f.type == "rating" else self.st.cell)]
            # the short pairs get what their text needs (up to a cap); the first value the rest
            lws, vws = [lw], [0.0]
            for f in fields[1:head_n]:
                lws.append(min(max(stringWidth(self.s.label(f), self.st.label.fontName, 9) + 9, 10 * mm), 17 * mm))
                style = self.st.grade if f.type == "rating" else self.st.cell
                need = stringWidth(self.s.text(f.id), style.fontName, style.fontSize) + 10
                vws.append(min(max(need, 12 * mm), 32 * mm))
            vws[0] = WIDTH - sum(lws) - sum(vws)
            widths = [x for pair in zip(lws, vws, strict=True) for x in pair]
            below: list[Flowable] = []
            for i, f in enumerate(fields[:head_n]):  # a value too long for its header cell goes under it
                if f.type != "rating" and self.too_long(cells[2 * i + 1], vws[i]):
                    below.append(self.item(self.s.label(f), [self.p(self.s.text(f.id), self.st.body)]))
                    cells[2 * i + 1] = self.p(BELOW, self.st.cell)
            story.append(self.table([cells], widths, [("BACKGROUND", (c, 0), (c, 0), SHADE) for c in range(0, 2 * head_n, 2)]))
            story += below
        done: set[str] = set()
        run: list[list[Any]] = []
        run_labels: list[str] = []

        def flush() -> None:
            if run:
                story.append(self.table(list(run), [lw, WIDTH - lw],
                                        [("BACKGROUND", (0, 0), (0, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP")],
                                        heads=(), labels={r: (0, run_labels[r]) for r in range(len(run))}))
                run.clear()
                run_labels.clear()

        for f in fields[head_n:]:
            if f.group:
                g = self.top_group(f.group)
                if g.id not in done:
                    done.add(g.id)
                    flush()
                    story += self.h30_group(g, lw)
                continue
            run.append([self.lp(f.display_label, self.st.label), self.value_flowables(f)])
            run_labels.append(f.display_label)
        flush()
        return story

    def h30_group(self, g: Group, lw: float) -> list[Flowable]:
        fields = [f for f in self.form.fields if f.group == g.id]
        label = self.lp(self.s.label_text(g.display_label), self.st.label)
        frame = [("BOX", (0, 0), (-1, -1), LINE, colors.black), ("LINEAFTER", (0, 0), (0, -1), LINE, colors.black),
                 ("BACKGROUND", (0, 0), (0, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if g.layout == "h30_staff_table":
            when = next((f for f in fields if f.type == "ym"), None)
            as_of = self.s.text(when.id) if when else ""
            nums = [f for f in fields if f.type in ("int", "money", "decimal", "pct")]
            texts = [f for f in fields if f.type in ("text", "short", "lines")]
            heads = []
            for i, f in enumerate(nums):
                t = self.s.label(f)
                if as_of and (i == 1 or f.type == "pct"):  # the as-of date heads the current-year columns
                    t += f" ({as_of}末時点)"
                heads.append(self.lp(t, self.st.label_c))
            vals = [self.p(self.s.text(f.id), self.st.cell_c) for f in nums]
            n = len(nums)
            rows: list[list[Any]] = [[label, *heads], ["", *vals]]
            cmds = [*frame, ("INNERGRID", (1, 0), (-1, 1), LINE, colors.black),
                    ("BACKGROUND", (1, 0), (-1, 0), SHADE), ("VALIGN", (1, 0), (-1, 1), "MIDDLE")]
            labels: dict[int, tuple[int | None, str]] = {}
            for f in texts:
                labels[len(rows)] = (None, self.s.label(f))
                rows.append(["", [self.lp(self.s.label(f), self.st.sublabel), *self.value_flowables(f)]] + [""] * (n - 1))
                r = len(rows) - 1
                cmds += [("SPAN", (1, r), (-1, r)), ("LINEABOVE", (1, r), (-1, r), LINE, colors.black)]
            return [self.section_table(self.table(rows, [lw] + [(WIDTH - lw) / n] * n, cmds, grid=False, labels=labels),
                                       self.s.label_text(g.display_label))]
        # pdca_table: text rows with a short label column; a date/fy pair as a "・ label：…" line
        texts = [f for f in fields if f.type in ("text", "short", "lines")]
        rows = []
        cmds = list(frame)
        plabels: dict[int, tuple[int | None, str]] = {}
        for f in texts:
            plabels[len(rows)] = (1, self.s.label(f))
            rows.append([label if not rows else "", self.lp(self.s.label(f), self.st.label_c), self.value_flowables(f)])
            cmds.append(("LINEABOVE", (1, len(rows) - 1), (-1, len(rows) - 1), LINE, colors.black))
        cmds.append(("LINEAFTER", (1, 0), (1, len(rows) - 1), LINE, colors.black))
        dated = [f for f in fields if f not in texts]
        if dated:
            first = dated[0]
            line = f"・ {self.s.label(first)}：{self.s.text(first.id)}"
            extra = [self.s.text(f.id) for f in dated[1:]]
            if any(extra):
                line += " (" + " ".join(e for e in extra if e) + ")"
            rows.append(["", self.p(line, self.st.cell), ""])
            r = len(rows) - 1
            cmds += [("SPAN", (1, r), (-1, r)), ("LINEABOVE", (1, r), (-1, r), LINE, colors.black)]
        return [self.section_table(self.table(rows, [lw, 16 * mm, WIDTH - lw - 16 * mm], cmds, grid=False, heads=(),
                                              labels=plabels), self.s.label_text(g.display_label))]

    @staticmethod
    def section_table(t: Block, label: str) -> Block:
        """A section's rows beside one label cell: kept together where they fit on a page,
        and when split, the label comes back on the next page."""
        t.keep = True
        t.group_label = (0, label)
        return t


def build_story(form: FormDef, values: Values, fonts: FontSet, *, title_suffix: str = "",
                fallback: Fallback | None = None) -> tuple[list[Flowable], Sheet]:
    """The flowables of one sheet, plus the sheet (whose ``emitted`` is the print order)."""
    sheet = Sheet(form, values)
    builder = Builder(sheet, Styles(fonts, fallback), title_suffix)
    return builder.build(), sheet


def plain_story(form: FormDef, values: Values, fonts: FontSet, *, title_suffix: str = "",
                fallback: Fallback | None = None) -> tuple[list[Flowable], Sheet]:
    """The last resort when the table layout cannot be placed: title, then every field as
    a label paragraph and a text paragraph, in definition order. Paragraphs split
    anywhere, so this always prints and keeps every value readable."""
    sheet = Sheet(form, values)
    st = Styles(fonts, fallback)
    builder = Builder(sheet, st, title_suffix)
    story: list[Flowable] = []
    for section in form.sections:
        if section.print == "title":
            story += [builder.p(builder.title_text(section), st.title), Spacer(1, 8)]
        elif section.title:
            story += [Spacer(1, 6), builder.p(sheet.label_text(section.title), st.heading)]
        for f in section.fields:
            if f.id == form.fiscal_year_field:
                continue
            label = f.display_label if f.number else sheet.label(f)
            if f.type == "flag":
                on = bool(sheet.values.get(f.id)) and sheet.applies(f)
                sheet._emit(f.id)
                story += [builder.jp(f"{builder.box(on)} {to_markup(label)}", st.body), Spacer(1, 3)]
                continue
            text = sheet.text(f.id)
            if f.type == "checks":
                text = "，".join(sheet.values.get(f.id) or []) if sheet.applies(f) else ""
            story += [builder.p(label, st.label), builder.p(text, st.body), Spacer(1, 3)]
    return story, sheet


def document_title(form: FormDef, values: Values) -> str:
    """Short PDF metadata title: the contribution name, else the format name."""
    name = values.get(form.contribution_field) if form.contribution_field else None
    return str(name) if name else form.name


def document_author(form: FormDef, values: Values) -> str:
    """PDF Author: the responsible division (担当課室) the format names, else empty."""
    v = values.get(form.division_field) if form.division_field else None
    return " ".join(str(v).split()) if v else ""


def document_keywords(form: FormDef, values: Values) -> list[str]:
    """PDF Keywords: the fiscal year (era and Western) and the organization."""
    out: list[str] = []
    fy = fiscal_year(form, values)
    if fy:
        out.append(f"{era.fiscal_year_era_text(fy)}度（{fy}年度）")
    org = values.get(form.organization_field) if form.organization_field else None
    if org:
        out.append(" ".join(str(org).split()))
    return out


__all__ = ["MARGIN_BOTTOM", "MARGIN_TOP", "MARGIN_X", "PAGE", "Sheet", "build_story", "document_author",
           "document_keywords", "document_title", "plain_story"]
