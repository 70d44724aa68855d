"""Words and times as the officer reads them: revision kinds, statuses, local time.

Apart from :mod:`desktop.gui.dialogs` because the sheet list and the status bar need
them for the first window, and the dialogs are loaded only when one is opened.
"""

from __future__ import annotations

from datetime import datetime

from desktop.core.i18n import _


def kind_label(kind: str) -> str:
    """Revision kinds as the officer reads them (explicit ``_()`` calls so pybabel sees them)."""
    return {
        "create": _("作成"), "save": _("保存"), "autosave": _("自動保存"), "restore": _("復元"),
        "import": _("取り込み"), "merge": _("統合（取り込み）"), "duplicate": _("複製"), "carry_over": _("前年度から作成"), "status": _("状態の変更"),
        "import_sheet": _("既存のシートから作成"),
    }.get(kind, kind)


def status_label(status: str) -> str:
    return {"draft": _("作成中"), "complete": _("完了")}.get(status, status)


def local_time(stamp: str | None, *, seconds: bool = True) -> str:
    """ISO UTC from the store → local ``YYYY-MM-DD hh:mm:ss`` for people."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    except ValueError:
        return stamp
