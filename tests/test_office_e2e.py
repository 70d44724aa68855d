"""End to end with a generated year of 90 sheets (issue 13): a folder of 90 files imports, the
check finds the planted differences, the XLSX reads back, the bundle reads back, and comments
survive an export/import round trip between two databases."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.cli import main
from desktop.core import interchange
from desktop.core.identity import normalize_name
from desktop.core.store import Store
from tests.support.year import make_year

pytestmark = pytest.mark.slow


def test_year_of_ninety_sheets(tmp_path: Path, capsys) -> None:
    y = make_year(90)
    assert len(y.docs) == 90 and len(y.organizations) >= 30 and y.differing and y.commented
    folder = tmp_path / "collected"
    y.write(folder)
    db = str(tmp_path / "office.db")

    assert main(["import", "--db", db, str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.count("取り込みました") == 90 and "90 ファイル：取り込み 90" in err

    assert main(["check", "--db", db, "--year", "2019"]) == 1
    out, _ = capsys.readouterr()
    lines = [line.split("\t") for line in out.splitlines()]
    with Store(db) as store:
        org_of = {s.id: normalize_name(s.organization) for s in store.list_sheets()}
        uuid_of = {s.id: s.uuid for s in store.list_sheets()}
    found = {(org_of[int(sheets.split(",")[0])], fid) for kind, fid, sheets, _v, _m in lines if kind == "shared"}
    assert found == {(normalize_name(org), fid) for org, fid in y.differing}
    assert {uuid_of[int(x[2])] for x in lines if x[0] == "comment"} == set(y.commented)
    assert {uuid_of[int(x[2])] for x in lines if x[0] == "rating"} == set(y.missing_rating)

    xlsx = tmp_path / "2019.xlsx"
    assert main(["overview", "--db", db, "--year", "2019", "-o", str(xlsx)]) == 0
    ws = load_workbook(io.BytesIO(xlsx.read_bytes())).active
    assert ws.max_row == 91 and ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert all(isinstance(ws.cell(row=r, column=4).value, int) for r in range(2, 92))

    pub = tmp_path / "pub"
    assert main(["publish", "--db", db, "--year", "2019", "-o", str(pub)]) == 0
    capsys.readouterr()
    bundle = PdfReader(str(pub / "2019_拠出金等一覧.pdf"))
    manifest = json.loads((pub / "manifest.json").read_text(encoding="utf-8"))
    per_sheet = [e for e in manifest["files"] if "sheet" in e]
    assert len(per_sheet) == 90
    assert len(bundle.outline) == 91  # the list + one bookmark per sheet
    pages = sum(len(PdfReader(str(pub / e["file"])).pages) for e in per_sheet)
    assert pages < len(bundle.pages) <= pages + 20

    # comments survive an export/import round trip between two databases
    division = tmp_path / "division.db"
    with Store(db) as office:
        sid = next(s.id for s in office.list_sheets() if s.uuid == y.commented[0])
        office.add_comment(sid, "全体：記述を短くしてください。", author="評価室")
        exported = tmp_path / "to_division.json"
        interchange.write_file(interchange.export_sheet(office, sid), exported)
        before = [c.as_dict() for c in office.comments(sid)]
    assert main(["import", "--db", str(division), str(exported)]) == 0
    with Store(division) as d:
        did = d.find_uuid(y.commented[0])
        assert [c.as_dict() for c in d.comments(did)] == before
        d.resolve_comment(before[0]["id"], by="担当課")
        back = tmp_path / "to_office.json"
        interchange.write_file(interchange.export_sheet(d, did), back)
    assert main(["import", "--db", db, str(back)]) == 0
    with Store(db) as office:
        states = {c.id: c.status for c in office.comments(sid)}
        assert states == {before[0]["id"]: "resolved", before[1]["id"]: "open"}
