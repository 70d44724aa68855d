"""Issue 11's scale work: compressed snapshots, a lean trigram index, integrity off the open path."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.core.store import Store, StoreError


def test_revisions_are_compressed_and_read_back(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        s.save_values(sid, dict(r01_values, c1_3_results="変更"), kind="save")
        raw = s.db.conn.execute("SELECT values_json FROM revisions WHERE sheet_id = ? AND number = 1", [sid]).fetchone()[0]
        assert isinstance(raw, bytes) and len(raw) < len(json.dumps(r01_values, ensure_ascii=False).encode()) / 2
        assert s.revision_values(sid, 1) == s.get_sheet(sid).values | {"c1_3_results": r01_values.get("c1_3_results")} \
            or s.revision_values(sid, 1)["contribution_name"] == r01_values["contribution_name"]
        assert s.revision_values(sid, 2)["c1_3_results"] == "変更"
        assert s.last_good_revision(sid) == 2
        assert s.state_digests(sid)


def test_text_snapshots_from_before_still_read(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        s.db.conn.execute("UPDATE revisions SET values_json = ? WHERE sheet_id = ?",
                          [json.dumps({"contribution_name": "古い形式"}, ensure_ascii=False), sid])
        s.db.conn.commit()
        assert s.revision_values(sid, 1) == {"contribution_name": "古い形式"}


def test_search_with_the_lean_index(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", {"c1_3_results": "身取引被害者の帰国支援 Abcdef"})
        b = s.create_sheet("mofa-r01", {"c1_3_results": "国支援の被害者の帰身取引", "contribution_name": "別"})
        hits = {x.id for x in s.search("身取引被害者の帰国")}
        assert a in hits and b not in hits  # every trigram of b is there too, but not the phrase
        assert a in {x.id for x in s.search("abcdef")}  # case as before
        sql = s.db.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sheet_text_fts'").fetchone()[0]
        assert "detail='none'" in sql


def test_open_does_not_read_every_page_but_check_does(db_path: Path, monkeypatch) -> None:
    Store(db_path).close()
    calls: list[str] = []
    real = sqlite3.connect

    def tracing(*a, **k):
        conn = real(*a, **k)
        conn.set_trace_callback(calls.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", tracing)
    s = Store(db_path)
    assert not [c for c in calls if "quick_check" in c]
    s.check_integrity()
    assert [c for c in calls if "quick_check" in c]
    s.close()


def test_check_integrity_reports_damage(db_path: Path, monkeypatch) -> None:
    s = Store(db_path)

    class Conn:
        def execute(self, _sql: str):
            class R:
                def fetchone(self):
                    return ["*** in database main *** Page 3 is never used"]
            return R()

    monkeypatch.setattr(s.db, "conn", Conn(), raising=False)
    with pytest.raises(StoreError, match="壊れています"):
        s.check_integrity()
