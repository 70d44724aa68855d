"""The review comments (指摘) dock: the office's comments on the open sheet.

Apart from :mod:`desktop.gui.office` (the office's folder import and year overview,
loaded when opened) because the dock is part of the first window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from desktop.core.i18n import _
from desktop.core.records import Comment
from desktop.core.store import Store


class CommentsPanel(QWidget):
    """Review comments (指摘) of the open sheet: on a field or the whole sheet, open or resolved."""

    changed = Signal()
    fieldRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self.store: Store | None = None
        self.sheet_id: int | None = None
        self.form: Any = None
        self.current_field: Callable[[], str] = lambda: ""
        self.read_only = False
        self._cache: list[Comment] = []
        v = QVBoxLayout(self)
        v.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget(self)
        self.list.setObjectName("commentList")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        v.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("指摘を追加…"), self)
        self.add_button.setObjectName("addComment")
        self.add_button.clicked.connect(self.on_add)
        self.resolve_button = QPushButton(_("解決済みにする"), self)
        self.resolve_button.setObjectName("resolveComment")
        self.resolve_button.clicked.connect(self.on_resolve)
        row.addWidget(self.add_button)
        row.addWidget(self.resolve_button)
        v.addLayout(row)

    def show_sheet(self, store: Store, sheet_id: int | None, form: Any) -> None:
        self.store, self.sheet_id, self.form = store, sheet_id, form
        self.refresh()

    def comments(self) -> list[Comment]:
        """The open sheet's comments as last read (:meth:`refresh` reads them again)."""
        return list(self._cache)

    def open_by_field(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.comments():
            if c.is_open:
                out[c.field_id] = out.get(c.field_id, 0) + 1
        return out

    def _field_label(self, fid: str) -> str:
        if not fid:
            return _("シート全体")
        f = self.form.by_id.get(fid) if self.form is not None else None
        return (f"{f.number} {f.label}".strip() if f else fid)[:40]

    def refresh(self) -> None:
        self.list.clear()
        self._cache = [] if self.store is None or self.sheet_id is None else self.store.comments(self.sheet_id)
        comments = sorted(self._cache, key=lambda c: (not c.is_open, c.created))
        for c in comments:
            state = _("未解決") if c.is_open else _("解決済み（{who}，{date}）").format(
                who=c.resolved_by or "?", date=c.resolved[:10])
            item = QListWidgetItem(f"◆ {self._field_label(c.field_id)}｜{state}\n{c.text}\n— {c.author or _('記入者不明')}，"
                                   f"{c.created[:10]}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, c.field_id)
            item.setForeground(QColor("#b45309") if c.is_open else QColor("#777"))
            self.list.addItem(item)
        has = self.sheet_id is not None and not self.read_only
        self.add_button.setEnabled(has)
        self.resolve_button.setEnabled(has and bool(comments))

    def add(self, text: str, field_id: str = "") -> Comment | None:
        if self.store is None or self.sheet_id is None or not text.strip():
            return None
        c = self.store.add_comment(self.sheet_id, text, field_id=field_id)
        self.refresh()
        self.changed.emit()
        return c

    def on_add(self) -> None:
        fid = self.current_field()
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getMultiLineText(
            self, _("指摘を追加"), _("対象：{target}（記入者：{author}）").format(
                target=self._field_label(fid), author=(self.store.author if self.store else "") or _("未設定")))
        if ok:
            self.add(text, fid)

    def resolve(self, comment_id: str, resolved: bool = True) -> None:
        if self.store is None:
            return
        self.store.resolve_comment(comment_id, resolved=resolved)
        self.refresh()
        self.changed.emit()

    def on_resolve(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        cid = str(item.data(Qt.ItemDataRole.UserRole))
        is_open = any(c.id == cid and c.is_open for c in self.comments())
        self.resolve(cid, resolved=is_open)

    def _activated(self, item: QListWidgetItem) -> None:
        fid = str(item.data(Qt.ItemDataRole.UserRole + 1) or "")
        cid = str(item.data(Qt.ItemDataRole.UserRole))
        is_open = any(c.id == cid and c.is_open for c in self.comments())
        self.resolve_button.setText(_("解決済みにする") if is_open else _("未解決に戻す"))
        if fid:
            self.fieldRequested.emit(fid)
