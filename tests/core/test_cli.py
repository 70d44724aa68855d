"""The hyoka command: exit codes, output format, no tracebacks."""

from __future__ import annotations

import json
import os
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
    assert run(capsys, "export", "--db", db, "1", "-o", str(exported), "--schema", "1")[0] == 0
    assert json.loads(exported.read_text())["sha256"] == json.loads(DEMO_R01.read_text())["sha256"]
    code, out, _ = run(capsys, "search", "--db", db, "ヴィトリーノ事務局長")
    assert code == 0 and "mofa-r01" in out and "mofa-h30" not in out
    code, out, _ = run(capsys, "history", "--db", db, "1")
    assert out.split("\t")[0] == "1" and "import" in out
    assert run(capsys, "restore", "--db", db, "1", "1")[0] == 0


def test_import_atomic_of_a_bad_file_changes_nothing(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mofa-r01", "schema_version": 1, "values": {"nope": 1}}', encoding="utf-8")
    code, _, err = run(capsys, "import", "--atomic", "--db", db, str(DEMO_R01), str(bad))
    assert code == 2 and "nope" in err
    _, out, _ = run(capsys, "list", "--db", db, "--json")
    assert json.loads(out) == []


def test_import_each_file_is_its_own_transaction(capsys, tmp_path: Path) -> None:
    """One bad or conflicting file no longer blocks the others; a line per file; exit 2 if unreadable."""
    db = str(tmp_path / "h.db")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mofa-r01", "schema_version": 1, "values": {"nope": 1}}', encoding="utf-8")
    code, out, err = run(capsys, "import", "--db", db, str(DEMO_R01), str(bad), str(DEMO_H30))
    assert code == 2
    assert f"{DEMO_R01}：取り込みました（シート 1）" in out and f"{DEMO_H30}：取り込みました（シート 2）" in out
    assert f"{bad}：読めません" in err and "nope" in err
    code, out, _ = run(capsys, "import", "--db", db, str(DEMO_R01))
    assert code == 0 and "変更なし" in out


def test_import_conflict_exits_1_and_changes_nothing(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    old = tmp_path / "old.json"
    assert run(capsys, "import", "--db", db, str(DEMO_R01))[0] == 0
    assert run(capsys, "export", "--db", db, "1", "-o", str(old))[0] == 0
    from desktop.core.store import Store

    with Store(db) as s:
        s.save_values(1, {**s.get_sheet(1).values, "c4_4_other": "新しい編集"})
    code, out, err = run(capsys, "import", "--db", db, str(old), str(DEMO_H30))
    assert code == 1 and "競合" in err and "--theirs" in err and "シート 1" in err
    assert "取り込みました（シート 2）" in out
    with Store(db) as s:
        assert s.get_sheet(1).values["c4_4_other"] == "新しい編集"
    assert run(capsys, "import", "--db", db, "--atomic", str(old))[0] == 1
    code, out, _ = run(capsys, "import", "--db", db, "--theirs", str(old))
    assert code == 0
    with Store(db) as s:
        assert s.get_sheet(1).values["c4_4_other"] != "新しい編集"
        assert any(s.revision_values(1, r.number).get("c4_4_other") == "新しい編集" for r in s.history(1))


def test_global_options_before_the_command(capsys, tmp_path: Path, monkeypatch) -> None:
    """The defect: `hyoka --db X import F` wrote into the default database."""
    default = tmp_path / "default.sqlite3"
    monkeypatch.setenv("HYOKA_DB", str(default))
    chosen = tmp_path / "chosen.sqlite3"
    assert run(capsys, "--db", str(chosen), "import", str(DEMO_R01))[0] == 0
    assert chosen.exists() and not default.exists()
    _code, out, _ = run(capsys, "--db", str(chosen), "list", "--json")
    assert len(json.loads(out)) == 1
    _code, out, _ = run(capsys, "--db", str(tmp_path / "other.sqlite3"), "list", "--db", str(chosen), "--json")
    assert len(json.loads(out)) == 1  # after the command wins, as usual


def test_db_path_expands_home(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert run(capsys, "import", "--db", "~/x.sqlite3", str(DEMO_H30))[0] == 0
    assert (tmp_path / "x.sqlite3").exists()


@pytest.mark.parametrize("argv", [
    ["export", "9" * 30, "-o", "x.json"],
    ["export", str(2**63), "-o", "x.json"],
    ["history", "-1"],
    ["list", "--year", str(2**64)],
    ["list", "--year", "1" * 5000],
])
def test_absurd_ids_and_years_are_exit_2(capsys, tmp_path: Path, argv: list[str]) -> None:
    code, _, err = run_safely(capsys, "--db", str(tmp_path / "h.db"), *argv)
    assert code == 2 and "Traceback" not in err and "予期しない" not in err and err.strip()


def run_safely(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_refuses_devices_read_only_files_and_keeps_permissions(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    assert run(capsys, "import", "--db", db, str(DEMO_H30))[0] == 0
    fifo = tmp_path / "pipe.json"  # a non-regular target (not /dev/null: a buggy build would replace it)
    os.mkfifo(fifo)
    code, _, err = run(capsys, "export", "--db", db, "1", "-o", str(fifo))
    assert code == 1 and "通常のファイルではない" in err
    assert not fifo.is_file()
    target = tmp_path / "shared.json"
    target.write_text("old")
    target.chmod(0o640)
    assert run(capsys, "export", "--db", db, "1", "-o", str(target))[0] == 0
    assert (target.stat().st_mode & 0o777) == 0o640 and json.loads(target.read_text())["format"] == "mofa-h30"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run(capsys, "export", "--db", db, "1", "-o", str(link))[0] == 0
    assert link.is_symlink()
    target.chmod(0o440)
    code, _, err = run(capsys, "export", "--db", db, "1", "-o", str(target))
    assert code == 1 and "読み取り専用" in err
    assert not list(tmp_path.glob(".hyoka-*"))


def test_export_to_a_full_disk_leaves_the_old_file(capsys, tmp_path: Path, monkeypatch) -> None:
    import errno
    import os as os_mod

    db = str(tmp_path / "h.db")
    assert run(capsys, "import", "--db", db, str(DEMO_H30))[0] == 0
    target = tmp_path / "out.json"
    target.write_text("previous content")
    real_fsync = os_mod.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os_mod, "fsync", full)
    code, _, err = run(capsys, "export", "--db", db, "1", "-o", str(target))
    monkeypatch.setattr(os_mod, "fsync", real_fsync)
    assert code == 1 and "空きが足りません" in err and err.count("\n") == 1
    assert target.read_text() == "previous content" and not list(tmp_path.glob(".hyoka-*"))


def test_export_to_dev_full_stdout(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    subprocess.run([sys.executable, "-m", "desktop", "import", "--db", db, str(DEMO_H30)], cwd=ROOT, check=True,
                   capture_output=True)
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "desktop", "export", "--db", db, "1", "-o", "-"], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("make", ["fifo", "big", "dev_zero", "long_int", "long_int_string", "dir"])
def test_unreadable_inputs_are_exit_2_with_one_line(capsys, tmp_path: Path, make: str, monkeypatch) -> None:
    from desktop.core import interchange as ic

    p = tmp_path / "in.json"
    if make == "fifo":
        os.mkfifo(p)
    elif make == "big":
        monkeypatch.setattr(ic, "MAX_FILE_BYTES", 1000)
        p.write_text(" " * 2000)
    elif make == "dev_zero":
        p = Path("/dev/zero")
    elif make == "long_int":
        p.write_text('{"format": "mofa-r01", "schema_version": 1, "values": {"c4_1_jp_staff": ' + "9" * 5000 + "}}")
    elif make == "long_int_string":
        p.write_text('{"format": "mofa-r01", "schema_version": 1, "values": {"c4_1_jp_staff": "' + "9" * 5000 + '"}}')
    elif make == "dir":
        p = tmp_path
    code, _, err = run(capsys, "validate", str(p))
    if make == "long_int_string":  # readable: the value is kept as typed and reported as a finding
        assert code == 1
    else:
        assert code == 2 and err.count("\n") == 1 and str(p) in err
    assert "Traceback" not in err and "予期しない" not in err


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


GUI_STARTS = [[], ["gui"], ["gui", "--sheet", "3", "--tab", "2"], ["--db", "x.sqlite3", "gui", "--size", "1280x720"],
              ["--lang=en", "gui", "--screenshot", "a.png"], ["gui", "--db", "y.sqlite3", "--lang", "ja"]]


@pytest.mark.parametrize("argv", GUI_STARTS)
def test_a_start_of_the_app_is_parsed_as_by_the_full_parser(argv: list[str]) -> None:
    """Starting the app builds only the ``gui`` command's parser (12 ms less), with the same result."""
    from desktop.cli import _starts_the_app, build_parser

    assert _starts_the_app(argv)
    full, small = build_parser().parse_args(argv or ["gui"]), build_parser(only_gui=True).parse_args(argv or ["gui"])
    assert vars(small) == vars(full)


@pytest.mark.parametrize("argv", [["list"], ["--db", "x", "list"], ["--db", "x"], ["--help"], ["--db", "gui", "list"],
                                  ["pdf", "gui"]])
def test_other_commands_get_every_command(argv: list[str]) -> None:
    from desktop.cli import _starts_the_app

    assert not _starts_the_app(argv)


def test_a_wrong_option_of_the_app_is_reported_by_the_gui_command(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["gui", "--no-such-option"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--no-such-option" in err and "usage: hyoka" in err


def test_a_defect_is_one_line_exit_3_and_its_traceback_is_recorded(capsys, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect in hyoka (not bad input): one line naming it and the log file, exit 3; the
    traceback goes to the error log, not the terminal."""
    from desktop import cli

    def broken(_args: object) -> int:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setenv("HYOKA_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(cli, "cmd_list", broken)
    code, out, err = run_safely(capsys, "--db", str(tmp_path / "h.db"), "list")
    log = tmp_path / "logs" / "errors.log"
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and "ZeroDivisionError: division by zero second line" in err and str(log) in err
    assert "Traceback" not in err
    recorded = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in recorded and "in broken" in recorded
