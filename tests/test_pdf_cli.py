"""``hyoka pdf``: single sheet, demo, batch and missing-font errors through the CLI."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from desktop.cli import main
from tests.conftest import DEMO_H30, DEMO_R01


def test_pdf_demo_file_and_batch(tmp_path: Path, capsys) -> None:
    out = tmp_path / "demo.pdf"
    assert main(["pdf", "--demo", "-o", str(out)]) == 0
    assert len(PdfReader(out).pages) >= 5
    assert main(["pdf", str(DEMO_H30), "-o", str(tmp_path / "h30.pdf")]) == 0
    db = str(tmp_path / "h.db")
    assert main(["import", "--db", db, str(DEMO_R01), str(DEMO_H30)]) == 0
    assert main(["pdf", "--db", db, "1", "-o", str(tmp_path / "one.pdf")]) == 0
    assert main(["pdf", "--db", db, "--all", "--year", "2019", "-o", str(tmp_path / "batch")]) == 0
    made = sorted(p.name for p in (tmp_path / "batch").glob("*.pdf"))
    assert len(made) == 1 and made[0].startswith("2019_0001_")
    capsys.readouterr()


def test_pdf_without_fonts_is_one_clear_line(tmp_path: Path, capsys, monkeypatch) -> None:
    empty = tmp_path / "nofonts"
    empty.mkdir()
    monkeypatch.setenv("HYOKA_FONT_DIRS", str(empty))
    code = main(["pdf", "--demo", "-o", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("hyoka: ") and err.count("\n") == 1
    assert "フォント" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_reports_unprintable_characters(tmp_path: Path, capsys, r01_doc: dict) -> None:
    import json

    r01_doc.pop("sha256")
    r01_doc["values"]["c4_4_other"] = "絵文字😀と𠮷野家"
    src = tmp_path / "emoji.json"
    src.write_text(json.dumps(r01_doc, ensure_ascii=False), encoding="utf-8")
    assert main(["pdf", str(src), "-o", str(tmp_path / "e.pdf")]) == 0
    err = capsys.readouterr().err
    assert "c4_4_other\twarning\t" in err and "U+1F600" in err


def test_pdf_output_is_atomic_and_refuses_devices(tmp_path: Path, capsys, monkeypatch) -> None:
    """The defect: a full disk left a 0-byte PDF in place of the previous one."""
    import errno
    import os as os_mod

    from desktop.cli import main

    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"%PDF previous")
    real_fsync = os_mod.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os_mod, "fsync", full)
    code = main(["pdf", "--demo", "-o", str(target)])
    monkeypatch.setattr(os_mod, "fsync", real_fsync)
    err = capsys.readouterr().err
    assert code == 1 and "空きが足りません" in err
    assert target.read_bytes() == b"%PDF previous" and not list(tmp_path.glob(".hyoka-*"))
    fifo = tmp_path / "pipe.pdf"  # a non-regular target (not a real device: a buggy build would replace it)
    os_mod.mkfifo(fifo)
    assert main(["pdf", "--demo", "-o", str(fifo)]) == 1
    assert "通常のファイルではない" in capsys.readouterr().err and not fifo.is_file()
    target.chmod(0o640)
    assert main(["pdf", "--demo", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF-") and (target.stat().st_mode & 0o777) == 0o640


def test_pdf_open_in_a_viewer_keeps_the_new_content(tmp_path: Path, capsys, monkeypatch) -> None:
    """On Windows a PDF open in a viewer cannot be replaced: say so and keep the new file."""
    import os as os_mod

    from desktop.cli import main

    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"%PDF previous")
    real_replace = os_mod.replace

    def locked(src, dst):  # type: ignore[no-untyped-def]
        if str(dst) == str(target):
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_replace(src, dst)

    monkeypatch.setattr(os_mod, "replace", locked)
    code = main(["pdf", "--demo", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 1 and "開かれている" in err
    kept = tmp_path / "sheet（新しい版）.pdf"
    assert str(kept) in err and kept.read_bytes().startswith(b"%PDF-")


def test_pdf_all_goes_on_past_a_sheet_it_cannot_print(tmp_path: Path, capsys, monkeypatch) -> None:
    import desktop.pdf

    db = str(tmp_path / "h.db")
    assert main(["import", "--db", db, str(DEMO_R01), str(DEMO_H30)]) == 0
    assert main(["import", "--db", db, "--as-new", str(DEMO_R01)]) == 0
    capsys.readouterr()
    real = desktop.pdf.render_sheet
    calls: list[int] = []

    def flaky(form, values, out, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(form, values, out, **kw)

    monkeypatch.setattr(desktop.pdf, "render_sheet", flaky)
    code = main(["pdf", "--db", db, "--all", "-o", str(tmp_path / "batch")])
    err = capsys.readouterr().err
    assert code != 0 and len(calls) == 3
    assert len(list((tmp_path / "batch").glob("*.pdf"))) == 2
    assert "boom" in err and "Traceback" not in err
