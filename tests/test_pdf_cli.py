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
