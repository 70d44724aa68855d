"""``hyoka carry SHEET_ID --to FORMAT [--dry-run]``: the report, the new sheet, exit statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import interchange
from desktop.core.store import Store
from tests.conftest import DEMO_H30, DEMO_R01


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _demo(db_path: Path, path: Path) -> int:
    with Store(db_path) as s:
        return interchange.import_document(s, interchange.load_file(path)).sheet_id


def test_dry_run_reports_and_creates_nothing(capsys, db_path: Path) -> None:
    src = _demo(db_path, DEMO_H30)
    code, out, err = run(capsys, "--db", str(db_path), "carry", str(src), "--to", "mofa-r01", "--dry-run")
    assert code == 1, err  # content without a place: listed, exit 1 (as import-sheet)
    assert "移す 10 項目，まとめる 1 項目，引き継がない 3 項目，移す先のない内容 6 項目" in out
    assert "まとめる\tc3_5_mgmt_issues" in out and "移す先なし\t－\t\tcontribution_kind" in out
    with Store(db_path) as s:
        assert [x.id for x in s.list_sheets()] == [src]


def test_carry_creates_the_sheet_with_its_note(capsys, db_path: Path) -> None:
    src = _demo(db_path, DEMO_H30)
    code, out, err = run(capsys, "--db", str(db_path), "carry", str(src), "--to", "mofa-r01")
    assert code == 1, err
    new = int(out.strip().splitlines()[-1].split()[1])
    with Store(db_path) as s:
        sheet = s.get_sheet(new)
    assert sheet.format == "mofa-r01" and sheet.carried_from == src
    assert sheet.import_note.startswith("前年度様式から移せなかった内容") and "任意拠出金" in sheet.import_note


def test_same_format_nothing_lost_exit_0(capsys, db_path: Path) -> None:
    src = _demo(db_path, DEMO_R01)
    code, out, err = run(capsys, "--db", str(db_path), "carry", str(src), "--to", "mofa-r01")
    assert code == 0, err
    assert "移す先のない内容 0 項目" in out


def test_unknown_format_and_sheet_are_one_line(capsys, db_path: Path) -> None:
    src = _demo(db_path, DEMO_H30)
    code, _out, err = run(capsys, "--db", str(db_path), "carry", str(src), "--to", "mofa-x99")
    assert code == 2 and "mofa-x99" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, _out, err = run(capsys, "--db", str(db_path), "carry", "abc", "--to", "mofa-r01")
    assert code == 2 and len(err.strip().splitlines()) == 1
