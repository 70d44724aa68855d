"""hyoka import DIR, check --year, config, comment, overview, publish (issue 13)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from desktop.core.store import Store
from tests.conftest import DEMO_R01
from tests.support.year import make_year


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def year_db(tmp_path: Path, capsys) -> tuple[str, object]:
    y = make_year(8)
    y.write(tmp_path / "in")
    db = str(tmp_path / "h.db")
    assert run(capsys, "import", "--db", db, str(tmp_path / "in"))[0] == 0
    return db, y


def test_import_a_folder_with_a_summary(tmp_path: Path, capsys) -> None:
    y = make_year(5)
    folder = tmp_path / "in"
    y.write(folder)
    db = str(tmp_path / "h.db")
    code, out, err = run(capsys, "import", "--db", db, str(folder))
    assert code == 0 and out.count("取り込みました") == 5
    assert err.strip().splitlines()[-1] == "5 ファイル：取り込み 5，変更なし 0，競合 0，取り込めない 0，読めない 0"
    (folder / "broken.json").write_text("[]", encoding="utf-8")
    code, out, err = run(capsys, "import", "--db", db, str(folder))
    assert code == 2 and out.count("変更なし") == 5 and "broken.json：読めません" in err and "読めない 1" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "import", "--db", db, str(empty))
    assert code == 2 and err.count("\n") == 1


def test_check_year_lists_findings_and_keeps_the_old_checks(year_db, capsys) -> None:
    db, _y = year_db
    code, out, err = run(capsys, "check", "--db", db, "--year", "2019")
    assert code == 1
    lines = out.splitlines()
    assert all(len(line.split("\t")) == 5 for line in lines)
    kinds = {line.split("\t")[0] for line in lines}
    assert {"comment", "shared"} <= kinds and "未解決の指摘" in err
    code, out, _ = run(capsys, "check", "--db", db, "--year", "2018")
    assert (code, out) == (0, "")
    with Store(db) as s:
        s.db.execute("UPDATE sheet_values SET value = '{broken' WHERE sheet_id = 1 AND field_id = 'c4_4_other'")
        s.db.conn.commit()
    code, out, _ = run(capsys, "check", "--db", db)
    assert code == 1 and "シート 1：記録が壊れています" in out and "comment\t" in out


def test_config_author_alias_deadline(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "h.db")
    assert run(capsys, "config", "--db", db, "author", "評価室　山田")[0] == 0
    assert run(capsys, "config", "--db", db, "alias", "国際移住機関（ＩＯＭ）", "IOM")[0] == 0
    assert run(capsys, "config", "--db", db, "deadline", "2019", "2020-08-31")[0] == 0
    code, out, _ = run(capsys, "config", "--db", db)
    assert out.splitlines() == ["author\t評価室 山田", "alias\t国際移住機関（ＩＯＭ）\tIOM", "deadline\t2019\t2020-08-31"]
    code, _, err = run(capsys, "config", "--db", db, "deadline", "2019", "31/08/2020")
    assert code == 2 and err.count("\n") == 1
    assert run(capsys, "config", "--db", db, "deadline", "--remove", "2019")[0] == 0
    assert run(capsys, "config", "--db", db, "alias", "--remove", "国際移住機関（ＩＯＭ）")[0] == 0
    assert run(capsys, "config", "--db", db)[1] == "author\t評価室 山田\n"


def test_comment_cli_and_export_schema_1_refused(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "h.db")
    run(capsys, "import", "--db", db, str(DEMO_R01))
    run(capsys, "config", "--db", db, "author", "評価室")
    code, out, _ = run(capsys, "comment", "--db", db, "1", "予算額を確認", "--field", "c3_2_budget")
    cid = out.strip()
    assert code == 0 and len(cid) == 36
    code, out, _ = run(capsys, "comment", "--db", db, "1")
    assert out.split("\t")[1:4] == ["c3_2_budget", "未解決", "評価室"]
    code, _, err = run(capsys, "export", "--db", db, "1", "-o", str(tmp_path / "v1.json"), "--schema", "1")
    assert code == 1 and "指摘" in err and not (tmp_path / "v1.json").exists()
    assert run(capsys, "export", "--db", db, "1", "-o", str(tmp_path / "v2.json"))[0] == 0
    assert json.loads((tmp_path / "v2.json").read_text())["review"][0]["id"] == cid
    assert run(capsys, "comment", "--db", db, "--resolve", cid)[0] == 0
    assert "解決済み" in run(capsys, "comment", "--db", db, "1")[1]


def test_overview_xlsx_csv_pdf(year_db, tmp_path: Path, capsys) -> None:
    db, _y = year_db
    for name in ("o.xlsx", "o.csv", "o.pdf"):
        code, _, err = run(capsys, "overview", "--db", db, "--year", "2019", "-o", str(tmp_path / name))
        assert code == 0, err
    ws = load_workbook(io.BytesIO((tmp_path / "o.xlsx").read_bytes())).active
    assert ws.max_row == 9
    assert (tmp_path / "o.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "o.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, "overview", "--db", db, "--year", "2019", "-o", str(tmp_path / "o.txt"))
    assert code == 2 and ".xlsx" in err


def test_publish_cli(year_db, tmp_path: Path, capsys) -> None:
    db, _y = year_db
    code, _, err = run(capsys, "publish", "--db", db, "--year", "2019", "-o", str(tmp_path / "pub"), "--progress")
    assert code == 0, err
    assert "10/10" in err
    manifest = json.loads((tmp_path / "pub" / "manifest.json").read_text())
    assert len(manifest["files"]) == 9
