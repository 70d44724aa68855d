"""Issue 11's scale work: compressed snapshots, a lean trigram index, integrity off the open path."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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

    monkeypatch.setattr(s, "conn", Conn())
    with pytest.raises(StoreError, match="壊れています"):
        s.check_integrity()


# ---------------------------------------------------------------- m010: the index written at commit
def _index_consistent(s: Store) -> None:
    """FTS5's own check: the trigram index holds exactly the text of sheet_text (external content)."""
    s.db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('integrity-check')")


def _docs(r01_doc: dict, n: int) -> list:
    from desktop.core import interchange

    out = []
    for i in range(n):
        d = json.loads(json.dumps(r01_doc))
        d["sheet"]["uuid"] = f"00000000-0000-4000-8000-{i:012d}"
        d["values"]["c4_4_other"] = f"一括取込の特記事項{i}番"
        out.append(interchange.parse_document(interchange.build_document(
            interchange.all_forms()[d["format"]], d["values"], d["sheet"])))
    return out


@contextmanager
def _statements(s: Store) -> Iterator[list[str]]:
    """The SQL statements the store runs inside the block."""
    calls: list[str] = []
    s.db.conn.set_trace_callback(calls.append)
    try:
        yield calls
    finally:
        s.db.conn.set_trace_callback(None)


def test_a_batch_import_writes_the_index_once_after_every_savepoint(db_path: Path, r01_doc: dict) -> None:
    """FTS5 writes its pending index at every savepoint: per sheet of a batch that was 4.5 ms instead of 1."""
    from desktop.core import interchange

    docs = _docs(r01_doc, 3)
    with Store(db_path) as s:
        with _statements(s) as calls, s.transaction():
            ids = [interchange.import_document(s, d).sheet_id for d in docs]
            assert [x.id for x in s.search("一括取込の特記事項1番")] == [ids[1]]  # not yet indexed, still found
        savepoints = [i for i, c in enumerate(calls) if c.upper().startswith(("SAVEPOINT", "RELEASE"))]
        indexing = [i for i, c in enumerate(calls) if "INTO sheet_text_fts (rowid" in c]
        assert savepoints and len(indexing) == 3 and min(indexing) > max(savepoints)
        assert [x.id for x in s.search("一括取込の特記事項2番")] == [ids[2]]
        _index_consistent(s)


def test_import_validates_a_complete_sheet_once(db_path: Path, r01_doc: dict, monkeypatch) -> None:
    from desktop.core import interchange, validation

    doc = _docs(r01_doc, 1)[0]
    assert doc.sheet["status"] == "complete"
    calls = []
    real = validation.validate
    monkeypatch.setattr(validation, "validate", lambda *a, **k: calls.append(1) or real(*a, **k))
    with Store(db_path) as s:
        result = interchange.import_document(s, doc)
        assert result.ok and s.get_sheet(result.sheet_id).status == "complete"
    assert len(calls) == 1


def test_a_rolled_back_savepoint_leaves_the_index_right(db_path: Path, r01_values: dict) -> None:
    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", dict(r01_values, c4_4_other="元の特記事項です"))
        with s.transaction():
            s.save_values(sid, dict(r01_values, c4_4_other="一度目の変更です"))
            with pytest.raises(RuntimeError), s.transaction():
                s.save_values(sid, dict(r01_values, c4_4_other="取り消される変更"))
                raise RuntimeError
        assert s.search("取り消される") == [] and [x.id for x in s.search("一度目の変更")] == [sid]
        assert s.search("元の特記事項") == []
        with pytest.raises(RuntimeError), s.transaction():
            s.save_values(sid, dict(r01_values, c4_4_other="全部取り消し"))
            raise RuntimeError
        assert s.search("全部取り消し") == [] and [x.id for x in s.search("一度目の変更")] == [sid]
        _index_consistent(s)


def test_search_after_edit_delete_restore_and_import(db_path: Path, r01_values: dict, r01_doc: dict) -> None:
    from desktop.core import interchange

    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", dict(r01_values, c4_4_other="Abc 国際移住機関の特記"))
        b = s.create_sheet("mofa-r01", {"contribution_name": "別の拠出金", "c1_3_results": "abc と鯱鯨"})
        assert [x.id for x in s.search("ABC")] == [a, b] or {x.id for x in s.search("ABC")} == {a, b}
        assert {x.id for x in s.search("aBc")} == {a, b} and {x.id for x in s.search("Ab")} == {a, b}
        assert [x.id for x in s.search("鯱鯨")] == [b] and [x.id for x in s.search("鯱")] == [b]
        s.save_values(a, dict(r01_values, c4_4_other="書き換えた特記"))
        assert s.search("国際移住機関の特記") == [] and [x.id for x in s.search("書き換えた特記")] == [a]
        s.delete_sheet(a)
        assert s.search("書き換えた特記") == []
        s.undelete_sheet(a)
        assert [x.id for x in s.search("書き換えた特記")] == [a]
        s.restore_revision(a, 1)
        assert [x.id for x in s.search("国際移住機関の特記")] == [a] and s.search("書き換えた特記") == []
        doc = interchange.parse_document(interchange.export_sheet(s, b))
        doc.values["c1_3_results"] = "取込で変わった成果"
        assert interchange.import_document(s, doc).status == interchange.IMPORTED
        assert [x.id for x in s.search("取込で変わった成果")] == [b] and s.search("鯱鯨") == []
        _index_consistent(s)
        assert len(s.search("特記", limit=1)) == 1


def test_snapshots_are_utf16_and_older_utf8_ones_still_read(db_path: Path, r01_values: dict) -> None:
    import zlib

    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        raw = s.db.conn.execute("SELECT values_json FROM revisions WHERE sheet_id = ?", [sid]).fetchone()[0]
        utf8 = zlib.compress(json.dumps(s.get_sheet(sid).values, ensure_ascii=False).encode(), 6)
        assert raw[:1] == b"\x02" and len(raw) < len(utf8)
        assert s.revision_values(sid, 1) == s.get_sheet(sid).values
        s.db.conn.execute("UPDATE revisions SET values_json = ? WHERE sheet_id = ?", [utf8, sid])
        s.db.conn.commit()
        assert s.revision_values(sid, 1) == s.get_sheet(sid).values and s.last_good_revision(sid) == 1


def test_a_database_of_the_previous_schema_is_migrated(db_path: Path) -> None:
    """m010 on a file written before it (index triggers, UTF-8 snapshots): sheets, revisions and search work."""
    import zlib

    import sqlite_utils

    from desktop.core import store as store_mod

    db = sqlite_utils.Database(db_path)
    db.conn.execute(f"PRAGMA application_id = {store_mod.APPLICATION_ID}")
    store_mod.migrations.apply(db, stop_before="m010_lean_index")
    for i, text in enumerate(["旧形式の特記事項", "Mixed Case 旧データ"], start=1):
        db["sheets"].insert({"uuid": f"u-{i}", "format": "mofa-r01", "fiscal_year": 2019, "organization": "国際移住機関",
                             "contribution": f"旧{i}", "status": "draft", "created": "2019-01-01T00:00:00+00:00",
                             "updated": "2019-01-01T00:00:00+00:00", "revision": 2, "format_version": 1})
        values = {"c4_4_other": text}
        # the second one written with \u escapes (json.dumps' default), as another writer might have
        db["sheet_values"].insert({"sheet_id": i, "field_id": "c4_4_other", "value": json.dumps(text, ensure_ascii=i == 2)})
        db["sheet_text"].insert({"sheet_id": i, "body": text})  # indexed by the old triggers
        db["revisions"].insert({"sheet_id": i, "number": 1, "created": "2019-01-01T00:00:00+00:00", "kind": "import",
                                "status": "draft", "values_json": json.dumps({"c4_4_other": "最初の版"}, ensure_ascii=False)})
        db["revisions"].insert({"sheet_id": i, "number": 2, "created": "2019-01-02T00:00:00+00:00", "kind": "save",
                                "status": "draft", "values_json": zlib.compress(json.dumps(values, ensure_ascii=False).encode())})
    db.conn.commit()
    db.conn.close()
    with Store(db_path) as s:
        assert "m010_lean_index" in [m.name for m in store_mod.migrations.applied(s.db)]
        assert not s.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        assert "sheet_text" not in s.db.table_names()  # the second copy of the text is gone
        plan = s.db.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM sheets WHERE deleted IS NULL "
                                 "ORDER BY fiscal_year DESC, organization, contribution, id").fetchall()
        assert "idx_sheets_list" in str(plan) and "TEMP B-TREE" not in str(plan)  # the list is read in order
        assert s.get_sheet(2).values == {"c4_4_other": "Mixed Case 旧データ"}
        assert [x.id for x in s.search("旧形式の特記")] == [1] and [x.id for x in s.search("mixed case")] == [2]
        assert [x.id for x in s.search("旧")] == [1, 2] and [x.id for x in s.search("特記")] == [1]
        assert [r.number for r in s.history(1)] == [1, 2]
        assert s.revision_values(1, 1) == {"c4_4_other": "最初の版"} and s.revision_values(1, 2) == {"c4_4_other": "旧形式の特記事項"}
        s.save_values(1, {"c4_4_other": "移行後の変更"})
        assert s.search("旧形式の特記") == [] and [x.id for x in s.search("移行後の変更")] == [1]
        s.restore_revision(1, 2)
        assert [x.id for x in s.search("旧形式の特記")] == [1]
        _index_consistent(s)


def test_search_reads_the_text_not_its_json(db_path: Path) -> None:
    """Search checks a value's JSON where it can: never a match made by an escape, a number or a list's
    punctuation; a list's text and a phrase across two values (a space between) are still found."""
    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", {"contribution_name": "改行\nbの後\x0bの欄", "c1_3_results": "1",
                                        "c2_1_priority_areas": ["重点一", "重点二"], "c4_4_other": "終わりの欄"})
        b = s.create_sheet("mofa-r01", {"contribution_name": "nbと000と\"引用\"", "c1_3_results": "重点二 重点一"})
        assert [x.id for x in s.search("nb")] == [b] and [x.id for x in s.search("000")] == [b]
        assert [x.id for x in s.search("n")] == [b] and [x.id for x in s.search('"引用"')] == [b]
        assert [x.id for x in s.search("\"")] == [b] and s.search(",") == [] and s.search("[") == []
        assert {x.id for x in s.search("重点一")} == {a, b} and [x.id for x in s.search("重点一 重点二")] == [a]
        assert [x.id for x in s.search("重点二 重点一")] == [b]
        assert [x.id for x in s.search("重点二 終わり")] == [a]  # across two values, as the text was joined
        assert s.search("20") == []  # the fiscal year is a number, not text
        assert [x.id for x in s.search("b")] == [a, b] or {x.id for x in s.search("b")} == {a, b}
        assert {x.id for x in s.search("の")} == {a}


def test_sheets_created_in_one_transaction_are_indexed_as_they_ended(db_path: Path) -> None:
    """The text a sheet was created with is indexed without reading it back, unless it changed again
    or its id was used again after a rolled-back savepoint."""
    with Store(db_path) as s:
        with s.transaction():
            with pytest.raises(RuntimeError), s.transaction():
                gone = s.create_sheet("mofa-r01", {"c4_4_other": "取り消された作成"})
                raise RuntimeError
            again = s.create_sheet("mofa-r01", {"c4_4_other": "同じ番号の新しい作成"})
            edited = s.create_sheet("mofa-r01", {"c4_4_other": "作成直後の文"})
            s.save_values(edited, {"c4_4_other": "同じ取引で直した文"})
        assert gone == again
        assert s.search("取り消された") == [] and [x.id for x in s.search("同じ番号の新しい")] == [again]
        assert s.search("作成直後") == [] and [x.id for x in s.search("同じ取引で直した")] == [edited]
        _index_consistent(s)


def test_one_character_search_at_the_edges_of_unicode(db_path: Path) -> None:
    """The index's terms are asked for a range up to the next character: never a surrogate, nothing past U+10FFFF."""
    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", {"c4_4_other": "端\ud7ffと\ue000と\U0010ffffの字"})
        assert [x.id for x in s.search("\ud7ff")] == [a] and [x.id for x in s.search("\ue000")] == [a]
        assert [x.id for x in s.search("\U0010ffff")] == [a] and [x.id for x in s.search("\ud7ffと")] == [a]


def test_full_width_letters_are_found_as_written(db_path: Path) -> None:
    """「ＩＯＭ」 typed as the sheet writes it finds the sheet (it found nothing: the query was
    lower-cased beyond ASCII while the text was compared with ASCII letters folded only)."""
    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", {"c4_4_other": "ＩＯＭ事務局とＵＮＨＣＲ，IOM本部"})
        b = s.create_sheet("mofa-r01", {"c4_4_other": "iom と書いた欄"})
        assert [x.id for x in s.search("ＩＯＭ")] == [a]
        assert [x.id for x in s.search("ＩＯＭ事務局")] == [a]
        assert [x.id for x in s.search("ＵＮＨＣＲ")] == [a]
        assert {x.id for x in s.search("IOM")} == {a, b}  # ASCII case folded, as before
        assert [x.id for x in s.search("ＩＯ")] == [a]  # 1–2 characters: the same rule


def test_a_new_sheet_row_is_written_once_with_its_digest_and_first_revision(db_path: Path, r01_doc: dict) -> None:
    """Import writes a new sheet's row with its digest and revision 1 (no UPDATE of the row per sheet)."""
    from desktop.core import interchange
    from desktop.core.values import values_digest

    docs = _docs(r01_doc, 2)
    with Store(db_path) as s:
        with _statements(s) as calls, s.transaction():
            ids = [interchange.import_document(s, d).sheet_id for d in docs]
        assert not [c for c in calls if c.upper().startswith("UPDATE SHEETS")]
        for sid, doc in zip(ids, docs, strict=True):
            sheet = s.get_sheet(sid)
            assert sheet.values == doc.values
            assert sheet.digest == values_digest(sheet.values) == s.state_digests(sid)[0]
            assert sheet.revision == 1 and [r.number for r in s.history(sid)] == [1]
            assert s.revision_values(sid, 1) == sheet.values
            raw = dict(s.db.conn.execute("SELECT field_id, value FROM sheet_values WHERE sheet_id = ?", [sid]))
            assert raw == {k: json.dumps(v, ensure_ascii=False) for k, v in doc.values.items()}
        sid = ids[0]
        s.save_values(sid, dict(docs[0].values, c1_3_results="二つ目の版"), kind="save")
        assert s.get_sheet(sid).revision == 2 and s.revision_values(sid, 2)["c1_3_results"] == "二つ目の版"


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                     max_leaves=12)


@given(_JSON)
def test_a_value_is_stored_as_json_dumps_writes_it(value) -> None:
    """sheet_values holds json.dumps(value, ensure_ascii=False); strings skip building an encoder."""
    from desktop.core import store

    assert store._value_json(value) == json.dumps(value, ensure_ascii=False)


def test_a_batch_import_names_its_savepoints_by_depth(db_path: Path, r01_doc: dict) -> None:
    """Each savepoint had a name of its own (a uuid), so SQLite prepared its statements anew for every
    one, three per imported sheet; named by depth they are the same few statements, still nested."""
    from desktop.core import interchange

    docs = _docs(r01_doc, 3)
    with Store(db_path) as s:
        with _statements(s) as calls, s.transaction():
            ids = [interchange.import_document(s, d).sheet_id for d in docs]
            with pytest.raises(RuntimeError), s.transaction():
                s.save_values(ids[0], dict(docs[0].values, c4_4_other="取り消す変更"))
                raise RuntimeError
        named = {c for c in calls if c.upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))}
        assert len([c for c in calls if c.upper().startswith("SAVEPOINT")]) >= 9
        assert named <= {f"{verb} {n}" for verb in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
                         for n in ("hyoka_1", "hyoka_2")}
        assert s.get_sheet(ids[0]).values == docs[0].values and s.search("取り消す変更") == []


@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=8))
def test_the_canonical_json_built_from_the_stored_pieces_is_the_canonical_json(values) -> None:
    """A sheet's values are JSON-encoded once: the canonical JSON (digest, snapshot) is built from the
    pieces sheet_values holds wherever a value's JSON is the same in both."""
    from desktop.core import store
    from desktop.core.values import canonical_json

    pieces, canonical = store._encoded(values)
    assert canonical == canonical_json(values)
    assert pieces == [json.dumps(v, ensure_ascii=False) for v in values.values()]


def test_a_sheets_values_are_written_by_one_statement_and_read_back_in_order(db_path: Path, r01_doc: dict,
                                                                             monkeypatch) -> None:
    """One INSERT of every row a sheet has (executemany ran one per row), in chunks past SQLite's
    oldest parameter limit; the rows keep the order written (the indexed text's order)."""
    from desktop.core import interchange
    from desktop.core import store as store_mod

    doc = _docs(r01_doc, 1)[0]
    with Store(db_path) as s:
        with _statements(s) as calls:
            sid = interchange.import_document(s, doc).sheet_id
        inserts = [c for c in calls if c.startswith("INSERT INTO sheet_values")]
        assert len(inserts) == 1 and len(doc.values) > 50
        monkeypatch.setattr(store_mod, "_ROWS_PER_INSERT", 7)
        s.save_values(sid, dict(doc.values, c4_4_other="七行ずつ書いた版"))
        order = [f for (f,) in s.db.conn.execute("SELECT field_id FROM sheet_values WHERE sheet_id = ? ORDER BY rowid",
                                                 [sid])]
        assert order == list(store_mod.normalize_values(doc.form, dict(doc.values, c4_4_other="七行ずつ書いた版")))
        assert s.get_sheet(sid).values == dict(doc.values, c4_4_other="七行ずつ書いた版")
        assert [x.id for x in s.search("七行ずつ")] == [sid]


class _Recording:
    """The store's compressor, noting each hand-over in ``calls`` (beside the traced statements)."""

    def __init__(self, real, calls: list[str]):
        self.real, self.calls = real, calls

    def submit(self, fn, *args):
        self.calls.append("submit")
        return self.real.submit(fn, *args)


def test_a_large_snapshot_is_compressed_on_another_thread_while_the_values_are_written(
        db_path: Path, r01_doc: dict, monkeypatch) -> None:
    """zlib lets go of the GIL: a sheet's snapshot is handed to the compressor thread before its values
    are written (SQLite lets go of the GIL too), and is the very snapshot compressing it here gives."""
    import threading
    import zlib

    from desktop.core import interchange
    from desktop.core import store as store_mod

    real_compress, real_pool = zlib.compress, store_mod._compressor()
    threads: list[str] = []
    monkeypatch.setattr(zlib, "compress", lambda data, level: threads.append(
        threading.current_thread().name) or real_compress(data, level))
    doc = _docs(r01_doc, 1)[0]
    with Store(db_path) as s:
        with _statements(s) as calls:
            monkeypatch.setattr(store_mod, "_compressor", lambda: _Recording(real_pool, calls))
            sid = interchange.import_document(s, doc).sheet_id
            s.save_values(sid, dict(doc.values, c1_3_results="二つ目の版"), kind="save")
        order = [" ".join(c.split()[:3]) for c in calls
                 if c == "submit" or c.startswith(("INSERT INTO sheets", "INSERT INTO sheet_values",
                                                   "INSERT INTO revisions", "DELETE FROM sheet_values"))]
        assert order == ["submit", "INSERT INTO sheets", "INSERT INTO sheet_values", "INSERT INTO revisions",
                         "submit", "DELETE FROM sheet_values", "INSERT INTO sheet_values", "INSERT INTO revisions"]
        assert len(threads) == 2 and all(t.startswith("hyoka-pack") for t in threads)
        for number, level in ((1, store_mod._LEVEL_FIRST), (2, store_mod._LEVEL_MORE)):
            values = s.revision_values(sid, number)
            stored = s.db.conn.execute("SELECT values_json FROM revisions WHERE sheet_id = ? AND number = ?",
                                       [sid, number]).fetchone()[0]
            assert stored == store_mod._pack(values, level)
        assert s.revision_values(sid, 1) == doc.values
        assert s.revision_values(sid, 2) == dict(doc.values, c1_3_results="二つ目の版") == s.get_sheet(sid).values
        small = s.create_sheet("mofa-r01", {"contribution_name": "小さなシート"})
        assert threads[-1] == threading.current_thread().name  # too small to hand over
        assert s.revision_values(small, 1) == {"contribution_name": "小さなシート"}


def test_a_failed_sheet_in_a_batch_leaves_no_revision_and_the_others_all_of_theirs(db_path: Path, r01_doc: dict) -> None:
    """A sheet whose snapshot was handed over and whose row then failed (a uuid already there) is undone
    with its savepoint; the sheets before and after it keep exactly their one revision each."""
    docs = _docs(r01_doc, 3)
    with Store(db_path) as s:
        with s.transaction():
            first = s.create_sheet("mofa-r01", docs[0].values, sheet_uuid=docs[0].sheet["uuid"])
            with pytest.raises(StoreError):
                s.create_sheet("mofa-r01", docs[1].values, sheet_uuid=docs[0].sheet["uuid"])
            last = s.create_sheet("mofa-r01", docs[2].values, sheet_uuid=docs[2].sheet["uuid"])
        rows = s.db.conn.execute("SELECT sheet_id, number FROM revisions ORDER BY id").fetchall()
        assert rows == [(first, 1), (last, 1)]
        assert s.revision_values(first, 1) == docs[0].values and s.revision_values(last, 1) == docs[2].values
        assert [x.id for x in s.search("一括取込の特記事項1番")] == []


def test_a_compression_that_fails_on_the_other_thread_undoes_the_sheet(db_path: Path, r01_doc: dict,
                                                                     monkeypatch) -> None:
    """The compressor thread's failure reaches the caller when the revision is written, and the whole
    transaction is undone: no sheet without its revision."""
    import zlib

    doc = _docs(r01_doc, 1)[0]

    def fail(data: bytes, level: int) -> bytes:
        raise MemoryError

    with Store(db_path) as s:
        monkeypatch.setattr(zlib, "compress", fail)
        with pytest.raises(MemoryError), s.transaction():
            s.create_sheet("mofa-r01", doc.values, sheet_uuid=doc.sheet["uuid"])
        monkeypatch.undo()
        assert s.list_sheets() == [] and s.db.conn.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 0
        sid = s.create_sheet("mofa-r01", doc.values, sheet_uuid=doc.sheet["uuid"])
        assert s.revision_values(sid, 1) == doc.values


def test_an_imported_sheet_is_normalized_once(db_path: Path, r01_doc: dict, monkeypatch) -> None:
    """Reading the file normalizes its values; creating the sheet stores them as they are (it normalized
    them a second time), while a sheet made from raw values is still normalized by the store."""
    from desktop.core import interchange
    from desktop.core import store as store_mod

    doc = _docs(r01_doc, 1)[0]
    calls = []
    real = store_mod.normalize_values
    monkeypatch.setattr(store_mod, "normalize_values", lambda *a: calls.append(1) or real(*a))
    with Store(db_path) as s:
        sid = interchange.import_document(s, doc).sheet_id
        assert calls == [] and s.get_sheet(sid).values == doc.values
        raw = s.create_sheet("mofa-r01", {"contribution_name": "  全角の数字  ", "c4_1_jp_staff": "１５，０１５"})
        assert calls == [1] and s.get_sheet(raw).values["c4_1_jp_staff"] == 15015


def test_a_save_while_the_interpreter_shuts_down_compresses_its_snapshot_at_once(db_path: Path, r01_values: dict,
                                                                                 monkeypatch) -> None:
    """After Python's exit hooks have stopped the thread pools, a pool takes no new work (RuntimeError): a
    save made then (the last keystrokes at logout) still writes its revision, compressed on this thread."""
    from desktop.core import store as store_mod

    class ShutDown:
        def submit(self, *args):
            raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        monkeypatch.setattr(store_mod, "_compressor", ShutDown)
        number = s.save_values(sid, dict(r01_values, c1_3_results="終了間際の入力"), kind="autosave")
        assert s.revision_values(sid, number)["c1_3_results"] == "終了間際の入力"
