"""File dialogs that start in the officer's Documents folder and remember the last folder
per purpose (import, export, PDF, …) in the preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QWidget

PURPOSES = ("import", "import_sheet", "export", "pdf", "database")


def _settings() -> QSettings:
    from .app import settings

    return settings()


def documents() -> str:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return docs
    return str(Path.home())


def start_dir(purpose: str) -> str:
    """The folder a dialog for ``purpose`` opens in: the last one used for it, else Documents."""
    saved = _settings().value(f"folders/{purpose}")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return saved
    return documents()


def remember(purpose: str, path: str) -> None:
    if not path:
        return
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    s = _settings()
    s.setValue(f"folders/{purpose}", str(folder))
    s.sync()


def open_files(parent: QWidget | None, purpose: str, title: str, file_filter: str) -> list[str]:
    from PySide6.QtWidgets import QFileDialog  # its Python class is made when a dialog opens

    paths, _f = QFileDialog.getOpenFileNames(parent, title, start_dir(purpose), file_filter)
    if paths:
        remember(purpose, paths[0])
    return list(paths)


def open_file(parent: QWidget | None, purpose: str, title: str, file_filter: str) -> str:
    from PySide6.QtWidgets import QFileDialog  # its Python class is made when a dialog opens

    path, _f = QFileDialog.getOpenFileName(parent, title, start_dir(purpose), file_filter)
    if path:
        remember(purpose, path)
    return str(path or "")


def save_file(parent: QWidget | None, purpose: str, title: str, name: str, file_filter: str) -> str:
    """``name`` is a file name (put in the purpose's folder) or a full path (kept)."""
    suggested = name if Path(name).is_absolute() else str(Path(start_dir(purpose)) / name)
    from PySide6.QtWidgets import QFileDialog  # its Python class is made when a dialog opens

    path, _f = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    if path:
        remember(purpose, path)
    return str(path or "")
