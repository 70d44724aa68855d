"""The trigram index of m011: case as written, ASCII letters folded by the store, results unchanged."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.store import Store

_FIELDS = ("contribution_name", "c1_3_results", "c4_4_other")
# Latin of both cases, full-width letters, letters whose case is not ASCII (Greek, İ whose lower
# case is two characters, ß), Japanese, and the characters JSON escapes
_ALPHABET = "aAbBＡａＢｂΩωİıßẞ国際機関 \"\\\n"


def _text(values: dict[str, Any]) -> str:
    parts = [" ".join(v) if isinstance(v, list) else v if isinstance(v, str) else "" for v in values.values()]
    return " ".join(parts)


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _reference(s: Store, query: str) -> list[int]:
    """What search finds, read the straightforward way: every sheet's text, ASCII case folded."""
    query = query.strip()
    if not query:
        return []
    rows = s.db.conn.execute("SELECT id FROM sheets WHERE deleted IS NULL ORDER BY fiscal_year DESC, id").fetchall()
    needle = _ascii_lower(query)
    return [i for (i,) in rows if needle in _ascii_lower(_text(s.get_sheet(i).values))][:200]


_QUERIES = ["IOM", "iom", "Iom", "ｉｏｍ", "ＩＯＭ", "Ｉ", "ｉ", "I", "i", "io", "ＩＯ", "Ωμ", "ωμέγα", "ΩΜΈΓΑ", "Ω",
            "ω", "İs", "is", "STRASSE", "straße", "国際", "国", "機関と", "IOM本部", "ＩＯＭ事務局"]
_SHEETS = ["ＩＯＭ事務局とＵＮＨＣＲ，IOM本部", "iom と書いた欄", "Ωμέγα 国際機関と İstanbul", "ΩΜΈΓΑ strasse",
           "Straße の国際", "ｉｏｍ 小文字の全角", "Iom"]


def test_m011_rebuilds_the_index_and_search_finds_what_it_found(db_path: Path) -> None:
    """A file of m010 (the index folded every letter's case its own way) is migrated: every search
    (3+ characters, 1–2, Latin of both cases, full-width and Greek letters) finds what the text holds."""
    import sqlite_utils

    from desktop.core import store as store_mod

    db = sqlite_utils.Database(db_path)
    db.conn.execute(f"PRAGMA application_id = {store_mod.APPLICATION_ID}")
    store_mod.migrations.apply(db, stop_before="m011_case_sensitive_index")
    for i, text in enumerate(_SHEETS, start=1):
        db["sheets"].insert({"uuid": f"u-{i}", "format": "mofa-r01", "fiscal_year": 2019 + i % 2, "organization": "機関",
                             "contribution": f"拠出{i}", "status": "draft", "created": "2019-01-01T00:00:00+00:00",
                             "updated": "2019-01-01T00:00:00+00:00", "revision": 1, "format_version": 1})
        db["sheet_values"].insert({"sheet_id": i, "field_id": "c4_4_other", "value": json.dumps(text, ensure_ascii=False)})
        # as m010's store wrote it: the text itself, into an index that folds case
        db.conn.execute("INSERT INTO sheet_text_fts (rowid, body) VALUES (?, ?)", [i, text + "  "])
    db.conn.commit()
    before = {q: [r[0] for r in db.conn.execute(
        "SELECT rowid FROM sheet_text_fts WHERE sheet_text_fts MATCH ?", ['"' + q + '"'])] for q in ("ｉｏｍ", "ＩＯＭ")}
    assert before == {"ｉｏｍ": [1, 6], "ＩＯＭ": [1, 6]}  # m010's index: full-width case folded
    db.conn.close()
    with Store(db_path) as s:
        sql = s.db.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sheet_text_fts'").fetchone()[0]
        assert "case_sensitive 1" in sql and "detail='none'" in sql
        for q in _QUERIES:
            assert [x.id for x in s.search(q)] == _reference(s, q), q
        assert [x.id for x in s.search("ＩＯＭ")] == [1] and {x.id for x in s.search("iom")} == {1, 2, 7}
        assert [x.id for x in s.search("ｉｏｍ")] == [6] and {x.id for x in s.search("Ωμέγα")} == {3}
        s.db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('integrity-check')")


def test_the_index_holds_case_as_written_with_ascii_letters_folded(db_path: Path) -> None:
    """The index is given the text the way search compares it: 「ＩＯＭ」 stays full-width upper case
    (the tokenizer folded it to 「ｉｏｍ」), IOM becomes iom."""
    with Store(db_path) as s:
        s.create_sheet("mofa-r01", {"c4_4_other": "ＩＯＭとIOMとΩ"})
        terms = {t for (t,) in s.db.conn.execute("SELECT term FROM temp.sheet_text_terms")}
        assert {"ＩＯＭ", "iom", "とΩ "} <= terms
        assert not terms & {"ｉｏｍ", "IOM", "とω "}


def test_one_or_two_letters_with_case_beyond_ascii_are_looked_up_in_the_index(db_path: Path) -> None:
    """「Ｉ」 or 「Ω」 read every sheet's text (the index folded such letters its own way); now
    the index names the candidates, as for any other character."""
    with Store(db_path) as s:
        a = s.create_sheet("mofa-r01", {"c4_4_other": "ＩＯＭとΩ"})
        s.create_sheet("mofa-r01", {"c4_4_other": "ｉｏｍとω"})
        calls: list[str] = []
        s.db.conn.set_trace_callback(calls.append)
        try:
            assert [x.id for x in s.search("Ω")] == [a] and [x.id for x in s.search("ＩＯ")] == [a]
        finally:
            s.db.conn.set_trace_callback(None)
        assert len([c for c in calls if "sheet_text_fts MATCH" in c]) == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({}, optional={f: st.text(_ALPHABET, max_size=12) for f in _FIELDS}),
                min_size=1, max_size=5),
       st.lists(st.text(_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=6))
def test_search_finds_what_reading_every_text_finds(sheets: list[dict[str, str]], queries: list[str]) -> None:
    """The index only names candidates: whatever the letters, search agrees with reading every sheet."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.sqlite3") as s:
        with s.transaction():
            first = s.create_sheet("mofa-r01", sheets[0])
        for values in sheets[1:]:
            s.create_sheet("mofa-r01", values)
        for q in queries:
            assert [x.id for x in s.search(q)] == _reference(s, q), q
        s.save_values(first, {"c4_4_other": "".join(queries)})  # an update: the old text leaves the index
        for q in queries:
            assert [x.id for x in s.search(q)] == _reference(s, q), q
        s.db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('integrity-check')")


def _structure(s: Store) -> tuple[int, int]:
    """The trigram index's levels and segments, from FTS5's structure record (a 4-byte cookie, then
    varints: the number of levels, of segments, ...)."""
    block = s.db.conn.execute("SELECT block FROM sheet_text_fts_data WHERE id = 10").fetchone()[0]
    numbers, pos = [], 4
    while len(numbers) < 2:
        value = 0
        while True:
            byte = block[pos]
            pos += 1
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        numbers.append(value)
    return numbers[0], numbers[1]


def test_a_batch_writes_its_index_entries_as_one_segment(db_path: Path) -> None:
    """m012: the index gathers a batch's entries in memory (FTS5 hashsize 16 MiB) and writes them once at
    commit; with FTS5's 1 MiB a batch of sheets with much text of their own wrote a segment every few
    sheets, merged again into a second level at once."""
    import random

    from desktop.core import store as store_mod

    rng = random.Random(3)
    texts = ["".join(chr(rng.randrange(0x4E00, 0x9FA0)) for _ in range(3000)) for _ in range(30)]
    with Store(db_path) as s:
        s.create_sheet("mofa-r01", {"contribution_name": "最初のシート", "c4_4_other": "一つ目の特記事項"})
        assert _structure(s) == (1, 1)
        with s.transaction():
            ids = [s.create_sheet("mofa-r01", {"contribution_name": f"拠出{i}", "c4_4_other": text})
                   for i, text in enumerate(texts)]
        assert _structure(s) == (1, 2)
        assert [x.id for x in s.search(texts[17][1000:1010])] == [ids[17]]
        s.db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('integrity-check')")
        assert dict(s.db.conn.execute("SELECT k, v FROM sheet_text_fts_config"))["hashsize"] == store_mod._INDEX_HASHSIZE


def test_m012_keeps_the_index_and_every_search(db_path: Path) -> None:
    """A file of m011 gets the larger hashsize; its index and what every search finds stay as they were."""
    import sqlite_utils

    from desktop.core import store as store_mod

    with Store(db_path) as s:
        for i, text in enumerate(_SHEETS):
            s.create_sheet("mofa-r01", {"contribution_name": f"拠出{i}", "c4_4_other": text})
        before = {q: [x.id for x in s.search(q)] for q in _QUERIES}
    db = sqlite_utils.Database(db_path)
    db.conn.execute("DELETE FROM sheet_text_fts_config WHERE k = 'hashsize'")
    db.conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm012_index_hashsize'")
    db.conn.commit()
    db.conn.close()
    with Store(db_path) as s:
        assert dict(s.db.conn.execute("SELECT k, v FROM sheet_text_fts_config"))["hashsize"] == store_mod._INDEX_HASHSIZE
        assert "m012_index_hashsize" in [m.name for m in store_mod.migrations.applied(s.db)]
        assert {q: [x.id for x in s.search(q)] for q in _QUERIES} == before
        assert all(before[q] == _reference(s, q) for q in _QUERIES)
        s.db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('integrity-check')")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=_ALPHABET + "Ｉｏ", min_size=1, max_size=12))
def test_the_index_is_given_utf8_bytes_and_holds_what_the_folded_text_gives(text: str) -> None:
    """The store hands the index each text as its ASCII-folded UTF-8 bytes (no str made of them for
    sqlite3 to encode again); the index holds the very terms the folded text gives, and a deletion
    given the same bytes removes them."""
    from desktop.core import store as store_mod

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.sqlite3") as s:
        calls: list[str] = []
        s.db.conn.set_trace_callback(calls.append)
        sid = s.create_sheet("mofa-r01", {"contribution_name": "名前", "c4_4_other": text})
        s.db.conn.set_trace_callback(None)
        inserts = [c for c in calls if c.startswith("INSERT INTO sheet_text_fts (rowid, body)")]
        assert len(inserts) == 1 and "VALUES (1, x'" in inserts[0].replace("X'", "x'")
        terms = sorted(t for (t,) in s.db.conn.execute("SELECT term FROM temp.sheet_text_terms"))
        conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE VIRTUAL TABLE f USING FTS5 (body, tokenize={store_mod._INDEX_TOKENIZER!r}, "
                     "content='', detail='none')")
        conn.execute("INSERT INTO f (rowid, body) VALUES (1, ?)",
                     [store_mod._index_fold(store_mod._indexed_text(s.db.conn, sid))])
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, f, 'row')")
        assert terms == sorted(t for (t,) in conn.execute("SELECT term FROM temp.v"))
        s.save_values(sid, {"contribution_name": "別の名前"})
        assert s.search(text.strip()[:3]) == []  # the old text left the index and the values
        s.db.conn.execute("INSERT INTO sheet_text_fts (sheet_text_fts) VALUES ('integrity-check')")
