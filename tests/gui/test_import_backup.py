"""Importing in the app (issue 7, item 2's GUI half: fast-forward, conflict → comparison,
keep both; one file at a time) and backups (item 13's GUI half)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLineEdit

from desktop.core import backup, interchange
from desktop.core.store import Store
from tests.support.qt import type_into, w

pytestmark = pytest.mark.gui


@pytest.fixture
def no_dialog(monkeypatch):
    from desktop.gui import conflict_dialog

    def fail(_dlg) -> int:
        raise AssertionError("the comparison must not open")

    monkeypatch.setattr(conflict_dialog.ConflictDialog, "exec", fail)


def exported(window, sid: int, path: Path, **changes) -> Path:
    doc = interchange.export_sheet(window.store, sid)
    doc = json.loads(json.dumps(doc))
    if changes:
        doc["values"].update(changes)
        base = doc["sheet"].get("base")
        doc = interchange.build_document(window.store.get_sheet(sid).form, doc["values"], doc["sheet"], base=base)
    interchange.write_file(doc, path)
    return path


# ----------------------------------------------------------------------------- import
def test_import_fast_forward_updates_the_open_sheet(window, qtbot, tmp_path: Path, no_dialog) -> None:
    sid = window.create_sheet("mofa-r01", 2020)
    type_into(w(window, "contribution_name", QLineEdit), "元の名前")
    window.controller.flush()
    f = exported(window, sid, tmp_path / "a.json", contribution_name="別の端末で直した名前")
    assert window.import_files([str(f)]) == [sid]  # nothing changed here since the export: fast-forward
    assert w(window, "contribution_name", QLineEdit).text() == "別の端末で直した名前"
    assert window.import_report[0][1] == "imported"
    # the same file again: unchanged
    assert window.import_files([str(f)]) == [sid]
    assert window.import_report[0][1] == "unchanged"


def test_import_conflict_shows_the_comparison_and_applies_the_choice(window, qtbot, tmp_path: Path,
                                                                      db_path: Path, monkeypatch) -> None:
    from desktop.gui import conflict_dialog

    sid = window.create_sheet("mofa-r01", 2020)
    type_into(w(window, "contribution_name", QLineEdit), "共通")
    window.controller.flush()
    f = exported(window, sid, tmp_path / "b.json", contribution_name="向こうの名前", responsible_division="向こうの課")
    # meanwhile, here:
    w(window, "contribution_name", QLineEdit).clear()
    type_into(w(window, "contribution_name", QLineEdit), "こちらの名前")
    window.controller.flush()
    local_state = dict(window.store.get_sheet(sid).values)

    shown = {}

    def fake_exec(dlg) -> int:
        shown["fields"] = list(dlg.fields)
        shown["heads"] = (w(dlg, "conflictHeadLocal").text(), w(dlg, "conflictHeadIncoming").text())
        dlg.choose("responsible_division", conflict_dialog.INCOMING)  # per field: theirs here, ours elsewhere
        dlg.outcome = "merge"
        return 1

    monkeypatch.setattr(conflict_dialog.ConflictDialog, "exec", fake_exec)
    assert window.import_files([str(f)]) == [sid]
    assert set(shown["fields"]) == {"contribution_name", "responsible_division"}
    assert "この端末" in shown["heads"][0] and "取り込むファイル" in shown["heads"][1]
    stored = Store(db_path).get_sheet(sid).values
    assert stored["contribution_name"] == "こちらの名前" and stored["responsible_division"] == "向こうの課"
    assert w(window, "responsible_division", QLineEdit).text() == "向こうの課"  # the editor shows the result
    store = Store(db_path)
    revisions = store.history(sid)
    assert any(store.revision_values(sid, r.number) == local_state for r in revisions)  # local state kept
    assert revisions[-1].kind == "merge"


def test_import_conflict_keep_both(window, qtbot, tmp_path: Path, db_path: Path, monkeypatch) -> None:
    from desktop.gui import conflict_dialog

    sid = window.create_sheet("mofa-r01", 2020)
    f = exported(window, sid, tmp_path / "c.json")
    type_into(w(window, "contribution_name", QLineEdit), "こちら")
    window.controller.flush()

    def fake_exec(dlg) -> int:
        dlg.outcome = "both"
        return 1

    monkeypatch.setattr(conflict_dialog.ConflictDialog, "exec", fake_exec)
    ids = window.import_files([str(f)])
    assert len(ids) == 1 and ids[0] != sid
    assert Store(db_path).get_sheet(sid).values["contribution_name"] == "こちら"
    assert "contribution_name" not in Store(db_path).get_sheet(ids[0]).values


def test_import_conflict_cancelled_changes_nothing(window, qtbot, tmp_path: Path, db_path: Path,
                                                   monkeypatch) -> None:
    from desktop.gui import conflict_dialog

    sid = window.create_sheet("mofa-r01", 2020)
    f = exported(window, sid, tmp_path / "d.json")
    type_into(w(window, "contribution_name", QLineEdit), "こちら")
    window.controller.flush()
    before = Store(db_path).history(sid)

    def fake_exec(dlg) -> int:
        dlg.outcome = None
        return 0

    monkeypatch.setattr(conflict_dialog.ConflictDialog, "exec", fake_exec)
    assert window.import_files([str(f)]) == []
    assert window.import_report[0][1] == "conflict"
    assert Store(db_path).history(sid) == before


def test_each_file_is_imported_on_its_own(window, qtbot, tmp_path: Path, no_dialog) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    good = tmp_path / "good.json"
    src = interchange.load_file(interchange.demo_files()[0])
    interchange.write_file(interchange.build_document(src.form, {**src.values, "contribution_name": "新しい拠出金"},
                                                      {"uuid": "11111111-2222-3333-4444-555555555555"}), good)
    ids = window.import_files([str(bad), str(good)])
    assert len(ids) == 1
    assert window.store.get_sheet(ids[0]).values["contribution_name"] == "新しい拠出金"
    statuses = [r[1] for r in window.import_report]
    assert statuses == ["rejected", "imported"]


# ----------------------------------------------------------------------------- backups
def test_daily_backup_at_start(make_window, db_path: Path) -> None:
    Store(db_path).close()  # an existing database (the first start ever has nothing to back up)
    win = make_window(db_path)
    kinds = [b.kind for b in backup.list_backups(db_path)]
    assert "daily" in kinds
    win.close()


def test_restore_backup_dialog_lists_and_restores_as_a_new_file(window, qtbot, db_path: Path, tmp_path: Path,
                                                                 monkeypatch, messages) -> None:
    from desktop.gui.dialogs import RestoreBackupDialog

    window.controller.flush()
    taken = backup.take_backup(db_path, "manual")
    dlg = RestoreBackupDialog(db_path, window)
    qtbot.addWidget(dlg)
    table = dlg.table
    assert table.rowCount() >= 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    info = backup.list_backups(db_path)[0]
    assert info.path == taken
    assert row[0] == info.created.astimezone().strftime("%Y-%m-%d %H:%M")
    assert row[1] == "手動" and row[2] == "2"
    target = tmp_path / "restored.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    before = [(s.id, s.digest) for s in Store(db_path).list_sheets()]
    assert window.restore_from_backup(taken) == target
    assert target.exists()
    assert Store(target).list_sheets()  # a usable database
    assert window.store.path == target  # offered to open it; the answer was yes
    assert [(s.id, s.digest) for s in Store(db_path).list_sheets()] == before  # the current one is untouched


def test_back_up_now_from_the_dialog(window, qtbot, db_path: Path) -> None:
    from desktop.gui.dialogs import RestoreBackupDialog

    window.controller.flush()
    dlg = RestoreBackupDialog(db_path, window)
    qtbot.addWidget(dlg)
    before = dlg.table.rowCount()
    w(dlg, "backupNow").click()
    assert dlg.table.rowCount() == before + 1
    assert dlg.table.item(0, 1).text() == "手動"
    assert dlg.restore_button.isEnabled()
    assert any(b.kind == "manual" for b in backup.list_backups(db_path))


def test_import_comparison_starts_on_the_side_that_changed(window, qtbot, tmp_path: Path, db_path: Path,
                                                           monkeypatch) -> None:
    """The file's base is found in the local history: a field changed only in the file
    starts on the file's side, one changed only here on this side."""
    from desktop.gui import conflict_dialog

    sid = window.create_sheet("mofa-r01", 2020)
    type_into(w(window, "contribution_name", QLineEdit), "共通")
    window.act_save.trigger()  # an explicit revision: the state that is exported
    f = exported(window, sid, tmp_path / "e.json", responsible_division="向こうの課")
    type_into(w(window, "contribution_name", QLineEdit), "＋こちら")
    window.act_save.trigger()
    shown = {}

    def accept_defaults(dlg) -> int:
        shown.update({fid: dlg.choice(fid) for fid in dlg.fields})
        dlg.outcome = "merge"
        return 1

    monkeypatch.setattr(conflict_dialog.ConflictDialog, "exec", accept_defaults)
    window.import_files([str(f)])
    assert shown == {"contribution_name": conflict_dialog.LOCAL, "responsible_division": conflict_dialog.INCOMING}
    stored = Store(db_path).get_sheet(sid).values
    assert stored["contribution_name"] == "共通＋こちら" and stored["responsible_division"] == "向こうの課"


def _break_record(db: Path, sheet_id: int) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE sheet_values SET value = '{bad' WHERE sheet_id = ? AND field_id = 'c4_4_other'", [sheet_id])
    conn.commit()
    conn.close()


def test_a_damaged_sheet_does_not_stop_the_app_and_can_be_restored(make_window, db_path: Path, messages) -> None:
    """The defect: a value that is not JSON stopped the app from starting."""
    from desktop.core import interchange
    from desktop.core.store import Store
    from tests.conftest import DEMO_H30, DEMO_R01

    with Store(db_path) as s:
        bad = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        good = interchange.import_document(s, interchange.load_file(DEMO_H30)).sheet_id
        s.save_values(bad, {**s.get_sheet(bad).values, "c4_4_other": "最後の正常な内容"})
    _break_record(db_path, bad)
    win = make_window(db_path)
    assert win.open_sheet_safely(good) and win.controller.sheet_id == good
    messages.clear()
    assert win.open_sheet_safely(bad)  # the fixture answers "yes" to the offer
    assert any(f"シート {bad} の記録が壊れています" in text for _t, text in messages)
    assert win.controller.values["c4_4_other"] == "最後の正常な内容"


def test_the_app_starts_past_a_damaged_first_sheet(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from desktop.core import interchange
    from desktop.core.store import Store
    from tests.conftest import DEMO_H30, DEMO_R01, ROOT

    db = tmp_path / "d.sqlite3"
    with Store(db) as s:
        interchange.import_document(s, interchange.load_file(DEMO_R01))
        interchange.import_document(s, interchange.load_file(DEMO_H30))
    _break_record(db, 1)
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE sheets SET format = 'mofa-r09' WHERE id = 2")
    conn.commit()
    conn.close()
    shot = tmp_path / "s.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HYOKA_CONFIG_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "desktop", "gui", "--db", str(db), "--screenshot", str(shot)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert shot.exists() and "Traceback" not in proc.stderr
