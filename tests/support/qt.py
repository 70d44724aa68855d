"""Shared helpers for the GUI tests: find a field's widget, type into it like a keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def w(win: Any, name: str, cls: type = QWidget) -> Any:
    """The widget named ``name`` (a field id) in ``win``."""
    view = win.current_view() if hasattr(win, "current_view") else None
    if view is not None:
        view.editor(name)  # a field on a tab not shown yet: built as showing its tab would
    found = win.findChild(cls, name)
    assert found is not None, f"no widget named {name!r}"
    return found


def type_into(widget: QWidget, text: str) -> None:
    """Key events, one character at a time, as an officer types."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
