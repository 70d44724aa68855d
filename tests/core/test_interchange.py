"""Interchange files: round trip, digest, structural checks and atomic import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.core import interchange
from desktop.core.interchange import InterchangeError
from desktop.core.store import Store
from tests.conftest import DEMO_H30, DEMO_R01


def canonical(doc: dict) -> bytes:
    return interchange.canonical_bytes(doc)


@pytest.mark.parametrize("path", [DEMO_R01, DEMO_H30])
def test_import_export_round_trip_is_identical(db_path: Path, path: Path) -> None:
    original = json.loads(path.read_text(encoding="utf-8"))  # a version 1 file
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(path)).sheet_id
        assert sid is not None
        as_v1 = interchange.export_sheet(s, sid, schema_version=1)
        as_v2 = interchange.export_sheet(s, sid)
    assert canonical(as_v1) == canonical(original)
    assert as_v1["sha256"] == original["sha256"]
    assert as_v2["schema_version"] == 2 and as_v2["format_version"] == 1  # version 1 files have none: read as 1
    assert as_v2["sheet"]["base"]["digest"] == interchange.values_digest(interchange.load_file(path).values)
    skip = ("sheet", "schema_version", "sha256", "format_version")
    assert {k: v for k, v in as_v2.items() if k not in skip} == {k: v for k, v in original.items() if k not in skip}


def test_demo_files_carry_valid_digests() -> None:
    for path in interchange.demo_files():
        assert interchange.load_file(path).digest_checked


def test_damaged_file_is_detected(tmp_path: Path, r01_doc: dict) -> None:
    r01_doc["values"]["c3_2_budget"] = 1614702001  # one digit changed in transit
    p = tmp_path / "damaged.json"
    p.write_text(json.dumps(r01_doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InterchangeError, match="SHA-256"):
        interchange.load_file(p)


def test_file_without_digest_is_accepted(r01_doc: dict) -> None:
    del r01_doc["sha256"]
    doc = interchange.parse_document(r01_doc)
    assert not doc.digest_checked and doc.values["c3_2_budget"] == 1614702000


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="mofa-r99"), "format が不明"),
        (lambda d: d.update(schema_version=3), "schema_version"),
        (lambda d: d.update(schema_version=1.0), "schema_version"),
        (lambda d: d.update(schema_version=True), "schema_version"),
        (lambda d: d.update(format={}), "format が不明"),
        (lambda d: d.update(format=[]), "format が不明"),
        (lambda d: d["values"].update(c4_4_other="\ud800"), "c4_4_other：対になっていないサロゲート"),
        (lambda d: d["values"].update(c4_4_other="a\x00b"), "c4_4_other：NUL"),
        (lambda d: d["values"].update(c4_1_jp_staff=float("inf")), "c4_1_jp_staff"),
        (lambda d: (d.update(schema_version=2), d["sheet"].update(base={"digest": "x"})), "sheet.base"),
        (lambda d: d.update(extra=1), "不明なキー"),
        (lambda d: d.update(values=[]), "values がオブジェクトではありません"),
        (lambda d: d["values"].update(no_such_field="x"), "no_such_field"),
        (lambda d: d["values"].update(c3_2_diff=1), "計算項目"),
        (lambda d: d["values"].update(org_overview=["a"]), "values.org_overview：型が違います"),
        (lambda d: d["values"].update(activity_fields=[1, 2]), "values.activity_fields"),
        (lambda d: d["values"].update(c4_1_promotion_flag={"a": 1}), "c4_1_promotion_flag"),
        (lambda d: d["sheet"].update(status="finished"), "sheet.status"),
    ],
)
def test_structural_errors_name_the_place(r01_doc: dict, mutate, message: str) -> None:
    r01_doc.pop("sha256")
    mutate(r01_doc)
    with pytest.raises(InterchangeError, match=message):
        interchange.parse_document(r01_doc, "x.json")


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"{not json", "JSON として読めません（1 行 2 列"), (b"\xff\xfe\x00", "UTF-8"), (b"[1, 2]", "最上位"),
     (b"[" * 100000 + b"]" * 100000, "JSON")],
)
def test_malformed_bytes(raw: bytes, message: str) -> None:
    with pytest.raises(InterchangeError, match=message):
        interchange.load_bytes(raw)


def test_bad_file_changes_nothing(db_path: Path, r01_doc: dict) -> None:
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        assert sid is not None
        before = s.get_sheet(sid).values, s.history(sid)
        r01_doc.pop("sha256")
        r01_doc["values"]["contribution_name"] = ""  # now invalid, but marked complete
        doc = interchange.parse_document(r01_doc)
        result = interchange.import_document(s, doc)
        assert result.status == "rejected" and "完了" in result.message
        assert (s.get_sheet(sid).values, s.history(sid)) == before
        assert len(s.list_sheets()) == 1


def test_reimport_of_an_edited_export_fast_forwards(db_path: Path) -> None:
    """The file was exported from the state this database still has: take it."""
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        assert sid is not None
        exported = interchange.export_sheet(s, sid)
        exported["values"]["c4_4_other"] = "別の端末で更新された特記事項"
        del exported["sha256"]
        result = interchange.import_document(s, interchange.parse_document(exported))
        assert (result.status, result.sheet_id) == ("imported", sid)
        assert s.get_sheet(sid).values["c4_4_other"] == "別の端末で更新された特記事項"
        assert [r.kind for r in s.history(sid)] == ["import", "import"]
        again = interchange.import_document(s, interchange.parse_document(exported))
        assert again.status == "unchanged" and len(s.history(sid)) == 2
        copy = interchange.import_document(s, interchange.parse_document(exported), as_new=True)
        assert copy.status == "imported" and copy.sheet_id != sid


def test_importing_an_older_export_never_overwrites_newer_local_work(db_path: Path) -> None:
    """The defect: export, edit locally, import the earlier export → the edit was gone."""
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        assert sid is not None
        old = interchange.export_sheet(s, sid)
        s.save_values(sid, {**s.get_sheet(sid).values, "c4_4_other": "この端末での新しい編集"})
        before = s.get_sheet(sid).values, s.history(sid)
        result = interchange.import_document(s, interchange.parse_document(old))
        assert result.status == "conflict" and result.sheet_id == sid
        assert result.local_values["c4_4_other"] == "この端末での新しい編集"
        assert (s.get_sheet(sid).values, s.history(sid)) == before  # nothing changed
        # --theirs: the file wins; the local edit stays in the history
        taken = interchange.import_document(s, interchange.parse_document(old), on_conflict="theirs")
        assert taken.status == "imported" and s.get_sheet(sid).values == interchange.parse_document(old).values
        assert any(s.revision_values(sid, r.number).get("c4_4_other") == "この端末での新しい編集"
                   for r in s.history(sid))


def test_v1_file_without_base_conflicts_unless_equal(db_path: Path, r01_doc: dict) -> None:
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        assert sid is not None
        assert interchange.import_document(s, interchange.load_file(DEMO_R01)).status == "unchanged"
        del r01_doc["sha256"]
        r01_doc["values"]["c4_4_other"] = "v1 の別の内容"
        assert interchange.import_document(s, interchange.parse_document(r01_doc)).status == "conflict"
        both = interchange.import_document(s, interchange.parse_document(r01_doc), on_conflict="as_new")
        assert both.status == "imported" and both.sheet_id != sid and len(s.list_sheets()) == 2


def test_resolve_conflict_writes_the_choice_and_keeps_the_local_state(db_path: Path) -> None:
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01)).sheet_id
        assert sid is not None
        old = interchange.export_sheet(s, sid)
        old["values"]["c1_1_strategy_goals"] = "ファイル側の 1-1"
        del old["sha256"]
        old["sheet"]["base"]["digest"] = "0" * 64
        s.save_values(sid, {**s.get_sheet(sid).values, "c4_4_other": "この端末の 4-4"})
        result = interchange.import_document(s, interchange.parse_document(old))
        assert result.status == "conflict"
        merged = {**result.local_values, "c1_1_strategy_goals": "ファイル側の 1-1"}
        interchange.resolve_conflict(s, result, merged)
        now = s.get_sheet(sid).values
        assert now["c1_1_strategy_goals"] == "ファイル側の 1-1" and now["c4_4_other"] == "この端末の 4-4"
        assert s.history(sid)[-1].kind == "merge"


def test_store_refuses_a_write_based_on_a_state_it_did_not_read(db_path: Path) -> None:
    from desktop.core.store import ConflictError

    with Store(db_path) as s:
        sid = s.create_sheet("mofa-r01", {"c4_4_other": "a"})
        seen = s.sheet_digest(sid)
        s.save_values(sid, {"c4_4_other": "b"})  # someone else's write
        with pytest.raises(ConflictError):
            s.save_values(sid, {"c4_4_other": "c"}, expected=seen)
        assert s.get_sheet(sid).values == {"c4_4_other": "b"}
        s.save_values(sid, {"c4_4_other": "c"}, expected=s.sheet_digest(sid))


def test_write_file_is_atomic_and_valid(tmp_path: Path, db_path: Path) -> None:
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_H30)).sheet_id
        assert sid is not None
        doc = interchange.export_sheet(s, sid)
    out = tmp_path / "out.json"
    interchange.write_file(doc, out)
    assert interchange.load_file(out).digest_checked
    assert not list(tmp_path.glob(".hyoka-*"))


def test_a_re_sent_edited_sheet_fast_forwards_at_the_receiver(tmp_path: Path) -> None:
    """Division → office, the division edits and sends again: the office has not changed its copy,
    so the new file is a fast-forward (the file carries the states its sheet went through)."""
    division, office = Store(tmp_path / "division.db"), Store(tmp_path / "office.db")
    try:
        sid = interchange.import_document(division, interchange.load_file(DEMO_R01)).sheet_id
        assert sid is not None
        first = interchange.export_sheet(division, sid)
        oid = interchange.import_document(office, interchange.parse_document(first)).sheet_id
        for i in range(3):  # autosaves within a minute coalesce over the exported state
            division.save_values(sid, {**division.get_sheet(sid).values, "c4_4_other": f"編集 {i}"}, kind="autosave")
        second = interchange.export_sheet(division, sid)
        result = interchange.import_document(office, interchange.parse_document(second))
        assert (result.status, result.sheet_id) == ("imported", oid)
        assert office.get_sheet(oid).values["c4_4_other"] == "編集 2"
        # the office edits too, then an older division file arrives: a conflict, never an overwrite
        office.save_values(oid, {**office.get_sheet(oid).values, "c1_1_strategy_goals": "評価室の修正"})
        stale = interchange.import_document(office, interchange.parse_document(second))
        assert stale.status == "conflict"
        base = interchange.common_base(office, stale)
        assert base is not None and base["c4_4_other"] == "編集 2"  # what both sides started from
    finally:
        division.close()
        office.close()
