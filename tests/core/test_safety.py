"""Nothing is lost: concurrent writers, the -wal file, damaged records, backups."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import backup, interchange
from desktop.core import store as store_mod
from desktop.core.store import DamagedSheetError, Store
from tests.conftest import DEMO_H30, DEMO_R01, ROOT


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------- item 6: concurrent writers wait
def test_a_second_writer_waits_for_the_lock_instead_of_failing(db_path: Path) -> None:
    """sqlite-utils' plain BEGIN failed at once when a read had to be upgraded to a write."""
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {"c4_4_other": "0"})
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        try:
            with Store(db_path, timeout=10) as s:
                barrier.wait()
                for i in range(20):
                    with s.transaction():
                        s.get_sheet(sid)  # a read inside the transaction first, then the write
                        s.save_values(sid, {"c4_4_other": f"{n}-{i}"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db_path) as s:
        assert len(s.history(sid)) == 41


def test_two_simultaneous_cli_imports_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    files = []
    for n in range(2):
        doc = json.loads(DEMO_R01.read_text(encoding="utf-8"))
        del doc["sha256"]
        doc["sheet"]["uuid"] = f"00000000-0000-4000-8000-00000000000{n}"
        p = tmp_path / f"{n}.json"
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        files.append(p)
    for _round in range(20):
        procs = [subprocess.Popen([sys.executable, "-m", "desktop", "import", "--db", str(db), "--as-new", str(f)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
        for p in procs:
            _out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
    with Store(db) as s:
        assert len(s.list_sheets()) == 40


# ----------------------------------------------------------------- item 8: the main file alone holds every save
def test_after_a_cli_import_the_main_file_alone_holds_it(capsys, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    assert _cli(capsys, "import", "--db", str(db), str(DEMO_R01))[0] == 0
    copy = tmp_path / "usb" / "h.sqlite3"
    copy.parent.mkdir()
    shutil.copy(db, copy)  # the officer copies the main file alone
    assert not copy.with_name("h.sqlite3-wal").exists()
    with Store(copy) as s:
        assert [x.contribution for x in s.list_sheets()] == ["国際移住機関（ＩＯＭ）拠出金（人身取引被害者の帰国支援事業）"]


def test_checkpoint_moves_an_open_stores_writes_into_the_main_file(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    s = Store(db)
    try:
        sid = s.create_sheet("mofa-r01", {"c4_4_other": "保存した内容"})
        s.save_values(sid, {"c4_4_other": "自動保存した内容"}, kind="autosave")
        s.checkpoint()
        copy = tmp_path / "copy.sqlite3"
        shutil.copy(db, copy)
        conn = sqlite3.connect(copy)
        value = conn.execute("SELECT value FROM sheet_values WHERE field_id = 'c4_4_other'").fetchone()[0]
        conn.close()
        assert json.loads(value) == "自動保存した内容"
    finally:
        s.close()


# ----------------------------------------------------------------- item 11: a damaged record
def _damage(db: Path, sheet_id: int) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sheet_values SET value = '{not json' WHERE sheet_id = ? AND field_id = 'c4_4_other'",
                 [sheet_id])
    conn.commit()
    conn.close()


def test_a_damaged_record_is_named_and_the_other_sheets_stay_usable(capsys, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as s:
        good = interchange.import_document(s, interchange.load_file(DEMO_H30)).sheet_id
        bad = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        s.save_values(bad, {**s.get_sheet(bad).values, "c4_4_other": "二番目の版"})
    _damage(db, bad)
    with Store(db) as s:
        with pytest.raises(DamagedSheetError, match=f"シート {bad} の記録が壊れています"):
            s.get_sheet(bad)
        assert s.get_sheet(good).values
        assert s.damaged_sheets() == [bad]
    for argv in (["export", str(bad), "-o", str(tmp_path / "x.json")], ["pdf", str(bad), "-o", str(tmp_path / "x.pdf")]):
        code, _out, err = _cli(capsys, *argv, "--db", str(db))
        assert code == 1 and f"シート {bad} の記録が壊れています" in err and "予期しない" not in err
    assert _cli(capsys, "export", str(good), "-o", str(tmp_path / "g.json"), "--db", str(db))[0] == 0
    code, out, _err = _cli(capsys, "check", "--db", str(db))
    assert code == 1 and f"シート {bad}：記録が壊れています" in out
    code, out, _err = _cli(capsys, "repair", str(bad), "--db", str(db))
    assert code == 0
    with Store(db) as s:
        assert s.get_sheet(bad).values["c4_4_other"] == "二番目の版"
        assert s.damaged_sheets() == []


def test_a_sheet_whose_format_is_not_installed_is_listed_not_damaged(capsys, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as s:
        interchange.import_document(s, interchange.load_file(DEMO_H30))
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sheets SET format = 'mofa-r09'")
    conn.commit()
    conn.close()
    code, out, _ = _cli(capsys, "list", "--db", str(db), "--json")
    assert code == 0 and json.loads(out)[0]["format"] == "mofa-r09"
    code, _, err = _cli(capsys, "export", "1", "-o", str(tmp_path / "x.json"), "--db", str(db))
    assert code == 1 and "様式 mofa-r09 がこの端末にありません" in err and err.count("\n") == 1
    code, out, _ = _cli(capsys, "check", "--db", str(db))
    assert code == 1 and "mofa-r09" in out
    with Store(db) as s:
        assert s.damaged_sheets() == []


# ----------------------------------------------------------------- item 13: backups
def test_a_migration_is_preceded_by_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    raw = sqlite_db(db)
    store_mod.migrations.apply(raw, stop_before="m004_digest")
    raw["sheets"].insert({"uuid": "u-1", "format": "mofa-r01", "status": "draft", "created": "2019-01-01",
                          "updated": "2019-01-01", "revision": 0})
    raw.conn.commit()
    raw.conn.close()
    with Store(db):
        pass
    found = backup.list_backups(db)
    assert [(b.kind, b.sheets) for b in found] == [("migration", 1)]
    conn = sqlite3.connect(found[0].path)
    assert "digest" not in [r[1] for r in conn.execute("PRAGMA table_info(sheets)")]  # the state before
    conn.close()
    with Store(db):
        pass
    assert len(backup.list_backups(db)) == 1  # nothing pending: no new backup


def sqlite_db(path: Path):
    import sqlite_utils

    db = sqlite_utils.Database(path)
    db.conn.execute(f"PRAGMA application_id = {store_mod.APPLICATION_ID}")
    return db


def test_a_backup_taken_while_another_process_writes_is_sound(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as s:
        sid = s.create_sheet("mofa-r01", {})
    writer = subprocess.Popen([sys.executable, "-c", f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from desktop.core.store import Store
with Store({str(db)!r}, timeout=10) as s:
    for i in range(300):
        s.save_values({sid}, {{"c4_4_other": "あ" * (i % 50) + str(i)}}, kind="save")
"""], cwd=ROOT)
    taken = []
    while writer.poll() is None and len(taken) < 5:
        taken.append(backup.take_backup(db, "manual"))
    writer.wait(timeout=120)
    assert writer.returncode == 0 and taken
    for path in taken:
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        with Store(path) as s:
            assert s.get_sheet(sid).values is not None


def test_daily_and_weekly_backups_are_kept_and_pruned(tmp_path: Path, monkeypatch) -> None:
    from datetime import UTC, datetime, timedelta

    db = tmp_path / "h.sqlite3"
    Store(db).close()
    day = [datetime(2026, 1, 1, 9, tzinfo=UTC)]
    monkeypatch.setattr(backup, "_now", lambda: day[0])

    class FakeDate(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return day[0] if tz else day[0].replace(tzinfo=None)

    monkeypatch.setattr(backup, "datetime", FakeDate)
    for _i in range(12):
        backup.daily_backup_if_due(db)
        assert backup.daily_backup_if_due(db) is None  # once a day
        day[0] += timedelta(days=1)
    kinds = [b.kind for b in backup.list_backups(db)]
    assert kinds.count("daily") == 7 and kinds.count("weekly") == 2


def test_restore_a_backup_as_a_new_file_without_touching_the_current_one(capsys, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    assert _cli(capsys, "import", "--db", str(db), str(DEMO_R01))[0] == 0
    code, out, _ = _cli(capsys, "backup", "--db", str(db))
    assert code == 0
    assert _cli(capsys, "import", "--db", str(db), str(DEMO_H30))[0] == 0
    code, out, _ = _cli(capsys, "backups", "--db", str(db), "--json")
    listed = json.loads(out)
    assert [(b["kind"], b["sheets"]) for b in listed] == [("manual", 1)]
    new = tmp_path / "restored.sqlite3"
    assert _cli(capsys, "restore-backup", listed[0]["path"], "-o", str(new), "--db", str(db))[0] == 0
    with Store(new) as s:
        assert len(s.list_sheets()) == 1
    with Store(db) as s:
        assert len(s.list_sheets()) == 2
    code, _, err = _cli(capsys, "restore-backup", listed[0]["path"], "-o", str(db))
    assert code == 1 and "既にあります" in err


def test_two_processes_creating_the_same_new_database_at_once(tmp_path: Path) -> None:
    """Both see the schema missing; one creates it, the other waits and finds it done."""
    script = "import sys; from desktop.core.store import Store; Store(sys.argv[1], timeout=20).close()"
    for n in range(8):
        db = tmp_path / f"new{n}.sqlite3"
        procs = [subprocess.Popen([sys.executable, "-c", script, str(db)], cwd=ROOT, stderr=subprocess.PIPE,
                                  text=True) for _ in range(3)]
        for p in procs:
            _out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
        with Store(db) as s:
            assert s.is_empty()


def test_a_file_named_like_a_backup_with_an_impossible_time_is_not_listed(tmp_path: Path) -> None:
    """Backup times are read from the names directly; digits that are no time (month 13) make a
    file that is not one of ours, and listing the good ones goes on (strptime raised before)."""
    db = tmp_path / "h.sqlite3"
    Store(db).close()
    good = backup.take_backup(db, "manual")
    (backup.backup_dir(db) / "h-20261399-250000-daily.sqlite3").write_bytes(b"")
    listed = backup.list_backups(db)
    assert [b.path for b in listed] == [good]
    assert listed[0].created.strftime("%Y%m%d-%H%M%S") == good.name[len("h-"):][:15]


class _SwitchingConnection:
    """Answers "database is locked" to the first ``refusals`` requests for WAL, as SQLite does to
    the second of two processes switching a new file at the same moment (no busy wait there)."""

    def __init__(self, refusals: int, error: str = "database is locked"):
        self.refusals, self.error, self.mode, self.asked = refusals, error, "delete", 0

    def execute(self, sql: str):
        if sql == "PRAGMA journal_mode=wal":
            self.asked += 1
            if self.asked <= self.refusals:
                raise sqlite3.OperationalError(self.error)
            self.mode = "wal"
        mode = self.mode

        class _Row:
            def fetchone(self):
                return (mode,)

        return _Row()


def test_the_switch_to_wal_is_asked_again_when_another_process_makes_it_at_once() -> None:
    """The second of two simultaneous ``hyoka import`` on a new file failed with 「使用中」: SQLite
    refuses one of two connections switching to WAL at once without waiting."""
    conn = _SwitchingConnection(refusals=3)
    store_mod._use_wal(conn, timeout=5.0)  # type: ignore[arg-type]
    assert conn.mode == "wal" and conn.asked == 4
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # not for ever: the busy timeout
        store_mod._use_wal(_SwitchingConnection(refusals=10**9), timeout=0.05)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):  # other errors at once
        store_mod._use_wal(_SwitchingConnection(refusals=1, error="disk I/O error"), timeout=5.0)  # type: ignore[arg-type]
    store_mod._use_wal(_SwitchingConnection(refusals=1, error="attempt to write a readonly database"), timeout=5.0)  # type: ignore[arg-type]
