"""A program error inside the running app: saved work first, then a one-line message and a record.

PySide6 prints an exception raised in a slot and carries on; in the windowed Windows build there
is no console, so the officer saw nothing while the action silently did not happen. The hook
autosaves what was typed, records the traceback (:mod:`desktop.core.error_log`) and says so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from desktop.core import error_log
from desktop.core.i18n import _

Hook = Callable[[type[BaseException], BaseException, "TracebackType | None"], Any]


def install(window: Callable[[], Any]) -> Hook:
    """Make ``sys.excepthook`` the app's; ``window()`` gives the main window (or None). Returns the hook."""
    previous = sys.excepthook
    busy = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal busy
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            previous(exc_type, exc, tb)
            return
        if sys.stderr is not None:
            previous(exc_type, exc, tb)
        from desktop.gui.help import app_version

        path = error_log.record(exc_type, exc, tb, version=app_version())
        if busy:  # an error while telling of one: recorded, not shown again
            return
        busy = True
        try:
            win = window()
            saved = _save(win)
            detail = f"{exc_type.__name__}: {exc}".replace("\n", " ")
            text = _("プログラムの誤りで操作を完了できませんでした（{error}）。").format(error=detail[:200])
            text += _("入力は保存しました。") if saved else _("入力を保存できなかったおそれがあります。")
            if path is not None:
                text += _("詳細を {path} に記録しました。").format(path=path)
            from desktop.gui import dialogs

            try:
                dialogs.inform(win, _("プログラムの誤り"), text, warning=True)
            except RuntimeError:  # the window is already gone (an error while closing)
                dialogs.inform(None, _("プログラムの誤り"), text, warning=True)
        finally:
            busy = False

    sys.excepthook = hook
    return hook


def _save(win: Any) -> bool:
    """Autosave the open sheet's unsaved input; False when that failed too."""
    controller = getattr(win, "controller", None)
    if controller is None:
        return True
    try:
        return bool(controller.flush())
    except Exception:  # the store may be what failed: the message says input may be lost
        return False
