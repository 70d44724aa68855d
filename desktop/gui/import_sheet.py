"""「既存のシートから作成…」: the preview of what import-sheet read, and the note kept with the sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import _

if TYPE_CHECKING:  # the reader is imported when the preview opens, not at every start of the app
    from desktop.core.sheet_import import ImportResult

ROW_COLORS = {"uncertain": "#fde68a", "missing": "#fecaca", "empty": "#f3f4f6"}  # by sheet_import's status
FILE_FILTER = "PDF / Word / テキスト (*.pdf *.docx *.txt);;PDF (*.pdf);;Word (*.docx);;テキスト (*.txt)"


class ImportPreviewDialog(QDialog):
    """Field / recovered text / source excerpt, uncertain rows highlighted; OK creates the sheet."""

    def __init__(self, result: ImportResult, source: str, parent: QWidget | None = None):
        from desktop.core.sheet_import import MISSING, UNCERTAIN
        from desktop.core.sheet_import import report as report_mod
        from desktop.core.sheet_import.text import excerpt

        super().__init__(parent)
        self.setObjectName("importPreviewDialog")
        self.result = result
        self.setWindowTitle(_("既存のシートから作成 — {source}").format(source=source))
        self.resize(1000, 640)
        v = QVBoxLayout(self)
        head = QLabel(_("{source} を様式「{form}」として読み取りました。").format(source=source, form=result.form.name)
                      + "\n" + report_mod.summary(result), self)
        head.setObjectName("importSummary")
        head.setWordWrap(True)
        v.addWidget(head)
        hint = QLabel(_("黄色の行は要確認，赤の行はラベルが見つからなかった項目です。作成したシートでは読み取った項目に"
                        "「取り込み」の印が付き，確認するまで「完了」にできません。"), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        v.addWidget(hint)

        split = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableWidget(0, 4, split)
        self.table.setObjectName("importTable")
        self.table.setHorizontalHeaderLabels([_("状態"), _("項目"), _("読み取った値"), _("元の文章（抜粋）")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 190)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 220)
        order = {UNCERTAIN: 0, MISSING: 1}
        rows = sorted(result.fields, key=lambda r: order.get(r.status, 2))
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [
                report_mod.status_label(r.status),
                r.label,
                excerpt(report_mod.shown(result, r.field_id, r.value), 120),
                r.source,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = "\n".join(x for x in (r.field_id, r.reason) if x)
                item.setToolTip(tip)
                color = ROW_COLORS.get(r.status)
                if color:
                    item.setBackground(QBrush(QColor(color)))
                self.table.setItem(i, col, item)
            if r.reason:
                self.table.item(i, 0).setText(f"{report_mod.status_label(r.status)}：{r.reason}")

        rest = QWidget(split)
        rv = QVBoxLayout(rest)
        rv.setContentsMargins(0, 0, 0, 0)
        label = QLabel(_("どの項目にも入らなかった文章と計算値の不一致（シートのメモとして残ります）"), rest)
        rv.addWidget(label)
        self.note = QPlainTextEdit(rest)
        self.note.setObjectName("importNote")
        self.note.setReadOnly(True)
        note = "\n".join([*result.findings, "", result.note()]).strip()
        self.note.setPlainText(note or _("（なし）"))
        rv.addWidget(self.note)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        v.addWidget(split, 1)

        buttons = QDialogButtonBox(self)
        ok = buttons.addButton(_("シートを作成"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("createImportedSheet")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)

    def uncertain_rows(self) -> list[int]:
        return [i for i in range(self.table.rowCount())
                if self.table.item(i, 0).background().color() == QColor(ROW_COLORS["uncertain"])]


class ImportNotePanel(QWidget):
    """Beside the form: the source's text that found no field, to read and copy from."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importNotePanel")
        v = QVBoxLayout(self)
        v.setContentsMargins(4, 4, 4, 4)
        self.source = QLabel(self)
        self.source.setWordWrap(True)
        v.addWidget(self.source)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("importNoteText")
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        v.addWidget(self.text, 1)
        row = QHBoxLayout()
        copy = QPushButton(_("選択部分をコピー"), self)
        copy.setObjectName("copyImportNote")
        copy.clicked.connect(self.copy_selection)
        row.addStretch(1)
        row.addWidget(copy)
        v.addLayout(row)

    def show_note(self, source: str, note: str) -> None:
        self.source.setText(_("取り込み元：{source}\n項目に入らなかった文章です。必要な部分を選んでコピーしてください。").format(source=source))
        self.text.setPlainText(note)

    def copy_selection(self) -> None:
        cursor = self.text.textCursor()
        text = cursor.selectedText().replace("\u2029", "\n") if cursor.hasSelection() else self.text.toPlainText()
        QGuiApplication.clipboard().setText(text)
