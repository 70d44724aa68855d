"""GUI test fixtures: the real MainWindow, offscreen, on a fresh database per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.i18n import set_language


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Preferences (recent files, language) go to a temp folder, never the user's."""
    monkeypatch.setenv("HYOKA_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    set_language("ja")


@pytest.fixture(scope="session")
def gui_app(qapp):
    from desktop.gui.app import setup_application

    setup_application(qapp)
    return qapp


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Modal boxes answered automatically; what they said is recorded."""
    from desktop.gui import dialogs

    said: list[tuple[str, str]] = []

    def ask(_parent: object, title: str, text: str) -> bool:
        said.append((title, text))
        return True

    def inform(_parent: object, title: str, text: str, *, warning: bool = False) -> None:
        said.append((title, text))

    def show_findings(_parent: object, title: str, intro: str, _rows: list, **_kw: object) -> None:
        said.append((title, intro))
        return None  # closed

    def choose(_parent: object, title: str, text: str, _buttons: list[str], **_kw: object) -> int:
        said.append((title, text))
        return 0

    monkeypatch.setattr(dialogs, "ask", ask)
    monkeypatch.setattr(dialogs, "inform", inform)
    monkeypatch.setattr(dialogs, "show_findings", show_findings)
    monkeypatch.setattr(dialogs, "choose", choose)
    return said


@pytest.fixture
def make_window(gui_app, qtbot, messages):
    """Open (and later close) MainWindows on a database, like ``hyoka gui --db``."""
    from desktop.gui.app import create_window

    opened = []

    def make(db: Path, *, show: bool = True):
        win = create_window(db, interactive=False)
        assert win is not None
        win.resize(1366, 768)
        if show:
            win.show()
            qtbot.waitExposed(win)
        opened.append(win)
        return win

    yield make
    for win in opened:
        win.close()


@pytest.fixture
def window(make_window, db_path: Path) -> Iterator:
    yield make_window(db_path)
