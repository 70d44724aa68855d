"""Dialogs: new sheet, history, compare with last year, wastebasket, print preview.

Each dialog gets the data it shows from the core and returns a plain result; the
main window performs the action (so tests can drive the action without a modal
loop). :func:`ask` / :func:`inform` are the only modal message boxes, and tests
replace them.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import fieldtypes
from desktop.core.carry import COPIED, JOINED, NO_PLACE, NOT_CARRIED, NOTE_HEADING, CarryPlan, form_for_year
from desktop.core.definition import Field, FormDef, usable_forms
from desktop.core.i18n import _
from desktop.core.store import Revision, Sheet, Store
from desktop.core.values import Values, display_value, label_for
from desktop.gui.labels import kind_label, local_time, status_label
from desktop.gui.printing import PrintJob, print_pdf  # noqa: F401 - print_pdf is used by benchmarks/bench_pdf.py


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question (replaced in tests)."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> None:
    """A message the officer must read (replaced in tests)."""
    if warning:
        QMessageBox.warning(parent, title, text)
    else:
        QMessageBox.information(parent, title, text)


def choose(parent: QWidget | None, title: str, text: str, buttons: list[str], *, default: int = 0) -> int:
    """A question with named answers; returns the index of the one pressed, -1 when closed
    (replaced in tests)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    pushed = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole if i == default else QMessageBox.ButtonRole.RejectRole
                            if i == len(buttons) - 1 else QMessageBox.ButtonRole.ActionRole)
              for i, label in enumerate(buttons)]
    box.setDefaultButton(pushed[default])
    box.exec()
    clicked = box.clickedButton()
    return pushed.index(clicked) if clicked in pushed else -1  # type: ignore[arg-type]


class CarryReportDialog(QDialog):
    """Before a sheet is carried into another format: what is copied, joined, not carried and what
    has no place (kept in the new sheet's note). The rows come from :class:`~desktop.core.carry.CarryPlan`."""

    def __init__(self, plan: CarryPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("carryReportDialog")
        self.setWindowTitle(_("前年度のシートから別の様式で作成"))
        self.resize(820, 480)
        lay = QVBoxLayout(self)
        head, summary = plan.report().splitlines()[:2]
        intro = QLabel(f"{head}\n{summary}\n" + _("移す先のない内容は，新しいシートのメモ「{heading}」に残します。").format(
            heading=NOTE_HEADING), self)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        kinds = {COPIED: _("移す"), JOINED: _("まとめる"), NOT_CARRIED: _("引き継がない"), NO_PLACE: _("移す先なし")}
        items = sorted(plan.items, key=lambda i: [NO_PLACE, JOINED, COPIED, NOT_CARRIED].index(i.kind))
        self.table = QTableWidget(len(items), 3, self)
        self.table.setObjectName("carryReportTable")
        self.table.setHorizontalHeaderLabels([_("扱い"), _("新しい様式の項目"), _("前年度の項目")])
        for row, item in enumerate(items):
            cells = [kinds[item.kind], plan.target_label(item.target) if item.target else "－",
                     "，".join(plan.source_label(s) for s in item.sources)]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 360)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        buttons.addButton(_("作成する"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def confirm_carry(parent: QWidget | None, plan: CarryPlan) -> bool:
    """Show the carry report; True when the officer goes ahead (replaced in tests)."""
    return bool(CarryReportDialog(plan, parent).exec())


class FindingsDialog(QDialog):
    """The findings that keep a sheet from 完了 (or that remain): one line each — sub-item,
    label, message — in sheet order. Double-click (or Enter on) a line to go to its field."""

    def __init__(self, title: str, intro: str, rows: list[tuple[str, str, str, str, str]], *,
                 accept: str, reject: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("findingsDialog")
        self.setWindowTitle(title)
        self.resize(720, 420)
        self.chosen: str | None = None
        lay = QVBoxLayout(self)
        text = QLabel(intro, self)
        text.setWordWrap(True)
        text.setObjectName("findingsIntro")
        lay.addWidget(text)
        self.list = QListWidget(self)
        self.list.setObjectName("findingsDialogList")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        from desktop.gui.wrapping import WrapAnywhereDelegate

        self.list.setItemDelegate(WrapAnywhereDelegate(self.list))
        for field_id, severity, where, label, message in rows:
            icon = "✖" if severity == "error" else "⚠"
            item = QListWidgetItem(f"{icon} {where}｜{label}\n　{message}")
            item.setData(Qt.ItemDataRole.UserRole, field_id)
            item.setForeground(Qt.GlobalColor.darkRed if severity == "error" else Qt.GlobalColor.darkYellow)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._go)
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox(self)
        self.accept_button = buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
        self.reject_button = buttons.addButton(reject, QDialogButtonBox.ButtonRole.RejectRole)
        self.accept_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _go(self, item: QListWidgetItem) -> None:
        self.chosen = str(item.data(Qt.ItemDataRole.UserRole))
        self.done(2)

    def first_field(self) -> str:
        item = self.list.item(0)
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""


def show_findings(parent: QWidget | None, title: str, intro: str, rows: list[tuple[str, str, str, str, str]], *,
                  accept: str, reject: str, accept_returns_field: bool = True) -> str | None:
    """Show :class:`FindingsDialog`. Returns the field to go to (a line activated, or the first
    one when ``accept_returns_field``), ``""`` when accepted otherwise, None when cancelled."""
    dlg = FindingsDialog(title, intro, rows, accept=accept, reject=reject, parent=parent)
    if parent is not None:
        parent.last_findings_dialog = dlg  # type: ignore[attr-defined]  # for tests and screenshots
    result = dlg.exec()
    if result == 2:
        return dlg.chosen
    if result == QDialog.DialogCode.Accepted:
        return dlg.first_field() if accept_returns_field else ""
    return None


# --------------------------------------------------------------------------- new sheet
class NewSheetDialog(QDialog):
    """Choose the fiscal year and the format; the format follows the year by default."""

    def __init__(self, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("新しいシート"))
        form = QFormLayout(self)
        self.year = QSpinBox(self)
        self.year.setObjectName("newYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(year or datetime.now().year)
        self.year.setSuffix(_(" 年度"))
        self.format = QComboBox(self)
        self.format.setObjectName("newFormat")
        for f in usable_forms().values():
            self.format.addItem(f.name, f.id)
        form.addRow(_("年度"), self.year)
        form.addRow(_("様式"), self.format)
        self.year.valueChanged.connect(self._year_changed)
        self._year_changed(self.year.value())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _year_changed(self, year: int) -> None:
        self.format.setCurrentIndex(self.format.findData(form_for_year(year).id))

    def result_values(self) -> tuple[str, int]:
        return str(self.format.currentData()), int(self.year.value())


# --------------------------------------------------------------------------- history
class HistoryDialog(QDialog):
    """Every revision of the sheet, newest first; shows what a revision differs in."""

    def __init__(self, store: Store, sheet: Sheet, current: Values, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(_("版の履歴：{name}").format(name=sheet.contribution or _("（無題）")))
        self.resize(900, 560)
        self.store, self.sheet, self.current = store, sheet, current
        self.chosen: int | None = None
        lay = QVBoxLayout(self)
        split = QSplitter(self)
        self.table = QTableWidget(0, 4, split)
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels([_("版"), _("日時"), _("種類"), _("状態")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.revisions: list[Revision] = list(reversed(store.history(sheet.id)))
        for r, rev in enumerate(self.revisions):
            self.table.insertRow(r)
            for c, text in enumerate((str(rev.number), local_time(rev.created),
                                      kind_label(rev.kind), status_label(rev.status))):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.diff = QPlainTextEdit(split)
        self.diff.setObjectName("historyDiff")
        self.diff.setReadOnly(True)
        split.setSizes([420, 480])
        lay.addWidget(split)
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton(_("この版を復元"), self)
        self.restore_button.setObjectName("restoreRevision")
        self.restore_button.setEnabled(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._restore)
        lay.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selected)
        if self.revisions:
            self.table.selectRow(0)

    def select_revision(self, number: int) -> None:
        for r, rev in enumerate(self.revisions):
            if rev.number == number:
                self.table.selectRow(r)

    def _selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            self.restore_button.setEnabled(False)
            return
        rev = self.revisions[min(rows)]
        values = self.store.revision_values(self.sheet.id, rev.number)
        self.diff.setPlainText(describe_differences(self.sheet.form, values, self.current))
        self.restore_button.setEnabled(True)

    def _restore(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if rows:
            self.chosen = self.revisions[min(rows)].number
            self.accept()


def describe_differences(form: FormDef, old: Values, new: Values) -> str:
    """Human summary of what restoring ``old`` would change in ``new``."""
    lines: list[str] = []
    for f in form.input_fields:
        a, b = old.get(f.id), new.get(f.id)
        if a == b:
            continue
        label = f"{f.number} {label_for(form, f, new)}".strip()
        before = display_value(form, f.id, old) or _("（空欄）")
        now = display_value(form, f.id, new) or _("（空欄）")
        this, current = _("この版"), _("現在")
        lines.append(f"■ {label}\n  {this}：{_short(before)}\n  {current}：{_short(now)}")
    if not lines:
        return _("現在の内容と同じです。")
    return _("現在の内容と {n} 項目が異なります。").format(n=len(lines)) + "\n\n" + "\n".join(lines)


def _short(text: str, limit: int = 160) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


# --------------------------------------------------------------------------- compare
class CompareDialog(QDialog):
    """Last year's text beside this year's, for one field; can take last year's value."""

    USE_PREVIOUS = 2
    REVIEWED = 3

    def __init__(self, form: FormDef, field: Field, previous: Values, current: Values, *, carried: bool,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(_("前年度との比較：{label}").format(label=field.display_label))
        self.resize(1000, 520)
        lay = QVBoxLayout(self)
        title = QLabel(f"{field.number} {label_for(form, field, current)}".strip(), self)
        title.setWordWrap(True)
        lay.addWidget(title)
        row = QHBoxLayout()
        for heading, values, name in ((_("前年度"), previous, "comparePrevious"), (_("今年度"), current, "compareCurrent")):
            col = QVBoxLayout()
            col.addWidget(QLabel(f"<b>{heading}</b>", self))
            box = QPlainTextEdit(self)
            box.setObjectName(name)
            box.setReadOnly(True)
            box.setPlainText(fieldtypes.display(field, values.get(field.id)))
            col.addWidget(box)
            row.addLayout(col)
        lay.addLayout(row)
        buttons = QDialogButtonBox(self)
        use = QPushButton(_("前年度の内容を使う"), self)
        use.setObjectName("usePrevious")
        use.clicked.connect(lambda: self.done(self.USE_PREVIOUS))
        buttons.addButton(use, QDialogButtonBox.ButtonRole.ActionRole)
        if carried:
            ok = QPushButton(_("確認済みにする"), self)
            ok.setObjectName("markReviewed")
            ok.clicked.connect(lambda: self.done(self.REVIEWED))
            buttons.addButton(ok, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


# --------------------------------------------------------------------------- wastebasket
class TrashDialog(QDialog):
    """Deleted sheets, with シートを戻す: deleting is never final from the app."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trashDialog")
        self.setWindowTitle(_("ごみ箱"))
        self.resize(700, 400)
        self.store = store
        self.restored: list[int] = []
        lay = QVBoxLayout(self)
        self.list = QListWidget(self)
        lay.addWidget(self.list)
        self._fill()
        buttons = QDialogButtonBox(self)
        restore = QPushButton(_("シートを戻す"), self)
        restore.setObjectName("undelete")
        restore.clicked.connect(self._restore)
        buttons.addButton(restore, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        lay.addWidget(buttons)

    def _fill(self) -> None:
        self.list.clear()
        for s in self.store.list_sheets(deleted_only=True):
            item = QListWidgetItem(
                "　".join((str(s.fiscal_year or ""), s.contribution or _("（無題）"),
                          _("削除 {time}").format(time=local_time(s.deleted))))
            )
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.list.addItem(item)

    def _restore(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        sid = int(item.data(Qt.ItemDataRole.UserRole))
        self.store.undelete_sheet(sid)
        self.restored.append(sid)
        self._fill()


# --------------------------------------------------------------------------- backups
def backup_kind_label(kind: str) -> str:
    return {"daily": _("毎日"), "weekly": _("毎週"), "migration": _("更新前"), "manual": _("手動")}.get(kind, kind)


class RestoreBackupDialog(QDialog):
    """The database's backups, newest first; the chosen one is restored as a new file.
    「今すぐバックアップ」 takes a manual backup of the current database."""

    def __init__(self, db: Path, parent: QWidget | None = None):
        from desktop.core.backup import backup_dir

        super().__init__(parent)
        self.setObjectName("restoreBackupDialog")
        self.setWindowTitle(_("バックアップから復元"))
        self.resize(640, 420)
        self.db = db
        self.chosen: Path | None = None
        self.backups: list = []
        lay = QVBoxLayout(self)
        intro = QLabel(_(
            "バックアップを選んで「復元…」を押すと，その内容を新しいデータベースファイルとして保存します。"
            "今のデータベース（{path}）は変更しません。"
        ).format(path=db), self)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels([_("日時"), _("種類"), _("シート数"), _("ファイル")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        self.empty = QLabel(_("バックアップはまだありません（{folder}）。").format(folder=backup_dir(db)), self)
        lay.addWidget(self.empty)
        buttons = QDialogButtonBox(self)
        now = QPushButton(_("今すぐバックアップ"), self)
        now.setObjectName("backupNow")
        now.clicked.connect(self.back_up_now)
        buttons.addButton(now, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button = QPushButton(_("復元…"), self)
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.clicked.connect(self._restore)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(_("閉じる"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.table.doubleClicked.connect(lambda _i: self._restore())
        self._fill()

    def _fill(self) -> None:
        from desktop.core.backup import list_backups

        self.backups = list_backups(self.db)
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            cells = (b.created.astimezone().strftime("%Y-%m-%d %H:%M"), backup_kind_label(b.kind),
                     "" if b.sheets is None else str(b.sheets), b.path.name)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(b.path))
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, max(self.table.columnWidth(2), 70))
        self.empty.setVisible(not self.backups)
        self.restore_button.setEnabled(bool(self.backups))
        if self.backups:
            self.table.selectRow(0)

    def back_up_now(self) -> None:
        from desktop.core.backup import BackupError, take_backup

        try:
            take_backup(self.db, "manual")
        except BackupError as exc:
            inform(self, _("バックアップ"), str(exc), warning=True)
            return
        self._fill()

    def _restore(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if rows:
            self.chosen = self.backups[min(rows)].path
            self.accept()


# --------------------------------------------------------------------------- preview / print
class PreviewDialog(QDialog):
    """Shows the very PDF file that Save / Print use (no second rendering path)."""

    def __init__(self, pdf_path: Path, suggested_name: str, parent: QWidget | None = None):
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.setObjectName("previewDialog")
        self.setWindowTitle(_("印刷プレビュー"))
        self.resize(900, 700)
        self.pdf_path = pdf_path
        self.suggested_name = suggested_name
        self.document = QPdfDocument(self)
        self.document.load(str(pdf_path))
        lay = QVBoxLayout(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        lay.addWidget(self.view)
        buttons = QDialogButtonBox(self)
        save = QPushButton(_("PDF として保存…"), self)
        save.clicked.connect(self.save_as)
        printb = QPushButton(_("印刷…"), self)
        printb.clicked.connect(self.print_)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(printb, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def save_as(self) -> None:
        from desktop.gui import folders

        path = folders.save_file(self, "pdf", _("PDF として保存"), self.suggested_name, "PDF (*.pdf)")
        if not path:
            return
        import shutil

        from desktop.core.safe_files import FileProblem, replacing

        try:  # beside the target first, then renamed over it: a full disk leaves the old file whole
            with replacing(path) as tmp:
                shutil.copyfile(self.pdf_path, tmp)
        except FileProblem as exc:
            inform(self, _("PDF として保存"), str(exc), warning=True)

    def print_(self) -> None:
        """Ask for a printer, then print the same PDF in the background (see :mod:`printing`)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintDialog(printer, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.start_print(printer)

    def start_print(self, printer: object) -> PrintJob:
        """Start a print job with a progress dialog that can cancel it; returns the job."""
        job = PrintJob(self.pdf_path, printer, self)
        progress = QProgressDialog(_("印刷しています…"), _("キャンセル"), 0, self.page_count(), self)
        progress.setWindowTitle(_("印刷"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        job.progressed.connect(lambda done, _total: progress.setValue(done))
        progress.canceled.connect(job.cancel)
        job.finished.connect(lambda: self._print_done(job, progress))
        self.print_job, self.progress = job, progress
        job.start()
        return job

    def _print_done(self, job: PrintJob, progress: QProgressDialog) -> None:
        progress.close()
        if job.error:
            inform(self, _("印刷"), _("印刷できませんでした：{error}").format(error=job.error), warning=True)

    def done(self, result: int) -> None:
        job = getattr(self, "print_job", None)
        if job is not None and job.isRunning():  # closing the preview stops the job first
            job.cancel()
            job.wait()
        super().done(result)


def temp_pdf_path(sheet_id: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "hyoka-preview"
    folder.mkdir(exist_ok=True)
    return folder / f"sheet-{sheet_id}.pdf"
