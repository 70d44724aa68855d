"""The SQLite store: revisions, restore, search, migrations and bad database files."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from desktop.core import store as store_mod
from desktop.core.store import IncompleteError, NotFoundError, Store, StoreError


def test_create_and_read_back(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        sheet = s.get_sheet(sid)
    assert sheet.values == r01_values
    assert (sheet.fiscal_year, sheet.status, sheet.format) == (2019, "draft", "mofa-r01")
    assert sheet.organization == "国際移住機関（ＩＯＭ）"
    assert sheet.contribution.startswith("国際移住機関（ＩＯＭ）拠出金")


def test_values_are_normalized_on_save(db_path: Path) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {"initial_budget_kyen": "１５，０１５", "c3_2_report_ym": "平成30年6月"})
        assert s.get_sheet(sid).values == {"initial_budget_kyen": 15015, "c3_2_report_ym": "2018-06"}


def test_every_save_keeps_a_revision_and_restore_brings_it_back(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        s.save_values(sid, {**r01_values, "c4_4_other": "第二版"})
        s.save_values(sid, {**r01_values, "c4_4_other": "第三版"})
        hist = s.history(sid)
        assert [r.number for r in hist] == [1, 2, 3]
        assert [r.kind for r in hist] == ["create", "save", "save"]
        new = s.restore_revision(sid, 1)
        assert new == 4
        assert s.get_sheet(sid).values["c4_4_other"] == r01_values["c4_4_other"]
        assert s.revision_values(sid, 3)["c4_4_other"] == "第三版"  # history is kept


def test_autosaves_coalesce(db_path: Path) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {})
        for i in range(5):
            s.save_values(sid, {"c4_4_other": "あ" * i}, kind="autosave")
        hist = s.history(sid)
        assert [r.kind for r in hist] == ["create", "autosave"]
        assert s.revision_values(sid, 2)["c4_4_other"] == "ああああ"
        s.save_values(sid, {"c4_4_other": "保存"}, kind="save")
        s.save_values(sid, {"c4_4_other": "再開"}, kind="autosave")
        assert [r.kind for r in s.history(sid)] == ["create", "autosave", "save", "autosave"]


def test_old_autosave_is_not_coalesced(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "AUTOSAVE_COALESCE_SECONDS", 0.0)
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {})
        s.save_values(sid, {"c4_4_other": "1"}, kind="autosave")
        s.save_values(sid, {"c4_4_other": "2"}, kind="autosave")
        assert len(s.history(sid)) == 3


def test_complete_is_refused_while_errors_remain(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {"contribution_name": "x"})
        with pytest.raises(IncompleteError) as info:
            s.set_status(sid, "complete")
        assert info.value.findings and "完了" in str(info.value)
        assert s.get_sheet(sid).status == "draft"
        ok = s.create_sheet("mofa-r01", r01_values)
        s.set_status(ok, "complete")
        assert s.get_sheet(ok).status == "complete"
        s.save_values(ok, {**r01_values, "contribution_name": ""})
        assert s.get_sheet(ok).status == "draft"  # an edit that breaks it reopens it


def test_delete_is_recoverable(db_path: Path) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {"contribution_name": "消す"})
        s.delete_sheet(sid)
        assert [x.id for x in s.list_sheets()] == []
        assert [x.id for x in s.list_sheets(deleted_only=True)] == [sid]
        assert s.search("消す") == []
        s.undelete_sheet(sid)
        assert [x.id for x in s.list_sheets()] == [sid]
        with pytest.raises(NotFoundError):
            s.get_sheet(999)


def test_full_text_search_finds_japanese_substrings(db_path: Path, r01_values: dict, h30_doc: dict) -> None:
    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", r01_values)
        b = s.create_sheet("mofa-h30", h30_doc["values"])
        assert {x.id for x in s.search("人身取引")} == {a, b}
        assert [x.id for x in s.search("バリ・プロセス")] == [a, b] or {x.id for x in s.search("バリ・プロセス")} == {a, b}
        assert [x.id for x in s.search("スウィング事務局長")] == [b]
        assert [x.id for x in s.search("監査")] == [a]  # two characters: LIKE path
        assert s.search("存在しない語句です") == []
        assert s.search('"; DROP TABLE sheets; --') == []
        s.save_values(a, {**r01_values, "c4_4_other": "新しい特記事項"})
        assert [x.id for x in s.search("新しい特記")] == [a]


def test_wal_mode_and_integrity(db_path: Path) -> None:
    with Store(db_path) as s:
        s.create_sheet("mofa-r01", {})
        assert s.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_migrates_an_older_database_file_in_place(db_path: Path) -> None:
    """A file written by the first schema (no search, no carry-over) is upgraded."""
    db = sqlite_utils.Database(db_path)
    db.conn.execute(f"PRAGMA application_id = {store_mod.APPLICATION_ID}")
    store_mod.migrations.apply(db, stop_before="m002_search")
    db["sheets"].insert({"uuid": "u-1", "format": "mofa-r01", "fiscal_year": 2019, "organization": "国際移住機関",
                         "contribution": "旧データ", "status": "draft", "created": "2019-01-01T00:00:00+00:00",
                         "updated": "2019-01-01T00:00:00+00:00", "revision": 1})
    db["sheet_values"].insert({"sheet_id": 1, "field_id": "c4_4_other", "value": json.dumps("旧ファイルの特記事項")})
    db.conn.commit()
    db.conn.close()
    assert "sheet_text" not in sqlite_utils.Database(db_path).table_names()
    with Store(db_path) as s:
        applied = [m.name for m in store_mod.migrations.applied(s.db)]
        with Store(db_path.with_name("fresh.sqlite3")) as fresh:
            every = [m.name for m in store_mod.migrations.applied(fresh.db)]
        assert applied == every and applied[:4] == ["m001_initial", "m002_search", "m003_carry_over", "m004_digest"]
        assert [x.id for x in s.search("旧ファイルの特記")] == [1]
        assert s.get_sheet(1).carried_fields == []
    with Store(db_path) as s:  # idempotent on reopen
        assert len(store_mod.migrations.applied(s.db)) == len(every)
        assert s.sheet_digest(1)  # the digest is filled in for sheets written before it existed


def test_not_a_sqlite_file(tmp_path: Path) -> None:
    p = tmp_path / "notes.sqlite3"
    p.write_text("これはデータベースではありません")
    with pytest.raises(StoreError, match="hyoka のデータベースではありません"):
        Store(p)
    assert p.read_text() == "これはデータベースではありません"  # untouched


def test_someone_elses_sqlite_file(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    sqlite_utils.Database(p)["accounts"].insert({"id": 1})
    with pytest.raises(StoreError, match="別のアプリケーション"):
        Store(p)


def test_corrupt_file(db_path: Path) -> None:
    with Store(db_path) as s:
        s.create_sheet("mofa-r01", {"c4_4_other": "x" * 5000})
    raw = bytearray(db_path.read_bytes())
    raw[100:4000] = b"\xff" * 3900
    db_path.write_bytes(bytes(raw))
    with pytest.raises(StoreError):
        Store(db_path)


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores file permissions")
def test_read_only_file(db_path: Path) -> None:  # pragma: no cover - CI runs as root
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {})
    db_path.chmod(0o444)
    with Store(db_path) as s, pytest.raises(StoreError, match="読み取り専用"):
        s.save_values(sid, {"c4_4_other": "x"})


def test_read_only_via_query_only(db_path: Path) -> None:
    """Works as root too: SQLite refuses writes and we translate the error."""
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {})
        s.db.conn.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreError, match=r"読み取り専用|書き込めません"):
            s.save_values(sid, {"c4_4_other": "x"})


def test_locked_database_gives_a_clear_error(db_path: Path) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {})
    other = sqlite3.connect(db_path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with Store(db_path, timeout=0.2) as s:
            with pytest.raises(StoreError, match="使用中"):
                s.save_values(sid, {"c4_4_other": "x"})
    except StoreError as exc:  # opening itself may already hit the lock
        assert "使用中" in str(exc)
    finally:
        other.rollback()
        other.close()
    with Store(db_path) as s:
        assert s.get_sheet(sid).values == {}


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="フォルダ"):
        Store(tmp_path)


def test_default_path_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HYOKA_DB", str(tmp_path / "x.db"))
    assert store_mod.default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("HYOKA_DB")
    assert store_mod.default_db_path().name == "hyoka.sqlite3"
