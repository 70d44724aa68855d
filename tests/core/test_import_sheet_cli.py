"""``hyoka import-sheet``: report, --dry-run, --format, exit statuses, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.store import Store
from tests.core.test_sheet_import import SEED_H30, SEED_R01


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_the_report_and_writes_nothing(capsys, db_path: Path) -> None:
    code, out, err = run(capsys, "--db", str(db_path), "import-sheet", str(SEED_R01), "--dry-run")
    assert code == 0, err
    assert "mofa-r01" in out and "取り込み" in out
    assert "contribution_name" in out and "国際移住機関" in out
    assert not db_path.exists() or Store(db_path).list_sheets() == []


def test_import_creates_a_sheet(capsys, db_path: Path) -> None:
    code, out, err = run(capsys, "import-sheet", str(SEED_H30), "--db", str(db_path))
    assert code == 0, err
    with Store(db_path) as store:
        [sheet] = store.list_sheets()
        full = store.get_sheet(sheet.id)
    assert full.format == "mofa-h30" and full.values["budget_kyen"] == 23100 and full.imported_fields
    assert f"シート {sheet.id}" in out


def test_findings_exit_1_and_json_report(capsys, db_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "sheet.txt"
    src.write_text(SEED_R01.read_text(encoding="utf-8").replace("0.5％", "0.7％"), encoding="utf-8")
    code, out, _err = run(capsys, "--db", str(db_path), "import-sheet", str(src), "--dry-run", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["format"] == "mofa-r01" and any("c3_2_diff_ratio" in f for f in report["findings"])
    assert {f["status"] for f in report["fields"]} <= {"recovered", "empty", "uncertain", "missing"}


def test_format_option_and_unknown_format(capsys, db_path: Path) -> None:
    code, _out, err = run(capsys, "--db", str(db_path), "import-sheet", str(SEED_R01), "--format", "nope", "--dry-run")
    assert code == 2 and err.count("\n") == 1 and "nope" in err


@pytest.mark.parametrize("name,data,word", [
    ("fake.pdf", b"not a pdf", "PDF"),
    ("x.docx", b"hello", "Word"),
    ("minutes.txt", "議事録\n予算について話し合った。".encode(), "様式"),
])
def test_bad_input_is_one_line_exit_2(capsys, db_path: Path, tmp_path: Path, name: str, data: bytes, word: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    code, _out, err = run(capsys, "--db", str(db_path), "import-sheet", str(p))
    assert code == 2 and err.count("\n") == 1 and word in err and "Traceback" not in err
