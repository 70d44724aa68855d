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
    original = json.loads(path.read_text(encoding="utf-8"))
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(path))
        exported = interchange.export_sheet(s, sid)
    assert canonical(exported) == canonical(original)
    assert exported["sha256"] == original["sha256"]


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
        (lambda d: d.update(schema_version=2), "schema_version"),
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
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01))
        before = s.get_sheet(sid).values, s.history(sid)
        r01_doc.pop("sha256")
        r01_doc["values"]["contribution_name"] = ""  # now invalid, but marked complete
        doc = interchange.parse_document(r01_doc)
        with pytest.raises(InterchangeError, match="完了"):
            interchange.import_document(s, doc)
        assert (s.get_sheet(sid).values, s.history(sid)) == before
        assert len(s.list_sheets()) == 1


def test_reimport_of_same_uuid_adds_a_revision(db_path: Path, r01_doc: dict) -> None:
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_R01))
        r01_doc.pop("sha256")
        r01_doc["values"]["c4_4_other"] = "更新された特記事項"
        again = interchange.import_document(s, interchange.parse_document(r01_doc))
        assert again == sid and s.get_sheet(sid).values["c4_4_other"] == "更新された特記事項"
        assert [r.kind for r in s.history(sid)] == ["import", "import"]
        copy = interchange.import_document(s, interchange.parse_document(r01_doc), as_new=True)
        assert copy != sid


def test_write_file_is_atomic_and_valid(tmp_path: Path, db_path: Path) -> None:
    with Store(db_path) as s:
        sid = interchange.import_document(s, interchange.load_file(DEMO_H30))
        doc = interchange.export_sheet(s, sid)
    out = tmp_path / "out.json"
    interchange.write_file(doc, out)
    assert interchange.load_file(out).digest_checked
    assert not list(tmp_path.glob(".hyoka-*"))
