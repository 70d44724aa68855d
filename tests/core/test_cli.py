"""The hyoka command: exit codes, output format, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from tests.conftest import DEMO_H30, DEMO_R01, ROOT


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_demo_is_clean(capsys) -> None:
    code, out, _ = run(capsys, "validate", str(DEMO_R01), str(DEMO_H30))
    assert (code, out) == (0, "")


def test_validate_reports_broken_field_by_id(capsys, tmp_path: Path, r01_doc: dict) -> None:
    r01_doc.pop("sha256")
    r01_doc["values"]["c4_1_jp_staff"] = "三十"
    p = tmp_path / "copy.json"
    p.write_text(json.dumps(r01_doc, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(p))
    assert code == 1
    lines = out.splitlines()
    assert lines and all(len(line.split("\t")) == 3 for line in lines)
    assert lines[0].startswith("c4_1_jp_staff\terror\t")


def test_validate_unreadable_is_exit_2(capsys, tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(p))
    assert code == 2 and out == "" and "JSON" in err and "Traceback" not in err
    code, _, err = run(capsys, "validate", str(tmp_path / "missing.json"))
    assert code == 2 and "読めません" in err


def test_import_list_export_history_search(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    code, out, _ = run(capsys, "import", "--db", db, str(DEMO_R01), str(DEMO_H30))
    assert code == 0 and "シート 1" in out and "シート 2" in out
    code, out, _ = run(capsys, "list", "--db", db, "--json")
    rows = json.loads(out)
    assert [(r["id"], r["fiscal_year"], r["format"]) for r in rows] == [(1, 2019, "mofa-r01"), (2, 2018, "mofa-h30")]
    code, out, _ = run(capsys, "list", "--db", db)
    assert out.splitlines()[0].startswith("番号\t年度")
    exported = tmp_path / "e.json"
    assert run(capsys, "export", "--db", db, "1", "-o", str(exported))[0] == 0
    assert json.loads(exported.read_text())["sha256"] == json.loads(DEMO_R01.read_text())["sha256"]
    code, out, _ = run(capsys, "search", "--db", db, "ヴィトリーノ事務局長")
    assert code == 0 and "mofa-r01" in out and "mofa-h30" not in out
    code, out, _ = run(capsys, "history", "--db", db, "1")
    assert out.split("\t")[0] == "1" and "import" in out
    assert run(capsys, "restore", "--db", db, "1", "1")[0] == 0


def test_import_of_a_bad_file_changes_nothing(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mofa-r01", "schema_version": 1, "values": {"nope": 1}}', encoding="utf-8")
    code, _, err = run(capsys, "import", "--db", db, str(DEMO_R01), str(bad))
    assert code == 2 and "nope" in err
    _, out, _ = run(capsys, "list", "--db", db, "--json")
    assert json.loads(out) == []


def test_errors_are_one_line(capsys, tmp_path: Path) -> None:
    notdb = tmp_path / "x.db"
    notdb.write_text("hello")
    code, _, err = run(capsys, "list", "--db", str(notdb))
    assert code == 1 and err.count("\n") == 1 and err.startswith("hyoka: ")
    code, _, err = run(capsys, "export", "--db", str(tmp_path / "n.db"), "42", "-o", str(tmp_path / "o.json"))
    assert code == 1 and "シート 42 はありません" in err
    code, _, err = run(capsys, "history", "--db", str(tmp_path / "n.db"), "abc")
    assert code == 2


def test_console_script_and_module(tmp_path: Path) -> None:
    exe = shutil.which("hyoka", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "desktop"]
    res = subprocess.run([*cmd, "validate", str(DEMO_R01)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert res.returncode == 0, res.stderr
    res = subprocess.run([sys.executable, "-m", "desktop", "list", "--db", str(tmp_path / "m.db")],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert res.returncode == 0, res.stderr
