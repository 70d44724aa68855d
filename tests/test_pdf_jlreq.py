"""Issue 9: JLREQ typesetting — inseparable units, grapheme clusters, full-width Latin,
inter-script space (四分アキ) and punctuation compression (約物の連続)."""

from __future__ import annotations

import pytest
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle

from desktop.pdf import resolve_fonts
from desktop.pdf.linebreak import JaParagraph, breakable, to_markup

K = "国際機関等拠出金評価事業計画"


def _kanji(n: int) -> str:
    return (K * (n // len(K) + 1))[:n]


@pytest.fixture(scope="module")
def fonts():
    return resolve_fonts()


def _para(fonts, text: str, width: float) -> JaParagraph:
    st = ParagraphStyle("b", fontName=fonts.mincho, fontSize=10, leading=15, wordWrap="CJK", alignment=TA_JUSTIFY)
    p = JaParagraph(to_markup(text), st)
    p.wrap(width, 10_000)
    return p


def _lines(fonts, text: str, width: float = 200) -> list[str]:
    return ["".join(w.text for w in line.words) for line in _para(fonts, text, width).blPara.lines]


def _never_split(fonts, token: str, width: float = 200, pad: str = "") -> None:
    """``token`` placed at every offset around the line end is never broken."""
    for k in range(0, 22):
        text = _kanji(k) + pad + token + "を記載する。" + _kanji(30)
        lines = _lines(fonts, text, width)
        assert "".join(lines) == text
        assert any(token in line for line in lines), (k, lines)


@pytest.mark.parametrize("token", ["12.5％", "1,234,567,890", "2018 年 6 月", "2018年6月", "30‰", "25℃",
                                   "１５，０１５千円", "△3.0"])
def test_numbers_and_units_stay_together(fonts, token: str) -> None:
    _never_split(fonts, token)


def test_number_in_a_narrow_cell_is_not_split(fonts) -> None:
    """「123,456,78／9」: a number longer than half the line still moves whole."""
    lines = _lines(fonts, "金額123,456,789", width=70)
    assert "123,456,789" in lines, lines


def test_break_before_percent_is_forbidden() -> None:
    ok = breakable(list("12.5％"))
    assert not any(ok[1:5])


@pytest.mark.parametrize("cluster", ["葛\U000E0100", "e\u0301", "👨\u200d👩\u200d👧", "🇯🇵", "👍🏽", "禰\ufe00"])
def test_grapheme_clusters_are_never_split(cluster: str) -> None:
    ok = breakable(list("漢" + cluster + "字"))
    n = len(cluster)
    assert ok[1] and ok[n + 1]
    assert not any(ok[2 : n + 1]), cluster


def test_full_width_latin_breaks_like_ideographs(fonts) -> None:
    """「（「ＳＤＧｓ」）。・」 is no longer one unbreakable word (JLREQ cl-19)."""
    ok = breakable(list("ＳＤＧｓ"))
    assert all(ok[1:4])
    text = _kanji(17) + "（「ＳＤＧｓ」）。・" + _kanji(40)
    p = _para(fonts, text, 200)
    for line in p.blPara.lines[:-1]:
        assert line.extraSpace < 10 * 0.6, [w.text for w in line.words]  # no line left an em or more short


def _line_of(fonts, text: str, width: float = 400):
    p = _para(fonts, text, width)
    assert len(p.blPara.lines) == 1
    return p.blPara.lines[0]


def test_inter_script_space_is_in_the_layout(fonts) -> None:
    """四分アキ between Japanese and Latin letters or digits: 「1951年」 is a quarter em wider."""
    solid = _line_of(fonts, "西暦一九五一年")
    mixed = _line_of(fonts, "西暦1951年")
    w_digits = 4 * 5.0  # half-width digits in a fixed-pitch face
    assert mixed.currentWidth == pytest.approx(3 * 10 + w_digits + 2 * 2.5, abs=0.01)
    assert solid.currentWidth == pytest.approx(70, abs=0.01)
    assert _line_of(fonts, "SDGs の").currentWidth == pytest.approx(4 * 5 + 5 + 10 + 0, abs=0.01)


def test_adjacent_punctuation_is_compressed(fonts) -> None:
    """約物の連続: 「（「」 and 」）。 take half an em each where two meet."""
    line = _line_of(fonts, "（「ＳＤＧｓ」）。")
    assert line.currentWidth == pytest.approx(9 * 10 - 3 * 5, abs=0.01)
    line = _line_of(fonts, "事項」「次")
    assert line.currentWidth == pytest.approx(50 - 5, abs=0.01)


def test_spacing_stays_out_of_the_extracted_text(fonts, tmp_path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    from desktop.pdf.verify import pdf_text

    text = "IOM は，1951年に設立（「ＳＤＧｓ」）。2019年5月現在"
    out = tmp_path / "x.pdf"
    st = ParagraphStyle("b", fontName=fonts.mincho, fontSize=10, leading=15, wordWrap="CJK", alignment=TA_JUSTIFY)
    SimpleDocTemplate(str(out), pagesize=A4, initialFontName=fonts.mincho).build([JaParagraph(to_markup(text), st)])
    assert pdf_text(out).strip() == text


def test_spacing_is_drawn(fonts, tmp_path) -> None:
    """The PDF really has the quarter ems around 1951 and the half-width （「 」）。 — as
    poppler places the glyphs (pdfminer ignores ``Tc`` after a string's last glyph)."""
    import re
    import shutil
    import subprocess

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    out = tmp_path / "d.pdf"
    st = ParagraphStyle("b", fontName=fonts.mincho, fontSize=10, leading=15, wordWrap="CJK", alignment=TA_JUSTIFY)
    SimpleDocTemplate(str(out), pagesize=A4, initialFontName=fonts.mincho).build(
        [JaParagraph(to_markup("西暦1951年（「ＳＤＧｓ」）。"), st)])
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(a), float(b), w) for a, b, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]
    assert [w for *_x, w in words] == ["西暦", "1951", "年（「ＳＤＧｓ」）。"]
    assert words[1][0] - words[0][1] == pytest.approx(2.5, abs=0.05)  # 四分アキ 暦|1
    assert words[2][0] - words[1][1] == pytest.approx(2.5, abs=0.05)  # 四分アキ 1|年
    assert words[2][1] - words[2][0] == pytest.approx(10 * 10 - 3 * 5, abs=0.05)  # three halved meetings
