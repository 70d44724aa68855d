"""PySide6 work-arounds of desktop/gui/qtcompat.py."""

from __future__ import annotations

import builtins
import re

import desktop.gui  # noqa: F401 - applies the work-arounds
from tests.conftest import ROOT


def test_imports_no_longer_read_each_modules_source() -> None:
    """PySide6's ``__feature__`` hook read the source of every module imported after Qt (5 % of
    the start); with it gone, imports go to the loader PySide6 wrapped (its lazy class loader)."""
    assert builtins.__import__ is builtins.__orig_import__  # type: ignore[attr-defined]
    assert getattr(builtins.__import__, "__name__", "") != "__feature_import__"
    from PySide6.QtWidgets import QLabel  # Qt's classes still import

    assert QLabel.__name__ == "QLabel"


def test_hyoka_uses_no_pyside_feature() -> None:
    """Why the hook may go: no module selects a PySide6 ``__feature__`` (snake_case, true_property)."""
    users = [p for p in (ROOT / "desktop").rglob("*.py")
             if re.search(r"^\s*from\s+__feature__\s+import", p.read_text(encoding="utf-8"), re.M)]
    assert users == []
