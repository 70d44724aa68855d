"""The office's year in the app: フォルダから取り込み (progress, a row per file, summary), the year overview
(sortable, filterable, distribution, check findings, XLSX / bundle in the background) and review comments
(beside the field, in the findings panel, 完了 refused while open)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from desktop.core import interchange
from desktop.core.store import Store
from tests.support.year import make_year

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("HYOKA_SCREENSHOTS")  # a folder: keep the screenshots to look at


def _shot(widget, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(folder / name))


def test_folder_import_dialog(window, qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_year(8).write(folder)
    (folder / "broken.json").write_text("{", encoding="utf-8")
    dlg = window.import_folder(folder)
    qtbot.waitUntil(lambda: dlg.done, timeout=20000)
    assert dlg.table.rowCount() == 9 and dlg.bar.value() == 9
    statuses = sorted(dlg.table.item(r, 1).text() for r in range(9))
    assert statuses.count("取り込み") == 8 and "読めない" in statuses
    assert "取り込み 8" in dlg.summary.text() and "読めない 1" in dlg.summary.text()
    assert len(window.listed_ids()) == 8 + 2  # and the two demo sheets of a first start
    _shot(dlg, tmp_path, "folder_import.png")


def test_folder_import_conflict_opens_the_comparison(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    paths = make_year(3).write(folder)
    dlg = window.import_folder(folder)
    qtbot.waitUntil(lambda: dlg.done, timeout=20000)
    sid = window.store.find_uuid(interchange.load_file(paths[0]).sheet["uuid"])
    window.store.save_values(sid, {**window.store.get_sheet(sid).values, "c4_4_other": "こちらで編集"})
    dlg = window.import_folder(folder)
    qtbot.waitUntil(lambda: dlg.done, timeout=20000)
    assert "競合 1" in dlg.summary.text() and "変更なし 2" in dlg.summary.text()
    asked = []
    monkeypatch.setattr(window, "import_files", lambda p: asked.append(p) or [])
    window.folder_import_dialog.compareRequested.disconnect()
    window.folder_import_dialog.compareRequested.connect(lambda path: window.import_files([path]))
    row = next(r for r in range(3) if dlg.table.item(r, 1).text() == "競合")
    assert "比較" in dlg.table.item(row, 3).text()
    dlg._compare(dlg.table.item(row, 0))
    assert asked == [[str(paths[0])]]


@pytest.fixture
def year_window(make_window, db_path: Path, tmp_path: Path):
    with Store(db_path) as s:
        interchange.import_files(s, make_year(12).write(tmp_path / "in"))
    return make_window(db_path)


def test_year_overview_sort_filter_chart_findings_exports(year_window, qtbot, tmp_path: Path) -> None:
    dlg = year_window.on_year_overview()
    dlg.resize(1300, 760)
    assert dlg.year == 2019 and dlg.model.rowCount() == 12
    headers = [dlg.model.headerData(i, Qt.Orientation.Horizontal) for i in range(dlg.model.columnCount())]
    assert headers[:4] == ["拠出金名", "拠出先", "形態", "当初予算額（千円）"] and "未解決の指摘" in headers
    budget = headers.index("当初予算額（千円）")
    dlg.view.sortByColumn(budget, Qt.SortOrder.DescendingOrder)
    shown = [dlg.proxy.index(r, budget).data(Qt.ItemDataRole.UserRole) for r in range(12)]
    assert shown == sorted(shown, reverse=True)  # numbers sort as numbers
    dlg.filter_edit.setText("ＯＲＧ2）")
    assert dlg.proxy.rowCount() == 2 and "2 / 12" in dlg.count_label.text()
    dlg.filter_edit.setText("")
    dlg.rating_box.setCurrentIndex(1)  # 総合評価：A
    grade_a = dlg.chart.data[0][1]
    assert dlg.proxy.rowCount() == grade_a > 0
    dlg.rating_box.setCurrentIndex(0)
    assert sum(n for _g, n, _a in dlg.chart.data) == 12
    assert dlg.findings_list.count() == len(dlg.findings) > 0
    _shot(dlg, tmp_path, "year_overview.png")

    out = tmp_path / "o.xlsx"
    dlg.export_to("xlsx", out)
    qtbot.waitUntil(lambda: dlg.last_result == out, timeout=20000)
    assert load_workbook(io.BytesIO(out.read_bytes())).active.max_row == 13
    dlg.publish_to(tmp_path / "pub")
    qtbot.waitUntil(lambda: dlg.last_result is not None and hasattr(dlg.last_result, "sheets"), timeout=60000)
    assert len(dlg.last_result.sheets) == 12 and (tmp_path / "pub" / "manifest.json").exists()
    opened = []
    dlg.openSheet.connect(opened.append)
    dlg._open(dlg.proxy.index(0, 0))
    assert opened and opened[0] in year_window.listed_ids()


def test_comments_beside_the_field_in_findings_and_blocking_complete(year_window, qtbot, tmp_path: Path) -> None:
    with Store(year_window.store.path) as s:
        sid = next(x.id for x in s.list_sheets() if not s.comments(x.id) and x.status == "complete")
    year_window.store.set_setting("author", "評価室 山田")
    year_window.open_sheet(sid)
    year_window.on_draft()
    view = year_window.current_view()
    assert view.comment_mark("c3_2_budget") == ""
    c = year_window.comments.add("3-2 の予算額を確認してください。", "c3_2_budget")
    assert c is not None and c.author == "評価室 山田"
    view.focus_field("c3_2_budget")
    assert view.comment_mark("c3_2_budget") == "指摘 1" and "指摘 1" in view.field_labels["c3_2_budget"].text()
    texts = [year_window.findings_list.item(i).text() for i in range(year_window.findings_list.count())]
    assert any("評価室の指摘" in t and "3-2 の予算額" in t for t in texts)
    assert year_window.comments_dock.isVisible() and "未解決 1" in year_window.comments_dock.windowTitle()
    year_window.on_complete()
    assert year_window.controller.sheet.status == "draft"
    year_window.resize(1366, 768)
    _shot(year_window, tmp_path, "comments.png")
    year_window.comments.resolve(c.id)
    assert view.comment_mark("c3_2_budget") == ""
    year_window.on_complete()
    assert year_window.controller.sheet.status == "complete"
    assert "解決済み" in year_window.comments.list.item(0).text()


def test_job_runs_on_its_own_store_and_reports_on_the_main_thread(window, qtbot) -> None:
    import threading

    from PySide6.QtWidgets import QPushButton

    from desktop.gui.jobs import run_job

    button = QPushButton(window)
    seen: dict[str, object] = {}
    main = threading.get_ident()

    def work(store, progress, cancelled):
        progress(1, 2, "half")
        seen["worker"] = threading.get_ident()
        return len(store.list_sheets())

    run_job(window, window.store.path, work, title="t", on_done=lambda r: seen.update(result=r, done=threading.get_ident()),
            disable=[button])
    assert not button.isEnabled()
    qtbot.waitUntil(lambda: "result" in seen, timeout=10000)
    assert seen["result"] == len(window.store.list_sheets()) and seen["done"] == main != seen["worker"]
    assert button.isEnabled()

    def boom(store, progress, cancelled):
        raise ValueError("だめ")

    run_job(window, window.store.path, boom, title="t", on_error=lambda m: seen.update(error=m))
    qtbot.waitUntil(lambda: "error" in seen, timeout=10000)
    assert seen["error"] == "だめ"
