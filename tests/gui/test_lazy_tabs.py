"""Tabs built when first shown (issue 11 item 12, cold start): only the tab on screen exists at the
first paint; a tab built later shows everything the sheet already says, and find, jumps and
edits work across built and unbuilt tabs."""

from __future__ import annotations

import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QPlainTextEdit, QWidget

from tests.support.qt import type_into

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_idle_build(request, monkeypatch) -> None:
    """Tabs stay unbuilt until shown, so these tests can look at one that was never built (the app
    builds them in idle time after the first paint: test_idle_time_builds_the_rest_one_per_turn)."""
    if "idle" not in request.node.name:
        from desktop.gui.form_view import FormView

        monkeypatch.setattr(FormView, "idle_build", False)


def built(view, tab_id: str) -> bool:
    """Whether any field of the tab has a widget (asked of Qt, not of the view's bookkeeping)."""
    return any(view.findChild(QWidget, f.id) is not None for f in view.form.fields_in_tab(tab_id))


def tab_of(view, tab_id: str) -> int:
    return [t.id for t in view.form.tabs].index(tab_id)


def validated(qtbot, win) -> None:
    with qtbot.waitSignal(win.controller.findingsChanged, timeout=3000):
        pass


class FirstPaint(QObject):
    """Which tabs of the main window's sheet have widgets when the window is first painted."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, bool] | None = None
        self.current = ""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self.seen is None and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
            view = obj.current_view()  # type: ignore[attr-defined]
            if view is not None:
                self.seen = {t.id: built(view, t.id) for t in view.form.tabs}
                self.current = view.form.tabs[view.tabs.currentIndex()].id
        return False


@pytest.mark.parametrize("saved_tab", [0, 3])
def test_first_paint_builds_only_the_tab_on_screen(gui_app, messages, monkeypatch, db_path: Path,
                                                    saved_tab: int) -> None:
    """The real start (``hyoka gui --sheet 1``, the benchmark's path): at the first paint only the
    restored tab has widgets — not tab 0 as well when another one was open last time."""
    from desktop.gui.app import run, settings

    s = settings()
    s.setValue("window/tab", saved_tab)
    s.sync()
    monkeypatch.setenv("HYOKA_REPORT_STARTUP", "1")  # run() paints, reports and closes the window
    spy = FirstPaint()
    gui_app.installEventFilter(spy)
    try:
        code = run(Namespace(db=str(db_path), sheet=1, tab=None, lang=None, screenshot=None, size="1366x768"))
    finally:
        gui_app.removeEventFilter(spy)
    assert code == 0
    assert spy.seen is not None
    tabs = list(spy.seen)
    assert spy.current == tabs[saved_tab]
    assert [t for t, has in spy.seen.items() if has] == [tabs[saved_tab]]


def test_idle_time_builds_the_rest_one_per_turn(window, qtbot) -> None:
    """After the first paint the tabs not shown yet are built, one per event-loop turn, with the
    sheet's state: the first switch to any of them is then as quick as the second."""
    from desktop.gui.form_view import IDLE_BUILD_MS

    window.open_sheet(1)
    view = window.current_view()
    assert view.built_tabs == ["overview"]  # shown and painted; the rest waits IDLE_BUILD_MS
    view._build_next_idle()  # one turn builds one tab
    assert view.built_tabs == ["overview", "c1"]
    qtbot.waitUntil(lambda: len(view.built_tabs) == len(view.form.tabs), timeout=IDLE_BUILD_MS + 5000)
    assert all(built(view, t.id) for t in view.form.tabs)
    assert view.tabs.currentIndex() == 0  # built out of sight
    budget = view.findChild(QLineEdit, "c3_2_currency")
    assert budget is not None and budget.text() == (window.controller.values.get("c3_2_currency") or "")


def test_a_tab_built_later_shows_values_findings_computed_and_applicability(window, qtbot) -> None:
    window.open_sheet(1)
    view = window.current_view()
    c = window.controller
    assert view.tabs.currentIndex() == 0 and not built(view, "c4") and not built(view, "c1")
    c.set_value("c4_1_total_staff", "たくさん")  # not a number: an error on a tab never shown
    validated(qtbot, window)
    errors = [f for f in c.findings if f.field_id == "c4_1_total_staff"]
    assert errors and not built(view, "c4")
    assert "(1)" in view.tabs.tabText(tab_of(view, "c4"))  # the count on the tab comes without building it

    view.tabs.setCurrentIndex(tab_of(view, "c4"))
    box = view.findChild(QLineEdit, "c4_1_total_staff")
    assert box is not None and box.text() == "たくさん"
    shown = view.findChild(QWidget, "findings:c4_1_total_staff").text()
    assert errors[0].message in shown
    senior = view.findChild(QLineEdit, "c4_1_jp_senior")
    assert senior.text() == str(c.values.get("c4_1_jp_senior") or "")
    cells = {f.id: c.computed[f.id].text for f in view.form.fields_in_tab("c4") if f.computed}
    assert any(cells.values())  # 日本人職員の割合, 増減数 … computed before the tab existed
    for fid, text in cells.items():
        assert view.editors[fid].widget.text() == text, fid

    # applicability (1-4 does not apply to ノンイヤマーク) on a tab built after the sheet loaded
    view.tabs.setCurrentIndex(tab_of(view, "c1"))
    earmark = view.editors["c1_4_earmark_results"]
    assert earmark.container.isEnabled() == (c.applicable.get("c1_4_earmark_results", True)
                                             or bool(c.values.get("c1_4_earmark_results")))
    assert view.findChild(QPlainTextEdit, "c1_1_strategy_goals").toPlainText() == c.values["c1_1_strategy_goals"]


def test_applicability_change_reaches_a_tab_built_afterwards(window, qtbot) -> None:
    window.open_sheet(1)
    view = window.current_view()
    c = window.controller
    before = c.applicable.get("c1_4_earmark_results", True)
    forms = [r for r in view.findChildren(QWidget) if r.objectName().startswith("contribution_form:")]
    other = next(r for r in forms if not r.isChecked())
    other.click()  # ノンイヤマーク ⇄ イヤマーク on tab 0: 1-4 changes applicability while tab c1 is unbuilt
    assert c.applicable.get("c1_4_earmark_results", True) != before
    assert not built(view, "c1")
    view.tabs.setCurrentIndex(tab_of(view, "c1"))
    earmark = view.editors["c1_4_earmark_results"]
    assert earmark.container.isEnabled() == (c.applicable["c1_4_earmark_results"]
                                             or bool(c.values.get("c1_4_earmark_results")))


def test_carried_marks_and_read_only_reach_tabs_built_later(window, make_window, qtbot, db_path: Path) -> None:
    window.open_sheet(1)
    sid = window.new_from_previous(1)
    assert sid is not None
    view = window.current_view()
    carried_c2 = [fid for fid in window.controller.carried if view.form.field(fid).tab == "c2"]
    assert carried_c2 and not built(view, "c2")
    view.tabs.setCurrentIndex(tab_of(view, "c2"))
    assert all(view.carry_marks[fid].isVisibleTo(view) for fid in carried_c2)
    assert all(view.compare_buttons[fid].isVisibleTo(view) for fid in carried_c2 if fid in view.compare_buttons)

    second = make_window(db_path)  # the database is in use: read-only
    assert second.read_only
    second.open_sheet(1)
    other = second.current_view()
    assert not built(other, "c2")
    other.tabs.setCurrentIndex(tab_of(other, "c2"))
    box = other.findChild(QPlainTextEdit, "c2_1_policies")
    assert box is not None and box.isReadOnly()
    assert box.toPlainText() == second.controller.values["c2_1_policies"]


def test_zoom_and_review_comment_marks_reach_tabs_built_later(window, qtbot) -> None:
    window.open_sheet(1)
    view = window.current_view()
    size = view.editor("contribution_name").widget.font().pointSizeF()
    window.set_zoom(130)
    view.set_comment_marks({"c3_2_budget": 2})
    assert not built(view, "c3")
    assert view.comment_mark("c3_2_budget") == "指摘 2"
    view.tabs.setCurrentIndex(tab_of(view, "c3"))
    assert view.editors["c3_rating"].widget.font().pointSizeF() == pytest.approx(size * 1.3)
    label = view.field_labels["c3_2_budget"]
    assert "指摘 2" in label.text() and label.toolTip()


def test_zoom_reaches_fields_inside_group_boxes_which_stay_normal_weight(window, qtbot) -> None:
    """The group box's bold title is a font, not a "QGroupBox * { font-weight: normal; }" style
    sheet, which stopped Qt's font inheritance: fields in a box (3-1, 3-2 …) kept their size at
    any zoom, built early or late."""
    window.open_sheet(1)
    view = window.current_view()
    size = view.editor("contribution_name").widget.font().pointSizeF()
    early = view.editor("c3_1_fiscal_year_start_month").widget  # builds 評価基準３ now
    window.set_zoom(130)
    late = view.editor("c3_2_budget").widget
    for box in (early, late):
        assert box.font().pointSizeF() == pytest.approx(size * 1.3)
        assert not box.font().bold()
    assert view.group_boxes["c3_1"].font().bold()


def test_find_reaches_a_tab_not_built_yet(window, qtbot) -> None:
    window.open_sheet(1)
    view = window.current_view()
    text = window.controller.values["c2_4_high_level_exchanges"]
    needle = next(text[i:i + 6] for i in range(len(text) - 6)
                  if not any(text[i:i + 6] in str(v) for k, v in window.controller.values.items()
                             if k != "c2_4_high_level_exchanges"))
    assert not built(view, "c2")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    window.find_edit.setText(needle)
    assert window.find_next() == "c2_4_high_level_exchanges"
    assert view.current_tab_id() == "c2"
    box = view.findChild(QPlainTextEdit, "c2_4_high_level_exchanges")
    assert box is not None and view.editors["c2_4_high_level_exchanges"].container.property("found") is True
    assert box.isVisible() and box.toPlainText() == text
    assert QApplication.focusWidget() is window.find_edit  # Enter again goes on to the next match


def test_jump_from_a_finding_to_a_tab_not_built_yet(window, qtbot) -> None:
    window.open_sheet(1)
    view = window.current_view()
    window.controller.set_value("c4_1_jp_staff", "abc")
    validated(qtbot, window)
    assert not built(view, "c4")
    items = [window.findings_list.item(i) for i in range(window.findings_list.count())]
    item = next(it for it in items if it.data(Qt.ItemDataRole.UserRole) == "c4_1_jp_staff")
    window.findings_list.itemActivated.emit(item)
    assert view.current_tab_id() == "c4"
    box = view.findChild(QLineEdit, "c4_1_jp_staff")
    assert box is not None and QApplication.focusWidget() is box and box.text() == "abc"


def test_edits_survive_switching_tabs(window, qtbot) -> None:
    window.open_sheet(1)
    view = window.current_view()
    name = view.findChild(QLineEdit, "contribution_name")
    type_into(name, "（改）")
    view.tabs.setCurrentIndex(tab_of(view, "c1"))
    goals = view.findChild(QPlainTextEdit, "c1_1_strategy_goals")
    goals.moveCursor(goals.textCursor().MoveOperation.End)
    type_into(goals, "追記。")
    view.tabs.setCurrentIndex(0)
    assert name.text().endswith("（改）")
    view.tabs.setCurrentIndex(tab_of(view, "c1"))
    assert goals.toPlainText().endswith("追記。")
    assert view.findChild(QPlainTextEdit, "c1_1_strategy_goals") is goals  # built once, not again
    qtbot.waitUntil(lambda: not window.controller.dirty, timeout=4000)
    stored = window.store.get_sheet(1).values
    assert stored["contribution_name"].endswith("（改）") and stored["c1_1_strategy_goals"].endswith("追記。")


def test_undo_of_an_edit_on_a_tab_left_behind(window, qtbot) -> None:
    """Undo after switching away changes the field on the other tab (built, kept) and the stored value."""
    window.open_sheet(1)
    view = window.current_view()
    view.tabs.setCurrentIndex(tab_of(view, "c3"))
    c = window.controller
    before = c.values.get("c3_2_report_kind")
    combo = view.editors["c3_2_report_kind"]
    choices = [k for k in view.form.field("c3_2_report_kind").choices if k != before]
    combo.edited.emit("c3_2_report_kind", choices[0])
    assert c.values["c3_2_report_kind"] == choices[0]
    view.tabs.setCurrentIndex(0)
    window.findings_list.setFocus()  # not in a text box: Ctrl+Z undoes the sheet's last choice
    window.on_undo()
    assert c.values.get("c3_2_report_kind") == before


def _start_in_a_process(code: str, tmp_path: Path, *, cache: bool = False) -> dict:
    """Run ``code`` (which starts the app with HYOKA_REPORT_STARTUP and prints JSON last) in a
    fresh process; its JSON. ``cache``: a user cache folder of its own."""
    import os

    env = {"HYOKA_REPORT_STARTUP": "1", "QT_QPA_PLATFORM": "offscreen", "HYOKA_CONFIG_DIR": str(tmp_path)}
    if cache:
        env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=90)
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_start_imports_no_reader_pdf_or_babel(tmp_path: Path) -> None:
    """The way to the first paint imports neither the sheet reader, the PDF printer, the office's
    spreadsheet export nor Babel (its CLDR data cost ~50 ms); they load when first used. Nor does it
    scan installed distributions for sqlite-utils plugins (importlib.metadata)."""
    code = (
        "import sys, json\n"
        "from desktop.cli import main\n"
        f"code = main(['gui', '--db', {str(tmp_path / 'hyoka.sqlite3')!r}, '--sheet', '1'])\n"
        "heavy = ['babel', 'reportlab', 'openpyxl', 'docx', 'pypdf', 'desktop.pdf', 'desktop.core.sheet_import',"
        " 'desktop.gui.conflict_dialog', 'desktop.gui.help', 'importlib.metadata']\n"
        "print(json.dumps({'code': code, 'loaded': [m for m in heavy if m in sys.modules]}))\n"
    )
    result = _start_in_a_process(code, tmp_path)
    assert result == {"code": 0, "loaded": []}


def test_start_runs_no_dialog_office_or_file_reader_code(tmp_path: Path) -> None:
    """Modules that only a menu command, a dialog or an error needs are not run on the way to the
    first paint (they may be in ``sys.modules`` as lazy modules, see desktop/lazy.py): the dialogs,
    the office's views, interchange files, carrying over, printing, strptime's locale tables and,
    with the format files in the cache, the TOML parser. A module's code has run once its globals
    hold ``__builtins__``."""
    code = (
        "import sys, json\n"
        "from desktop.cli import main\n"
        f"db = {str(tmp_path / 'hyoka.sqlite3')!r}\n"
        "main(['gui', '--db', db, '--sheet', '1'])\n"  # the first start seeds the demo and fills the caches
        "for name in list(sys.modules):\n"
        "    if name.startswith(('desktop', 'tomllib', '_strptime')): del sys.modules[name]\n"
        "from desktop.cli import main\n"
        "code = main(['gui', '--db', db, '--sheet', '1'])\n"
        "def ran(name):\n"
        "    m = sys.modules.get(name)\n"
        "    return m is not None and '__builtins__' in object.__getattribute__(m, '__dict__')\n"
        "heavy = ['desktop.gui.dialogs', 'desktop.gui.office', 'desktop.core.interchange', 'desktop.core.safe_files',"
        " 'desktop.core.carry', 'desktop.gui.printing', '_strptime', 'tomllib']\n"
        "print(json.dumps({'code': code, 'ran': [m for m in heavy if ran(m)],"
        " 'main window ran': ran('desktop.gui.main_window')}))\n"
    )
    result = _start_in_a_process(code, tmp_path, cache=True)
    assert result == {"code": 0, "ran": [], "main window ran": True}


def test_start_makes_no_python_class_or_module_it_does_not_use(tmp_path: Path) -> None:
    """PySide6 makes a class's Python wrapper, with its enums, when Python first meets it. On the
    way to the first paint, none for QStyle (10 ms: 570 enum members), and not the whole QWidget
    family (QWizard, QMdiArea … 17 ms), which a widget made by Qt itself and reached from Python
    (a scroll area's viewport) costs once. Nor the standard modules only an error or later work
    needs (html's entity table, difflib, importlib.resources, the session-end socket)."""
    start = f"code = main(['gui', '--db', {str(tmp_path / 'hyoka.sqlite3')!r}, '--sheet', '1'])\n"
    seeded = _start_in_a_process(  # the first start seeds the demo sheets (reading files)
        "import json\nfrom desktop.cli import main\n" + start + "print(json.dumps({'code': code}))\n", tmp_path)
    assert seeded == {"code": 0}
    code = (
        "import sys, json\n"
        "from desktop.cli import main\n"
        + start +
        "import PySide6.QtWidgets as W\n"
        "made = [c for c in ('QStyle', 'QCommonStyle', 'QWizard', 'QMdiArea', 'QCalendarWidget', 'QFileDialog',"
        " 'QInputDialog') if c in vars(W)]\n"
        "mods = [m for m in ('html', 'difflib', 'importlib.resources', 'socket') if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'classes': made, 'modules': mods}))\n"
    )
    result = _start_in_a_process(code, tmp_path)
    assert result == {"code": 0, "classes": [], "modules": []}


def test_no_garbage_collection_until_the_window_is_shown(tmp_path: Path) -> None:
    """Start-up makes objects to keep; the cyclic collector is off until the window is shown,
    then on again with start-up's objects frozen out of later collections."""
    code = (
        "import gc, sys, json\n"
        "from desktop.cli import main\n"
        "from desktop.gui import main_window\n"
        "events = []\n"
        "gc.callbacks.append(lambda phase, info: events.append(phase) if phase == 'start' else None)\n"
        "show = main_window.MainWindow.show\n"
        "def shown(self):\n"
        "    events.append('shown')\n"
        "    show(self)\n"
        "main_window.MainWindow.show = shown\n"
        "from desktop import cli\n"
        "gui = cli.cmd_gui\n"
        "def counted(args):\n"
        "    events.clear()\n"  # from the moment the gui command starts
        "    return gui(args)\n"
        "cli.cmd_gui = counted\n"
        f"code = main(['gui', '--db', {str(tmp_path / 'hyoka.sqlite3')!r}, '--sheet', '1'])\n"
        "first = events.index('shown')\n"
        "print(json.dumps({'code': code, 'collections before shown': events[:first].count('start'),"
        " 'enabled': gc.isenabled(), 'frozen': gc.get_freeze_count() > 0}))\n"
    )
    result = _start_in_a_process(code, tmp_path)
    assert result == {"code": 0, "collections before shown": 0, "enabled": True, "frozen": True}


def test_preview_colours_name_the_readers_statuses() -> None:
    """The preview's row colours are keyed by the reader's status strings (no longer imported at start)."""
    from desktop.core.sheet_import import EMPTY, MISSING, UNCERTAIN
    from desktop.gui.import_sheet import ROW_COLORS

    assert set(ROW_COLORS) == {EMPTY, MISSING, UNCERTAIN}
