"""The year overview (拠出金等一覧): one row per sheet of a fiscal year.

Its columns are declared per format file (``overview = [...]``); columns of
different formats line up by their ``key``. Exported as XLSX (openpyxl: header
row, column widths, filter, frozen header, numbers as numbers), CSV (UTF-8 with
BOM, for Excel) and, through :mod:`desktop.pdf.overview`, a printed list with
the rating distribution.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.core import fieldtypes
from desktop.core.definition import NUMBER_TYPES, FormDef
from desktop.core.i18n import _
from desktop.core.store import Sheet, Store

STATUS_LABELS = {"draft": "作成中", "complete": "完了"}
NOT_RATED = "－"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    numeric: bool


@dataclass
class Row:
    sheet_id: int
    uuid: str
    format: str
    cells: dict[str, Any]  # key -> int / Decimal / str / None (numbers stay numbers)
    rating: str = ""  # 総合評価
    budget: int | Decimal | None = None

    def text(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)


@dataclass
class OverviewTable:
    year: int | None
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def distribution(self) -> list[tuple[str, int, int | Decimal]]:
        """(grade, number of sheets, total budget) for every grade of 総合評価, then not rated."""
        grades: list[str] = []
        for r in self.rows:
            if r.rating and r.rating not in grades:
                grades.append(r.rating)
        order = sorted((g for g in grades if g != NOT_RATED), key=lambda g: (len(g), g))
        out = []
        for g in [*sorted(set(order) | {"A", "B", "C", "D"}), NOT_RATED]:
            rows = [r for r in self.rows if (r.rating or NOT_RATED) == g]
            if g == NOT_RATED and not rows:
                continue
            out.append((g, len(rows), sum((r.budget or 0 for r in rows), 0)))
        return out


def _cell(form: FormDef, fid: str, sheet: Sheet, open_comments: int) -> Any:
    if fid == "@status":
        return _(STATUS_LABELS.get(sheet.status, sheet.status))
    if fid == "@open_comments":
        return open_comments
    if fid == "@id":
        return sheet.id
    if fid == "@format":
        return form.name
    value = sheet.values.get(fid)
    if fieldtypes.is_empty(value):
        return None
    f = form.field(fid)
    if f.type in NUMBER_TYPES and isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return int(value) if f.type in ("int", "money") else Decimal(str(value))
        except (ValueError, ArithmeticError):
            return str(value)
    if isinstance(value, list):
        return "・".join(map(str, value))
    return fieldtypes.display(f, value, percent_sign=form.percent_sign)


def build(store: Store, year: int | None, *, sheets: list[Sheet] | None = None) -> OverviewTable:
    """The overview of ``year`` (sheets in the database's list order: organisation, contribution)."""
    from desktop.core.yearcheck import load_year

    sheets = load_year(store, year) if sheets is None else sheets
    counts = store.open_comment_counts()
    table = OverviewTable(year)
    seen: dict[str, Column] = {}
    forms: list[FormDef] = []
    for s in sheets:
        if s.form not in forms:
            forms.append(s.form)
    for form in forms:
        for c in form.overview:
            if c.key not in seen:
                numeric = c.field == "@open_comments" or c.field == "@id" or (
                    c.field in form.by_id and form.by_id[c.field].type in NUMBER_TYPES)
                seen[c.key] = Column(c.key, c.label or c.key, c.width, numeric)
    table.columns = list(seen.values())
    for s in sheets:
        form = s.form
        cells = {c.key: _cell(form, c.field, s, counts.get(s.id, 0)) for c in form.overview}
        rating = s.values.get(form.overall_rating_field) if form.overall_rating_field else None
        budget = s.values.get(form.budget_field) if form.budget_field else None
        table.rows.append(Row(s.id, s.uuid, s.format, cells, rating=rating if isinstance(rating, str) else "",
                              budget=budget if isinstance(budget, int) and not isinstance(budget, bool) else None))
    return table


def sort_rows(table: OverviewTable, key: str, *, reverse: bool = False) -> None:
    """Sort by a column; empty cells last."""
    def k(r: Row) -> tuple[int, Any]:
        v = r.cells.get(key)
        if v is None:
            return (1, "")
        return (0, v) if isinstance(v, int | Decimal) else (0, str(v))
    table.rows.sort(key=k, reverse=reverse)


def filter_rows(table: OverviewTable, predicate: Callable[[Row], bool]) -> OverviewTable:
    return OverviewTable(table.year, list(table.columns), [r for r in table.rows if predicate(r)])


def to_csv(table: OverviewTable) -> bytes:
    """UTF-8 with a BOM (Excel reads it as UTF-8), CRLF line ends, numbers without separators."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.label for c in table.columns])
    for r in table.rows:
        w.writerow(["" if r.cells.get(c.key) is None else str(r.cells.get(c.key)) for c in table.columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: OverviewTable) -> bytes:
    """An Excel workbook: header row (bold), column widths, filter, frozen header, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("{year}年度").format(year=table.year) if table.year else _("一覧")
    ws.append([c.label for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in table.rows:
        ws.append([_xlsx_value(r.cells.get(c.key)) for c in table.columns])
    for i, c in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = c.width * 1.8 if not c.numeric else c.width * 1.2
        if c.numeric:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "#,##0"
    last = get_column_letter(max(1, len(table.columns)))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value
