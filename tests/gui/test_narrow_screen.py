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


def _every_tab(win, sheet_ids: list[int]) -> tuple[set[str], list[str]]:
    """Visit every tab of every sheet; the formats seen and the problems found."""
    forms, problems = set(), []
    for sid in sheet_ids:
        win.open_sheet(sid)
        view = win.current_view()
        forms.add(view.form.id)
        for i, tab in enumerate(view.form.tabs):
            view.tabs.setCurrentIndex(i)
            _settle()
            assert view.is_built(tab.id)
            problems += [f"{win.width()}×{win.height()} {view.form.id} {p}" for p in _problems(view, tab.id)]
    return forms, problems


@pytest.mark.parametrize("screen", [(1280, 720), (1366, 768)])
def test_every_tab_fits_without_scrolling_sideways(make_window, db_path: Path, screen: tuple[int, int]) -> None:
    win = make_window(db_path)
    width, height = screen
    problems = []
    # the first start on that screen (fitted, a little smaller), then the window forced to the
    # whole screen (``--size``) with the docks as the first start left them
    for forced in (False, True):
        win.fit_to_screen(QRect(0, 0, width, height))
        if forced:
            win.resize(width, height)
        _settle()
        assert win.list_dock.isVisible() and win.findings_dock.isVisible()
        forms, found = _every_tab(win, win.listed_ids())
        assert forms == {"mofa-r01", "mofa-h30"}  # the two demo sheets
        problems += found
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("zoom", [100, 130])
def test_blank_sheets_of_every_format_fit_in_english_too(make_window, db_path: Path, zoom: int) -> None:
    """Error lines under the empty fields, the English texts (longer examples and echoes of the
    dates and periods filled in here, 「(does not apply to this form of contribution)」 beside a
    group's title), the formats that have no demo sheet; also with the form zoomed (Ctrl+plus)."""
    from desktop.core.definition import all_forms
    from desktop.core.i18n import set_language

    dates = {"ym": "2018-06", "fy": "2017", "fy_or_period": "2017-07/2018-06"}
    set_language("en")
    try:
        win = make_window(db_path)
        win.fit_to_screen(QRect(0, 0, 1280, 720))
        win.set_zoom(zoom)
        _settle()
        sheets = []
        for form_id, form in all_forms().items():
            sheets.append(win.create_sheet(form_id, 2020))
            for f in form.fields:
                if f.type in dates and not f.computed:
                    win.controller.set_value(f.id, dates[f.type])
            win.controller.validate_now()
        forms, problems = _every_tab(win, sheets)
    finally:
        set_language("ja")
    assert forms == set(all_forms()) and {"mofa-r01", "mofa-h30"} <= forms
    assert not problems, "\n".join(problems[:20])


def test_not_applicable_note_wraps_under_the_group_title(window) -> None:
    """「（この拠出形態では該当しません）」 is a wrapping line in the box, no longer part of its title
    (a title never wraps): the box needs no more width when its group does not apply."""
    from PySide6.QtWidgets import QGroupBox, QLabel

    window.create_sheet("mofa-r01", 2020)
    view = window.current_view()
    view.ensure_tab("c3")
    box = window.findChild(QGroupBox, "group:c3_3")
    note = window.findChild(QLabel, "notApplicable:c3_3")
    window.controller.set_value("contribution_form", "イヤマーク")
    _settle()
    assert note.isHidden()
    applicable_width = box.minimumSizeHint().width()
    window.controller.set_value("contribution_form", "ノンイヤマーク")
    _settle()
    assert not note.isHidden() and note.wordWrap() and "該当しません" in note.text()
    assert box.title() == window.controller.form.groups["c3_3"].display_label
    assert box.minimumSizeHint().width() <= applicable_width


def test_a_long_paste_into_a_date_box_scrolls_inside_the_box(make_window, db_path: Path) -> None:
    """A date or period box grows to show a value in any notation, up to the widest one a period is
    written in; a longer paste (a whole sentence from a report) scrolls inside the box instead of
    widening 評価基準３ past the view, and what was pasted is kept as typed."""
    win = make_window(db_path)
    win.fit_to_screen(QRect(0, 0, 1280, 720))
    _settle()
    win.open_sheet(win.listed_ids()[0])
    view = win.current_view()
    index = next(i for i, t in enumerate(view.form.tabs) if t.id == view.form.by_id["c3_4_int_period"].tab)
    view.tabs.setCurrentIndex(index)
    _settle()
    pasted = "内部監査は2017年7月から2018年6月までを対象として実施され，その結果は理事会に報告された。" * 3
    for field_id, text in (("c3_4_int_period", pasted), ("c3_2_report_ym", "平成30年10月～令和元年9月")):
        editor = view.editor(field_id)
        assert editor is not None
        editor.widget.setText(text)
        _settle()
        assert editor.widget.text() == text
    scroll = view.scrolls[view.form.tabs[index].id]
    assert scroll.horizontalScrollBar().maximum() == 0
    # a period in its widest usual notation is still shown whole
    assert not [p for p in _problems(view, view.form.tabs[index].id) if "c3_2_report_ym" in p]
