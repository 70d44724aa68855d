"""The evaluation office's tools in the app: folder import, the year overview (sortable, filterable,
rating distribution, XLSX / CSV / PDF, the check, the publication bundle) and review comments.

Everything long runs through :mod:`desktop.gui.jobs` (its own Store in a worker thread)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import interchange, overview, yearcheck
from desktop.core.i18n import _
from desktop.core.store import Store

from .jobs import run_job

STATUS_TEXT = {
    interchange.IMPORTED: "取り込み", interchange.UNCHANGED: "変更なし", interchange.CONFLICT: "競合",
    interchange.REJECTED: "取り込めない", interchange.UNREADABLE: "読めない",
}
STATUS_COLOR = {interchange.CONFLICT: "#b45309", interchange.REJECTED: "#b00020", interchange.UNREADABLE: "#b00020"}


# ====================================================================== folder import
class FolderImportDialog(QDialog):
    """「フォルダから取り込み…」: every *.json of a folder, each in its own transaction, a row per file."""

    finishedImport = Signal(object)  # list[FileOutcome]
    compareRequested = Signal(str)  # a conflicting file's path: import it alone, with the comparison

    def __init__(self, db_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("folderImportDialog")
        self.setWindowTitle(_("フォルダから取り込み"))
        self.resize(900, 520)
        self.db_path = db_path
        self.outcomes: list[interchange.FileOutcome] = []
        self.done = False
        v = QVBoxLayout(self)
        self.folder_label = QLabel(self)
        v.addWidget(self.folder_label)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("importProgress")
        v.addWidget(self.bar)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("importResults")
        self.table.setHorizontalHeaderLabels([_("ファイル"), _("結果"), _("シート"), _("理由")])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.itemDoubleClicked.connect(self._compare)
        v.addWidget(self.table, 1)
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        v.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.cancel_button = buttons.addButton(_("中止"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
        self.job: Any = None

    def start(self, folder: Path) -> None:
        paths = interchange.expand_paths([folder])
        self.folder_label.setText(_("{folder}：{n} ファイル").format(folder=folder, n=len(paths)))
        self.bar.setRange(0, max(1, len(paths)))
        self.bar.setValue(0)
        self.table.setRowCount(0)
        self.outcomes = []
        self.done = False
        if not paths:
            self.summary.setText(_("このフォルダには .json ファイルがありません。"))
            self.done = True
            return

        def work(store: Store, progress: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> Any:
            def each(done: int, total: int, o: interchange.FileOutcome) -> bool:
                sid = o.result.sheet_id if o.result is not None and o.result.sheet_id is not None else ""
                reason = o.reason.removeprefix(f"{o.path}: ")
                progress(done, total, "\t".join([o.status, o.path.name, str(sid), " ".join(reason.split()),
                                                  str(o.path)]))
                return not cancelled()
            return interchange.import_files(store, paths, progress=each)

        self.job = run_job(self, self.db_path, work, title=_("フォルダから取り込み"), on_done=self._finished,
                           on_error=self._failed, disable=[], show_progress=False)
        self.job.progressed.connect(self._row)
        self.cancel_button.clicked.connect(self.job.cancel)

    def _row(self, done: int, total: int, text: str) -> None:
        status, name, sid, reason, path = [*text.split("\t"), "", "", "", "", ""][:5]
        if status == interchange.CONFLICT:
            reason += "　" + _("（ダブルクリックで項目ごとに比較します）")
        self.bar.setValue(done)
        self.table.setSortingEnabled(False)
        r = self.table.rowCount()
        self.table.insertRow(r)
        cells = [name, _(STATUS_TEXT.get(status, status)), sid, reason]
        for c, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if status in STATUS_COLOR:
                item.setForeground(QColor(STATUS_COLOR[status]))
            item.setData(Qt.ItemDataRole.UserRole, status)
            item.setData(Qt.ItemDataRole.UserRole + 1, path)
            self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)

    def _compare(self, item: QTableWidgetItem) -> None:
        if item.data(Qt.ItemDataRole.UserRole) == interchange.CONFLICT:
            self.compareRequested.emit(str(item.data(Qt.ItemDataRole.UserRole + 1)))

    def _finished(self, outcomes: list[interchange.FileOutcome]) -> None:
        self.outcomes = outcomes
        self.summary.setText(interchange.summary_line(outcomes))
        self.cancel_button.setEnabled(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.done = True
        self.finishedImport.emit(outcomes)

    def _failed(self, message: str) -> None:
        self.summary.setText(_("取り込みを中断しました：{error}").format(error=message))
        self.done = True


# ====================================================================== distribution
class DistributionChart(QWidget):
    """The 総合評価 distribution by number of sheets and by budget, drawn with QPainter."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("distributionChart")
        self.data: list[tuple[str, int, Any]] = []
        self.setMinimumHeight(170)

    def set_data(self, data: list[tuple[str, int, Any]]) -> None:
        self.data = data
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        w, h = self.width(), self.height()
        half = w / 2
        series = [(_("総合評価の分布（件数）"), [n for _g, n, _a in self.data], QColor("#4a6fa5"), "{:,.0f}"),
                  (_("総合評価の分布（当初予算額，千円）"), [float(a) for _g, _n, a in self.data], QColor("#8aa05a"),
                   "{:,.0f}")]
        bold = QFont(self.font())
        bold.setBold(True)
        for i, (title, values, color, fmt) in enumerate(series):
            x0 = i * half
            p.setFont(bold)
            p.setPen(QColor("#222"))
            p.drawText(QRectF(x0, 2, half, 20), Qt.AlignmentFlag.AlignCenter, title)
            p.setFont(self.font())
            if not values:
                continue
            top, bottom = 40.0, h - 24.0
            peak = max(values) or 1.0
            slot = (half - 40) / len(values)
            for k, (value, (grade, _n, _a)) in enumerate(zip(values, self.data, strict=True)):
                bh = (bottom - top) * value / peak
                x = x0 + 20 + k * slot + slot * 0.2
                p.fillRect(QRectF(x, bottom - bh, slot * 0.6, bh), color)
                p.setPen(QColor("#222"))
                p.drawText(QRectF(x - slot * 0.2, bottom + 2, slot, 20), Qt.AlignmentFlag.AlignHCenter, grade)
                p.drawText(QRectF(x - slot * 0.2, bottom - bh - 18, slot, 16), Qt.AlignmentFlag.AlignHCenter,
                           fmt.format(value))
            p.setPen(QColor("#888"))
            p.drawLine(int(x0 + 16), int(bottom), int(x0 + half - 16), int(bottom))
        p.end()


# ====================================================================== overview
class _Proxy(QSortFilterProxyModel):
    """Filters on a text (any column) and on one column's exact value."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = ""
        self.column = -1
        self.value = ""

    def set_filter(self, text: str, column: int, value: str) -> None:
        self.text, self.column, self.value = text.strip(), column, value
        self.invalidate()

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:
        model = self.sourceModel()
        if self.column >= 0 and self.value:
            if model.index(row, self.column, parent).data() != self.value:
                return False
        if not self.text:
            return True
        return any(self.text in str(model.index(row, c, parent).data() or "") for c in range(model.columnCount()))


class YearOverviewDialog(QDialog):
    """一覧・確認・公表: the table of all sheets of a fiscal year, sortable and filterable, the rating
    distribution, the findings of checking the year's sheets together, exports and the bundle."""

    openSheet = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(parent)
        self.setObjectName("yearOverviewDialog")
        self.setWindowTitle(_("年度の一覧・確認・公表"))
        self.resize(1300, 760)
        self.store = store
        self.table_data: overview.OverviewTable | None = None
        self.findings: list[yearcheck.YearFinding] = []
        self.last_result: Any = None
        years = sorted({s.fiscal_year for s in store.list_sheets() if s.fiscal_year}, reverse=True)
        v = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("年度"), self))
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("overviewYear")
        for y in years:
            self.year_box.addItem(str(y), y)
        top.addWidget(self.year_box)
        top.addSpacing(16)
        top.addWidget(QLabel(_("絞り込み"), self))
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("overviewFilter")
        self.filter_edit.setPlaceholderText(_("どの列にでも含まれる文字"))
        top.addWidget(self.filter_edit, 1)
        self.rating_box = QComboBox(self)
        self.rating_box.setObjectName("overviewRatingFilter")
        top.addWidget(self.rating_box)
        self.count_label = QLabel(self)
        top.addWidget(self.count_label)
        v.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical, self)
        self.model = QStandardItemModel(self)
        self.proxy = _Proxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView(split)
        self.view.setObjectName("overviewTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.doubleClicked.connect(self._open)
        bottom = QWidget(split)
        h = QHBoxLayout(bottom)
        h.setContentsMargins(0, 0, 0, 0)
        self.chart = DistributionChart(bottom)
        h.addWidget(self.chart, 3)
        right = QVBoxLayout()
        self.findings_title = QLabel(bottom)
        right.addWidget(self.findings_title)
        self.findings_list = QListWidget(bottom)
        self.findings_list.setObjectName("yearFindings")
        self.findings_list.setWordWrap(True)
        self.findings_list.itemActivated.connect(self._open_finding)
        right.addWidget(self.findings_list, 1)
        h.addLayout(right, 2)
        split.addWidget(self.view)
        split.addWidget(bottom)
        split.setSizes([480, 240])
        v.addWidget(split, 1)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("xlsx", _("Excel（XLSX）に書き出す…"), lambda: self.on_export("xlsx")),
                                ("csv", _("CSV に書き出す…"), lambda: self.on_export("csv")),
                                ("pdf", _("一覧を PDF に…"), lambda: self.on_export("pdf")),
                                ("publish", _("公表用一式を作成…"), self.on_publish)):
            b = QPushButton(text, self)
            b.setObjectName(f"overview_{key}")
            b.clicked.connect(slot)
            self.buttons[key] = b
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status = QLabel(self)
        self.status.setObjectName("overviewStatus")
        buttons.addWidget(self.status)
        close = QPushButton(_("閉じる"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        v.addLayout(buttons)

        self.year_box.currentIndexChanged.connect(lambda _i: self.load(self.year_box.currentData()))
        self.filter_edit.textChanged.connect(lambda _t: self._apply_filter())
        self.rating_box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        if year is not None and year in years:
            self.year_box.setCurrentIndex(years.index(year))
        if years:
            self.load(self.year_box.currentData())

    # ------------------------------------------------------------------ data
    @property
    def year(self) -> int | None:
        data = self.year_box.currentData()
        return int(data) if data is not None else None

    def load(self, year: int | None) -> None:
        if year is None:
            return
        sheets = yearcheck.load_year(self.store, year)
        table = overview.build(self.store, year, sheets=sheets)
        self.table_data = table
        self.model.clear()
        self.model.setHorizontalHeaderLabels([c.label for c in table.columns])
        for r in table.rows:
            items = []
            for c in table.columns:
                value = r.cells.get(c.key)
                item = QStandardItem(r.text(c.key))
                item.setData(value if c.numeric and value is not None else (-1 if c.numeric else r.text(c.key)),
                             Qt.ItemDataRole.UserRole)
                item.setData(r.sheet_id, Qt.ItemDataRole.UserRole + 1)
                if c.numeric:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c.key == "open_comments" and value:
                    item.setForeground(QColor("#b45309"))
                items.append(item)
            self.model.appendRow(items)
        for i, c in enumerate(table.columns):
            self.view.setColumnWidth(i, max(48, min(360, c.width * 11)))
        self.rating_box.blockSignals(True)
        self.rating_box.clear()
        self.rating_box.addItem(_("総合評価：すべて"), "")
        for g, n, _a in table.distribution():
            self.rating_box.addItem(_("総合評価：{grade}（{n} 件）").format(grade=g, n=n), g)
        self.rating_box.blockSignals(False)
        self.chart.set_data(table.distribution())
        self.findings = yearcheck.check_year(self.store, year, sheets=sheets)
        self._show_findings()
        self._apply_filter()

    def _show_findings(self) -> None:
        self.findings_list.clear()
        kinds = {yearcheck.SHARED: _("共通項目の相違"), yearcheck.DUPLICATE: _("重複"), yearcheck.RATING: _("評価の未入力"),
                 yearcheck.OVERDUE: _("期限後の作成中"), yearcheck.COMMENT: _("未解決の指摘")}
        for f in self.findings:
            values = "　".join(f"#{sid}：{v}" for sid, v in zip(f.sheets, f.values, strict=True))
            item = QListWidgetItem(f"［{kinds.get(f.kind, f.kind)}］{f.message}\n{f.field_id or ''}　{values}")
            item.setData(Qt.ItemDataRole.UserRole, f.sheets[0] if f.sheets else 0)
            self.findings_list.addItem(item)
        self.findings_title.setText(_("まとめての確認：{n} 件").format(n=len(self.findings)))

    def _apply_filter(self) -> None:
        column = -1
        if self.table_data is not None:
            keys = [c.key for c in self.table_data.columns]
            column = keys.index("overall") if "overall" in keys else -1
        self.proxy.set_filter(self.filter_edit.text(), column, str(self.rating_box.currentData() or ""))
        total = len(self.table_data.rows) if self.table_data else 0
        self.count_label.setText(_("{shown} / {total} 件").format(shown=self.proxy.rowCount(), total=total))

    def visible_sheet_ids(self) -> list[int]:
        return [int(self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)) for r in range(self.proxy.rowCount())]

    def _open(self, index: Any) -> None:
        sid = index.data(Qt.ItemDataRole.UserRole + 1)
        if sid:
            self.openSheet.emit(int(sid))

    def _open_finding(self, item: QListWidgetItem) -> None:
        sid = item.data(Qt.ItemDataRole.UserRole)
        if sid:
            self.openSheet.emit(int(sid))

    # ------------------------------------------------------------------ exports (in the background)
    def export_to(self, kind: str, path: Path) -> Any:
        year = self.year

        def work(store: Store, progress: Callable[[int, int, str], None], _c: Callable[[], bool]) -> Path:
            from desktop.core import safe_files

            progress(0, 2, path.name)
            table = overview.build(store, year)
            if kind == "xlsx":
                data = overview.to_xlsx(table)
            elif kind == "csv":
                data = overview.to_csv(table)
            else:
                from desktop.pdf.overview import render_overview

                data = render_overview(table)
            safe_files.write_bytes(path, data)
            progress(2, 2, path.name)
            return path

        return run_job(self, self.store.path, work, title=_("書き出し"), on_done=self._done_export,
                       on_error=self._error, disable=self.buttons.values())

    def _done_export(self, path: Path) -> None:
        self.last_result = path
        self.status.setText(_("{path} に書き出しました。").format(path=path))

    def _error(self, message: str) -> None:
        self.last_result = None
        self.status.setText(_("できませんでした：{error}").format(error=message))

    def on_export(self, kind: str) -> None:
        filters = {"xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)", "pdf": "PDF (*.pdf)"}
        name = f"{self.year}_拠出金等一覧.{kind}"
        path, _f = QFileDialog.getSaveFileName(self, _("書き出し"), name, filters[kind])
        if path:
            self.export_to(kind, Path(path))

    def publish_to(self, folder: Path) -> Any:
        year = self.year

        def work(store: Store, progress: Callable[[int, int, str], None], _c: Callable[[], bool]) -> Any:
            from desktop.pdf.publish import publish_year

            assert year is not None
            return publish_year(store, year, folder, progress=progress)

        return run_job(self, self.store.path, work, title=_("公表用一式を作成"), on_done=self._done_publish,
                       on_error=self._error, disable=self.buttons.values())

    def _done_publish(self, result: Any) -> None:
        self.last_result = result
        text = _("{folder} に {n} シート（ファイル {files} 個）を書き出しました。").format(
            folder=result.folder, n=len(result.sheets), files=len(result.files))
        if result.failed:
            text += _("印刷できなかったシート：{ids}").format(ids="，".join(str(sid) for sid, _w in result.failed))
        self.status.setText(text)

    def on_publish(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("公表用一式の出力先フォルダ"))
        if folder:
            self.publish_to(Path(folder))
