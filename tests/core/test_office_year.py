"""The evaluation office's year, core part: identity, settings, review comments, folder import,
checking sheets together, the overview (issue 13). Small generated years; the 90-sheet run is in
tests/test_office_e2e.py."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.core import interchange, overview, yearcheck
from desktop.core.definition import DefinitionError, get_form, parse_definition
from desktop.core.identity import AliasTable, contribution_key, normalize_name, organization_key
from desktop.core.store import IncompleteError, Store
from tests.conftest import ROOT
from tests.support.year import make_year


@pytest.fixture
def year_store(tmp_path: Path) -> tuple[Store, object]:
    y = make_year(12)
    store = Store(tmp_path / "h.db")
    outcomes = interchange.import_files(store, y.write(tmp_path / "in"))
    assert all(o.status == interchange.IMPORTED for o in outcomes)
    yield store, y
    store.close()


# ---------------------------------------------------------------- identity
def test_names_normalise_by_nfkc_and_whitespace() -> None:
    assert normalize_name("　国際移住機関 （ＩＯＭ）\t ") == "国際移住機関(IOM)"
    assert normalize_name("International   Organization\u3000for Migration") == "International Organization for Migration"
    assert normalize_name("IOM 拠出金") == "IOM拠出金"
    assert contribution_key(2019, "ＩＯＭ拠出金") == contribution_key(2019, " IOM拠出金")
    assert contribution_key(2019, "IOM拠出金") != contribution_key(2020, "IOM拠出金")
    assert contribution_key(2019, "　") is None


def test_aliases_make_organisations_the_same() -> None:
    aliases = AliasTable.from_mapping({"国際移住機関（ＩＯＭ）": "IOM", "International Organization for Migration": "IOM"})
    keys = {organization_key(2019, n, aliases) for n in ("国際移住機関（IOM）", "IOM", "ＩＯＭ",
                                                          "International  Organization for Migration")}
    assert len(keys) == 1
    assert organization_key(2019, "UNHCR", aliases) != organization_key(2019, "IOM", aliases)


# ---------------------------------------------------------------- format file
def test_format_declares_shared_fields_and_overview_columns() -> None:
    form = get_form("mofa-r01")
    assert form.by_id["c3_2_budget"].per_organization and not form.by_id["contribution_name"].per_organization
    assert [c.key for c in form.overview][:4] == ["contribution", "organization", "form", "budget"]
    assert form.budget_field == "initial_budget_kyen" and form.overall_rating_field == "overall_rating"
    assert get_form("mofa-h30").by_id["jp_staff"].per_organization


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["overview"].append({"key": "x", "field": "nope"}), "unknown field 'nope'"),
    (lambda d: d["overview"].append({"key": "x", "field": "@status", "wdith": 3}), "did you mean 'width'"),
    (lambda d: d["overview"].append({"key": "budget", "field": "@status"}), "duplicate key"),
    (lambda d: d.update(budget_field="contribution_name"), "not a number field"),
    (lambda d: d["sections"][2]["fields"][0].update(per_organization="yes"), r"\(contribution_name\)\.per_organization: must be bool"),
])
def test_new_format_keys_are_checked(edit, message: str) -> None:
    data = tomllib.loads((ROOT / "forms" / "mofa-r01.toml").read_text(encoding="utf-8"))
    edit(data)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(data)


# ---------------------------------------------------------------- settings and comments
def test_settings_and_comments_live_in_the_database(tmp_path: Path, r01_doc: dict) -> None:
    with Store(tmp_path / "h.db") as store:
        store.set_setting("author", "評価室 山田")
        sid = interchange.import_document(store, interchange.parse_document(r01_doc)).sheet_id
        c = store.add_comment(sid, "予算額を確認してください。", field_id="c3_2_budget")
        whole = store.add_comment(sid, "全体として記述が長い。")
        assert (c.author, c.field_id, c.status) == ("評価室 山田", "c3_2_budget", "open")
        assert whole.field_id == "" and store.open_comment_counts() == {sid: 2}
        with pytest.raises(Exception, match="nope"):
            store.add_comment(sid, "x", field_id="nope")
    with Store(tmp_path / "h.db") as store:  # persisted
        assert store.author == "評価室 山田" and len(store.comments(sid)) == 2


def test_complete_is_refused_while_a_comment_is_open(tmp_path: Path, r01_doc: dict) -> None:
    r01_doc["sheet"]["status"] = "draft"
    r01_doc.pop("sha256")
    with Store(tmp_path / "h.db") as store:
        sid = interchange.import_document(store, interchange.parse_document(r01_doc)).sheet_id
        c = store.add_comment(sid, "要確認", field_id="c1_rating", author="A")
        with pytest.raises(IncompleteError) as info:
            store.set_status(sid, "complete")
        assert info.value.findings[0].code == "open_comment" and info.value.findings[0].field_id == "c1_rating"
        resolved = store.resolve_comment(c.id, by="B")
        assert (resolved.status, resolved.resolved_by) == ("resolved", "B") and resolved.resolved
        store.set_status(sid, "complete")
        assert [x.status for x in store.comments(sid)] == ["resolved"]  # stays in history


def test_comments_travel_and_merge_by_id(tmp_path: Path, r01_doc: dict) -> None:
    office, division = Store(tmp_path / "office.db"), Store(tmp_path / "division.db")
    try:
        sid = interchange.import_document(office, interchange.parse_document(r01_doc)).sheet_id
        c1 = office.add_comment(sid, "3-2 を確認", field_id="c3_2_budget", author="評価室")
        office.add_comment(sid, "全体", author="評価室")
        doc = interchange.export_sheet(office, sid)
        assert [x["field"] for x in doc["review"]] == ["c3_2_budget", None] and doc["schema_version"] == 2
        # to the division: the sheet is unchanged there, the comments arrive
        r = interchange.import_document(division, interchange.parse_document(doc))
        assert r.status == interchange.IMPORTED and r.comments_merged == 2
        dsid = r.sheet_id
        # the division resolves one and adds its own answer; back at the office both arrive
        division.resolve_comment(c1.id, by="担当課")
        division.add_comment(dsid, "3-2 は機関全体の数字に直しました。", author="担当課")
        back = interchange.export_sheet(division, dsid)
        r = interchange.import_document(office, interchange.parse_document(json.loads(interchange.dumps(back))))
        assert r.status == interchange.IMPORTED
        got = {c.id: c for c in office.comments(sid)}
        assert got[c1.id].status == "resolved" and got[c1.id].resolved_by == "担当課" and len(got) == 3
        # importing the same file again: nothing new
        assert interchange.import_document(office, interchange.parse_document(back)).status == interchange.UNCHANGED
        # an older copy of a comment does not undo the newer state
        assert office.merge_comments(sid, interchange.parse_document(doc).review) == 0
        assert office.get_comment(c1.id).status == "resolved"
    finally:
        office.close()
        division.close()


def test_comments_are_not_part_of_conflict_detection(tmp_path: Path, r01_doc: dict) -> None:
    with Store(tmp_path / "h.db") as store:
        sid = interchange.import_document(store, interchange.parse_document(r01_doc)).sheet_id
        doc = interchange.export_sheet(store, sid)
        store.add_comment(sid, "ローカルの指摘", author="X")
        # same values, a file without the comment: unchanged, the local comment stays
        assert interchange.import_document(store, interchange.parse_document(doc)).status == interchange.UNCHANGED
        assert len(store.comments(sid)) == 1


def test_schema_1_refuses_a_sheet_with_comments(tmp_path: Path, r01_doc: dict) -> None:
    with Store(tmp_path / "h.db") as store:
        sid = interchange.import_document(store, interchange.parse_document(r01_doc)).sheet_id
        assert "review" not in interchange.export_sheet(store, sid, schema_version=1)
        store.add_comment(sid, "指摘", author="X")
        with pytest.raises(interchange.ReviewNeedsV2, match="版 1"):
            interchange.export_sheet(store, sid, schema_version=1)


@pytest.mark.parametrize(("review", "message"), [
    ([{"id": "a", "created": "2020", "text": "x", "field": "nope"}], "field"),
    ([{"id": "a", "created": "2020", "text": "x", "status": "done"}], "status"),
    ([{"id": "a", "created": "2020", "text": ""}], "text"),
    ([{"id": "a", "created": "2020", "text": "x", "colour": 1}], "colour"),
    ([{"id": "a", "created": "2020", "text": "x"}, {"id": "a", "created": "2020", "text": "y"}], "重複"),
    (["x"], "オブジェクト"),
])
def test_bad_review_entries_are_refused(r01_doc: dict, review: list, message: str) -> None:
    r01_doc.pop("sha256")
    r01_doc["schema_version"] = 2
    r01_doc["review"] = review
    with pytest.raises(interchange.InterchangeError, match=message):
        interchange.parse_document(r01_doc)


# ---------------------------------------------------------------- folder import
def test_a_folder_imports_each_file_on_its_own(tmp_path: Path) -> None:
    y = make_year(6)
    folder = tmp_path / "in"
    y.write(folder)
    (folder / "zz_bad.json").write_text("{", encoding="utf-8")
    (folder / "notes.txt").write_text("not a sheet", encoding="utf-8")
    paths = interchange.expand_paths([folder])
    assert len(paths) == 7 and paths[-1].name == "zz_bad.json"
    seen = []
    with Store(tmp_path / "h.db") as store:
        outcomes = interchange.import_files(store, paths, progress=lambda d, t, o: seen.append((d, t)))
        assert seen[-1] == (7, 7)
        assert interchange.summary(outcomes) == {"imported": 6, "unchanged": 0, "conflict": 0, "rejected": 0,
                                                 "unreadable": 1}
        assert "JSON" in outcomes[-1].reason
        again = interchange.import_files(store, paths[:6])
        assert {o.status for o in again} == {"unchanged"}
        assert "変更なし 6" in interchange.summary_line(again)


# ---------------------------------------------------------------- checking together
def test_check_finds_every_planted_problem(year_store) -> None:
    store, y = year_store
    findings = yearcheck.check_year(store, 2019)
    shared = {(f.field_id, f.sheets) for f in findings if f.kind == "shared"}
    assert {fid for fid, _s in shared} == {fid for _o, fid in y.differing}
    assert len(shared) == len(y.differing)
    by_uuid = {s.uuid: s.id for s in store.list_sheets()}
    assert {f.sheets[0] for f in findings if f.kind == "comment"} == {by_uuid[u] for u in y.commented}
    assert {f.sheets[0] for f in findings if f.kind == "rating"} == {by_uuid[u] for u in y.missing_rating}
    assert not [f for f in findings if f.kind in ("duplicate", "overdue")]
    line = next(f for f in findings if f.kind == "shared").line()
    fid, sheets, values = line.split("\t")[1:4]
    assert fid in ("c3_2_budget", "c4_1_jp_staff") and "," in sheets and values.count("#") == len(sheets.split(","))


def test_check_same_contribution_twice_and_aliases(tmp_path: Path) -> None:
    y = make_year(6, duplicate=True)
    with Store(tmp_path / "h.db") as store:
        interchange.import_files(store, y.write(tmp_path / "in"))
        dup = [f for f in yearcheck.check_year(store, 2019) if f.kind == "duplicate"]
        assert len(dup) == 1 and len(dup[0].sheets) == 2
        # two organisations the office declares one: their shared fields are compared
        before = [f for f in yearcheck.check_year(store, 2019) if f.kind == "shared"]
        store.set_setting("org_aliases", {y.organizations[0]: y.organizations[1]})
        after = [f for f in yearcheck.check_year(store, 2019) if f.kind == "shared"]
        assert len(after) > len(before) and any(f.field_id == "c3_2_budget" for f in after)


def test_check_deadline_only_when_set(year_store) -> None:
    store, _y = year_store
    drafts = {s.id for s in store.list_sheets() if s.status == "draft"}
    assert drafts and not [f for f in yearcheck.check_year(store, 2019) if f.kind == "overdue"]
    store.set_setting("deadlines", {"2019": "2020-08-31"})
    assert not [f for f in yearcheck.check_year(store, 2019, today=date(2020, 8, 31)) if f.kind == "overdue"]
    late = [f for f in yearcheck.check_year(store, 2019, today=date(2020, 9, 1)) if f.kind == "overdue"]
    assert {f.sheets[0] for f in late} == drafts
    assert not [f for f in yearcheck.check_year(store, 2020, today=date(2020, 9, 1)) if f.kind == "overdue"]


# ---------------------------------------------------------------- overview
def test_overview_rows_columns_and_exports(year_store) -> None:
    store, y = year_store
    table = overview.build(store, 2019)
    assert len(table.rows) == 12
    keys = [c.key for c in table.columns]
    assert keys == ["contribution", "organization", "form", "budget", "c1", "c2", "c3", "c4", "overall",
                    "division", "status", "open_comments"]
    assert all(isinstance(r.cells["budget"], int) for r in table.rows)
    assert sum(r.cells["open_comments"] for r in table.rows) == len(y.commented)
    dist = table.distribution()
    assert sum(n for _g, n, _a in dist) == 12
    assert sum(a for _g, _n, a in dist) == sum(r.cells["budget"] for r in table.rows)
    overview.sort_rows(table, "budget", reverse=True)
    assert table.rows[0].cells["budget"] == max(r.cells["budget"] for r in table.rows)
    only_a = overview.filter_rows(table, lambda r: r.cells["overall"] == "A")
    assert 0 < len(only_a.rows) < 12

    raw = overview.to_csv(table)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "拠出金名" and len(rows) == 13 and rows[1][3].isdigit()

    wb = load_workbook(io.BytesIO(overview.to_xlsx(table)))
    ws = wb.active
    assert [c.value for c in ws[1]][:2] == ["拠出金名", "拠出先"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L13"
    assert isinstance(ws["D2"].value, int) and ws["D2"].number_format == "#,##0"
    assert ws.column_dimensions["A"].width > ws.column_dimensions["E"].width
