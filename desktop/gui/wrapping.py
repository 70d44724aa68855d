"""List items whose text wraps anywhere: Japanese has no spaces to wrap at.

Qt's default item delegate wraps only at word boundaries and measures the height
with the widget's nominal line height, so a Japanese finding was cut to one line
and elided. This delegate measures and draws with the same wrap-anywhere rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QStyledItemDelegate

if TYPE_CHECKING:  # their Python wrappers are made when a finding is first drawn, not at start
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QAbstractItemView, QStyleOptionViewItem

PAD = 4
FLAGS = int(Qt.TextFlag.TextWrapAnywhere) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)


class WrapAnywhereDelegate(QStyledItemDelegate):
    def __init__(self, view: QAbstractItemView):
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = max(self.view.viewport().width() - 2 * PAD, 40)
        text = str(index.data() or "")
        rect = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), FLAGS, text)
        return QSize(width, rect.height() + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else self.view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if selected:
            painter.setPen(opt.palette.highlightedText().color())
        elif brush is not None:
            painter.setPen(brush.color() if hasattr(brush, "color") else brush)
        painter.drawText(opt.rect.adjusted(PAD, PAD, -PAD, -PAD), FLAGS, text)
        painter.restore()
