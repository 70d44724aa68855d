"""Issue 9 item 5: no character is changed silently — NFC, variation sequences,
right-to-left letters, and warnings that name the label an officer sees."""

from __future__ import annotations

import io

from pypdf import PdfReader

from desktop.pdf import load_sheet_file, render_sheet
from desktop.pdf.glyphs import nfc
from desktop.pdf.verify import DEMO_DIR

R01 = DEMO_DIR / "000_iom_r01.json"


def _print(**values: object) -> tuple[str, dict[str, list]]:
    form, base = load_sheet_file(R01)
    buf = io.BytesIO()
    report = render_sheet(form, dict(base, **values), buf)
    text = "".join(p.extract_text() for p in PdfReader(buf).pages)
    by: dict[str, list] = {}
    for f in report.findings:
        by.setdefault(f.field_id, []).append(f)
    return text, by


def test_nfc_keeps_compatibility_ideographs() -> None:
    assert nfc("Cafe\u0301") == "Caf\u00e9"
    assert nfc("\ufa19と神") == "\ufa19と神"  # 神 (U+FA19) stays as typed
    assert nfc("\ufa19e\u0301") == "\ufa19\u00e9"


def test_combining_marks_print_composed() -> None:
    text, by = _print(c1_2_activities="Geneve\u0300 と Cafe\u0301 の支援，\ufa19社")
    assert "Caf\u00e9" in text and "\u0301" not in text
    assert "\ufa19社" in text
    assert "c1_2_activities" not in by


def test_variation_sequence_kept_where_the_font_has_it() -> None:
    text, by = _print(c1_2_activities="葛\U000E0100飾区と葛城市")
    assert "葛\U000E0100飾区" in text  # the variant glyph, extracted as typed
    assert "c1_2_activities" not in by


def test_variation_sequence_the_font_lacks_is_reported() -> None:
    text, by = _print(c1_2_activities="あ\U000E0100いう")
    assert "あいう" in text
    (f,) = by["c1_2_activities"]
    assert f.code == "variant" and "1-2 1-1 に基づく取組" in f.message


def test_arabic_and_hebrew_print_with_a_warning() -> None:
    text, by = _print(c1_2_activities="支援 مرحبا と שלום を")
    assert "〓" not in text
    # drawn left to right in logical order; pypdf reads such runs back reversed (bidi)
    assert ("مرحبا" in text or "مرحبا"[::-1] in text) and ("שלום" in text or "שלום"[::-1] in text)
    (f,) = by["c1_2_activities"]
    assert f.code == "rtl" and "1-2" in f.message


def test_glyph_warning_names_the_label() -> None:
    _text, by = _print(c1_1_strategy_goals="笑顔😀")
    (f,) = by["c1_1_strategy_goals"]
    assert "「1-1 当該機関の戦略目標" in f.message and "c1_1_strategy_goals" not in f.message
