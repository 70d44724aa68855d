"""Issue 11 item 1: the form stays usable down to 1280×720 — no tab of either format needs a
horizontal scroll bar, every field lies inside the page and no value is cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

pytestmark = pytest.mark.gui


def _settle() -> None:
    for _ in range(4):  # the page's layout request, then the scroll area's own resize
        QApplication.processEvents()


def _problems(view, tab_id: str) -> list[str]:
    """What on the tab would make the officer scroll sideways or miss a part of a value."""
    scroll = view.scrolls[tab_id]
    viewport = scroll.viewport()
    width = viewport.width()
    out = []
    if scroll.horizontalScrollBar().maximum() > 0:
        out.append(f"{tab_id}: horizontal scroll bar (page needs {scroll.widget().minimumSizeHint().width()} px,"
                   f" viewport {width} px)")
    page = scroll.widget()
    for widget in [page, *page.findChildren(QWidget)]:
        if not widget.isVisibleTo(page) or widget.window() is not view.window():
            continue
        left = widget.mapTo(viewport, widget.rect().topLeft()).x()
        right = widget.mapTo(viewport, widget.rect().topRight()).x()
        if left < 0 or right >= width:
            out.append(f"{tab_id}: {type(widget).__name__} {widget.objectName()!r} spans {left}..{right} of {width}")
    for edit in page.findChildren(QLineEdit):
        if edit.isVisibleTo(page):
            shown = edit.text() or edit.placeholderText()
            room = edit.contentsRect().width() - edit.textMargins().left() - edit.textMargins().right() - 4
            if edit.fontMetrics().horizontalAdvance(shown) > room:
                out.append(f"{tab_id}: {edit.objectName()!r} cuts {shown!r}")
    return out


@pytest.mark.parametrize("screen", [(1280, 720), (1366, 768)])
def test_every_tab_fits_without_scrolling_sideways(make_window, db_path: Path, screen: tuple[int, int]) -> None:
    win = make_window(db_path)
    width, height = screen
    seen_forms = set()
    problems = []
    # the first start on that screen (fitted, a little smaller), then the window forced to the
    # whole screen (``--size``) with the docks as the first start left them
    for forced in (False, True):
        win.fit_to_screen(QRect(0, 0, width, height))
        if forced:
            win.resize(width, height)
        _settle()
        assert win.list_dock.isVisible() and win.findings_dock.isVisible()
        for sid in win.listed_ids():
            win.open_sheet(sid)
            view = win.current_view()
            seen_forms.add(view.form.id)
            for i, tab in enumerate(view.form.tabs):
                view.tabs.setCurrentIndex(i)
                _settle()
                assert view.is_built(tab.id)
                problems += [f"{win.width()}×{win.height()} {view.form.id} {p}" for p in _problems(view, tab.id)]
    assert seen_forms == {"mofa-r01", "mofa-h30"}  # the two demo sheets
    assert not problems, "\n".join(problems[:20])
