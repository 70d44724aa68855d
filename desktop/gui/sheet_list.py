"""The sheet list panel: full-text search box over a sortable table of sheets.

It only shows what it is given and reports which sheet the officer picked
(``sheetActivated``); reading the store stays with the main window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QLineEdit, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from desktop.core.definition import UnknownFormatError, get_form
from desktop.core.i18n import LANGUAGES, _
from desktop.core.store import Sheet

from .labels import local_time, status_label

ID_ROLE = Qt.ItemDataRole.UserRole
YEAR_ROLE = Qt.ItemDataRole.UserRole + 1


class NumericItem(QTableWidgetItem):
    """Sorts by number (年度) rather than text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(YEAR_ROLE), other.data(YEAR_ROLE)
        if isinstance(a, int) and isinstance(b, int):
            return a < b
        return super().__lt__(other)


class SheetListPanel(QWidget):
    """Search box + table (年度, 状態, 拠出金名, 拠出先, 最終更新).

    年度, 状態 and the start of 拠出金名 fit the default dock width; the rest scrolls.

    Signals:
        sheetActivated(int): the officer selected a sheet row.
        searchRequested(str): the search text settled (debounced 250 ms).
    """

    sheetActivated = Signal(int)
    searchRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("全文検索（拠出金名・本文）"))
        self.search.setClearButtonEnabled(True)
        v.addWidget(self.search)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("sheetList")
        self.table.setHorizontalHeaderLabels([_("年度"), _("状態"), _("拠出金名"), _("拠出先"), _("最終更新")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((48, 56, 170, 110, 118)):
            self.table.setColumnWidth(col, width)
        self.table.setColumnWidth(1, status_column_width(self.table))
        self.table.sortItems(0, Qt.SortOrder.DescendingOrder)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        v.addWidget(self.table, 1)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(lambda: self.searchRequested.emit(self.search_text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

    def search_text(self) -> str:
        return self.search.text().strip()

    def show_sheets(self, sheets: list[Sheet], current: int | None) -> None:
        """Replace the rows, keeping ``current`` selected if it is listed."""
        self.table.blockSignals(True)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        for s in sheets:
            self._append_row(s)
        self.table.setSortingEnabled(True)
        self.table.blockSignals(False)
        self.select(current)

    def _append_row(self, s: Sheet) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        year = NumericItem(str(s.fiscal_year or ""))
        year.setData(ID_ROLE, s.id)
        year.setData(YEAR_ROLE, s.fiscal_year or 0)
        cells = [year, QTableWidgetItem(status_label(s.status)), QTableWidgetItem(s.contribution or _("（無題）")),
                 QTableWidgetItem(s.organization), QTableWidgetItem(local_time(s.updated)[:16])]
        tip = _("{name}\n{org}\n様式：{form}").format(name=s.contribution, org=s.organization, form=_format_name(s.format))
        for c, item in enumerate(cells):
            item.setToolTip(tip)
            self.table.setItem(r, c, item)

    def row_of(self, sheet_id: int | None) -> int:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(ID_ROLE) == sheet_id:
                return r
        return -1

    def select(self, sheet_id: int | None) -> None:
        r = self.row_of(sheet_id)
        self.table.blockSignals(True)
        if r >= 0:
            self.table.selectRow(r)
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)

    def ids(self) -> list[int]:
        return [int(self.table.item(r, 0).data(ID_ROLE)) for r in range(self.table.rowCount())]

    def update_sheet(self, s: Sheet) -> None:
        """After a save: that sheet's row shows its new name / status / time."""
        r = self.row_of(s.id)
        if r < 0:
            return
        self.table.setSortingEnabled(False)
        self.table.item(r, 0).setText(str(s.fiscal_year or ""))
        self.table.item(r, 0).setData(YEAR_ROLE, s.fiscal_year or 0)
        self.table.item(r, 1).setText(status_label(s.status))
        self.table.item(r, 2).setText(s.contribution or _("（無題）"))
        self.table.item(r, 3).setText(s.organization)
        self.table.item(r, 4).setText(local_time(s.updated)[:16])
        self.table.setSortingEnabled(True)

    def _selection_changed(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if rows:
            self.sheetActivated.emit(int(self.table.item(min(rows), 0).data(ID_ROLE)))


def status_column_width(table: QTableWidget) -> int:
    """The 状態 column fits its header and every status text in every UI language
    (「Complete」 under --lang en was clipped to 「Compl…」 at a fixed width)."""
    from desktop.core.i18n import current_language, set_language

    texts = []
    lang = current_language()
    try:
        for code in LANGUAGES:
            set_language(code)
            texts += [status_label("draft"), status_label("complete"), _("状態")]
    finally:
        set_language(lang)
    cell = table.fontMetrics()
    header = table.horizontalHeader().fontMetrics()
    # the cell's margins and the header's sort arrow, in the font's own units (it follows zoom);
    # not the style's pixel metrics: QStyle's Python wrapper alone took 10 ms of the start
    padding = 2 * cell.horizontalAdvance("0")  # 20 px at 100 %, as the style gave
    return max(max(cell.horizontalAdvance(t), header.horizontalAdvance(t)) for t in texts) + padding


def _format_name(form_id: str) -> str:
    """The format's name, or its id marked as not installed (the sheet is listed, not fatal)."""
    try:
        return get_form(form_id).name
    except UnknownFormatError:
        return _("{form}（この端末にない様式）").format(form=form_id)
