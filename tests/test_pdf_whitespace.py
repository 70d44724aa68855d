"""Whitespace in print: blank lines at the ends dropped, runs printed as one, tab → U+3000."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from desktop.core.definition import get_form
from desktop.core.validation import validate
from desktop.pdf import load_sheet_file, render_sheet
from desktop.pdf.glyphs import tidy_text
from desktop.pdf.verify import DEMO_DIR, pdf_text, squash


def test_tidy_text_rules() -> None:
    assert tidy_text("\n\n \n\u3000\nあ\n\n\n\nい\n \n") == "あ\n\nい"
    assert tidy_text("\r\n\r\nあ\r\n\r\n\r\nい\r\n") == "あ\n\nい"
    assert tidy_text("項目\t説明") == "項目\u3000説明"
    assert tidy_text("\u3000字下げ\n") == "\u3000字下げ"  # an indented first line stays indented
    assert tidy_text("") == ""


def test_blank_lines_do_not_flood_the_page(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    base = render_sheet(form, values, tmp_path / "base.pdf").pages
    v = dict(values)
    v["purpose_and_use"] = "\n" * 20 + values["purpose_and_use"] + "\n" * 5
    v["c1_1_strategy_goals"] = values["c1_1_strategy_goals"] + "\r\n" * 40 + "以上。"
    v["c1_2_activities"] = "項目\t説明\t備考"
    kept = dict(v)
    out = tmp_path / "ws.pdf"
    report = render_sheet(form, v, out)
    assert v == kept, "the stored text stays as typed"
    assert report.pages == base
    first = squash(PdfReader(out).pages[0].extract_text())
    assert "７担当課室" in first, "「7 担当課室」 stays on page 1"
    assert "項目\u3000説明\u3000備考" in pdf_text(out)


def test_validation_warns_about_runs_of_blank_lines() -> None:
    form = get_form("mofa-r01")
    findings = validate(form, {"c1_1_strategy_goals": "あ\n\n\n\nい", "c1_2_activities": "あ\n\nい"})
    codes = {(f.field_id, f.code) for f in findings}
    assert ("c1_1_strategy_goals", "blank_lines") in codes
    assert ("c1_2_activities", "blank_lines") not in codes
