"""Colours and emphasis of the form's own labels, through palettes and fonts.

Not style sheets: every widget under a style sheet is laid out and painted through
Qt's style-sheet style, which made building and painting the first tab about a
quarter slower (issue 11, item 12), and a style sheet's font stops the form's zoom
(Ctrl+plus) from reaching the widgets under it. A palette or font set here carries
only the attributes named, so size and family still follow the form.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QWidget


def tint(widget: QWidget, color: str) -> None:
    """Text in ``color`` (labels draw with WindowText, editors with Text)."""
    palette = QPalette()  # resolves nothing until set: only these roles override the parent's
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    palette.setColor(QPalette.ColorRole.Text, QColor(color))
    widget.setPalette(palette)


def shade(widget: QWidget, background: str, color: str) -> None:
    """A box's background and text colour (a read-only value)."""
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor(background))
    palette.setColor(QPalette.ColorRole.Text, QColor(color))
    widget.setPalette(palette)


def emphasize(widget: QWidget, *, bold: bool | None = True, point_size: float | None = None) -> None:
    """Bold (or, with ``bold=False``, explicitly normal) and optionally a fixed size."""
    font = QFont()
    font.setResolveMask(0)  # only what is set below is the widget's own
    if bold is not None:
        font.setBold(bold)
    if point_size is not None:
        font.setPointSizeF(point_size)
    widget.setFont(font)


_RICH_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape_rich(text: str) -> str:
    """``html.escape`` for a rich-text label, without importing :mod:`html` (its table of
    named entities) on the way to the first window."""
    return text.translate(_RICH_ESCAPES)
