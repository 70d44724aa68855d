"""JLREQ line breaking: crafted boundary cases (typography.md §1.2) and the demo sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from desktop.pdf import resolve_fonts
from desktop.pdf.linebreak import NO_END, NO_START, JaParagraph, breakable, to_markup
from desktop.pdf.verify import DEMO_DIR, kinsoku_violations, paragraph_starts, squash

K = "国際機関等拠出金評価事業計画"  # kanji only: every position is a legal break
MEASURE_EM = 20


def _kanji(n: int) -> str:
    return (K * (n // len(K) + 1))[:n]


# Each puts the critical character exactly at the 20-em line boundary.
CRAFTED = {
    "full stop hangs": _kanji(20) + "。次の事項について記載する。",
    "bracket + full stop": _kanji(18) + "事項」。次の事項について記載する。",
    "question mark": _kanji(20) + "？次の事項について記載する。",
    "exclamation": _kanji(20) + "！次の事項について記載する。",
    "closing quote": _kanji(19) + "“事”次の事項について記載する。",
    "opening bracket": _kanji(19) + "「改善計画書」に基づき記載する。",
    "opening paren": _kanji(19) + "（ＩＯＭ）に拠出する。",
    "prolonged mark": "センタ" + _kanji(17) + "ーの活動を記載する。",
    "small tsu": _kanji(20) + "っている。",
    "small kana katakana": _kanji(20) + "ャンマーからの避難民。",
    "middle dot": _kanji(20) + "・調査研究を行う。",
    "fullwidth comma": _kanji(20) + "，次の事項について。",
    "fullwidth colon": _kanji(20) + "：次の事項について。",
    "iteration mark": _kanji(19) + "人々の移動を支援する。",
    "ellipsis pair": _kanji(19) + "……次の事項。",
    "number run": _kanji(17) + "1,614,702,000米ドルを拠出。",
    "latin word": _kanji(17) + "evaluation report を作成。",
    "percent": _kanji(18) + "0.5％であった。",
    "wave dash": _kanji(20) + "～2018年6月。",
    "closing bracket run": _kanji(18) + "（注）」。次の事項。",
    "ideographic space": "\u3000" + _kanji(19) + "\u3000第１\u3000事業の概要。",
}


@pytest.fixture(scope="module")
def fonts():
    return resolve_fonts()


@pytest.fixture(scope="module")
def demo_pdfs(tmp_path_factory) -> dict[str, Path]:
    from desktop.pdf import load_sheet_file, render_sheet

    out = {}
    for src in sorted(DEMO_DIR.glob("*.json")):
        path = tmp_path_factory.mktemp("demo") / f"{src.stem}.pdf"
        render_sheet(*load_sheet_file(src), path)
        out[src.stem] = path
    return out


def _style(fonts, name: str = "b") -> ParagraphStyle:
    return ParagraphStyle(name, fontName=fonts.mincho, fontSize=10, leading=15, wordWrap="CJK",
                          alignment=TA_JUSTIFY)


def _lines(fonts, text: str, width: float = MEASURE_EM * 10) -> list[str]:
    p = JaParagraph(to_markup(text), _style(fonts))
    p.wrap(width, 10_000)
    return ["".join(w.text for w in line.words) for line in p.blPara.lines]


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_lines_obey_kinsoku(fonts, name: str) -> None:
    lines = _lines(fonts, CRAFTED[name])
    assert len(lines) >= 2, lines
    assert "".join(lines) == CRAFTED[name].lstrip(" "), "no character lost or added"
    for a in lines[1:]:
        assert a[0] not in NO_START, (name, lines)
    for a in lines[:-1]:
        assert a[-1] not in NO_END, (name, lines)


def test_runs_are_not_split(fonts) -> None:
    for text, token in ((CRAFTED["number run"], "1,614,702,000"), (CRAFTED["latin word"], "evaluation"),
                        (CRAFTED["ellipsis pair"], "……")):
        assert any(token in line for line in _lines(fonts, text)), token


def test_only_commas_and_full_stops_hang(fonts) -> None:
    lines = _lines(fonts, CRAFTED["full stop hangs"])
    assert lines[0].endswith("。")  # ぶら下げ: the 21st character is a full stop
    lines = _lines(fonts, CRAFTED["prolonged mark"])
    assert all(len(line) <= MEASURE_EM for line in lines)  # ー is pushed, never hung


def test_reportlab_default_breaks_the_rule(fonts) -> None:
    """The regression case really is at a boundary: stock ReportLab starts a line with 。."""
    p = Paragraph(CRAFTED["bracket + full stop"], _style(fonts))
    p.wrap(MEASURE_EM * 10, 10_000)
    lines = ["".join(w.text if hasattr(w, "text") else str(w) for w in line.words) if hasattr(line, "words")
             else " ".join(line[1]) for line in p.blPara.lines]
    assert any(line.strip().startswith("。") for line in lines[1:]), lines


def test_ideographic_space_is_kept(fonts) -> None:
    lines = _lines(fonts, "\u3000第１\u3000事業の概要")
    assert "".join(lines) == "\u3000第１\u3000事業の概要"


def test_markup_is_escaped(fonts) -> None:
    text = "a<b>&c</b> <font name='x'>"
    assert squash("".join(_lines(fonts, text, 400))) == squash(text)


def test_breakable_table() -> None:
    ok = breakable(list("事項」。次"))
    assert ok[2] is False and ok[3] is False and ok[4] is True
    ok = breakable(list("（注"))
    assert ok[1] is False


def test_crafted_pdf_has_no_violations(fonts, tmp_path: Path) -> None:
    """Same cases through a real PDF, checked from pdfplumber char rows (typography.md §5b)."""
    out = tmp_path / "crafted.pdf"
    story = []
    for text in CRAFTED.values():
        story += [JaParagraph(to_markup(text * 3), _style(fonts)), Spacer(1, 8)]
    doc = SimpleDocTemplate(str(out), pagesize=A4, initialFontName=fonts.mincho,
                            leftMargin=60, rightMargin=A4[0] - 60 - MEASURE_EM * 10 - 12)
    doc.build(story)
    assert kinsoku_violations(out) == []


def test_stock_reportlab_pdf_is_caught(fonts, tmp_path: Path) -> None:
    """The checker can fail: the default engine's output is flagged."""
    out = tmp_path / "stock.pdf"
    story = [Paragraph(CRAFTED[k], _style(fonts)) for k in ("bracket + full stop", "question mark", "opening bracket")]
    SimpleDocTemplate(str(out), pagesize=A4, initialFontName=fonts.mincho,
                      leftMargin=60, rightMargin=A4[0] - 60 - MEASURE_EM * 10 - 12).build(story)
    assert kinsoku_violations(out)


def _sheet_texts(stem: str) -> list[str]:
    from desktop.pdf import load_sheet_file

    form, values = load_sheet_file(DEMO_DIR / f"{stem}.json")
    texts = [v for v in values.values() if isinstance(v, str)]
    texts += [x for v in values.values() if isinstance(v, list) for x in v if isinstance(x, str)]
    return texts + ["・" + f.label for f in form.fields]  # generated "・ label：value" lines


def test_demo_sheets_have_no_violations(demo_pdfs) -> None:
    for stem, path in demo_pdfs.items():
        starts = paragraph_starts(_sheet_texts(stem))
        assert kinsoku_violations(path, starts) == [], path.name


def test_bullet_inside_paragraph_is_still_caught(demo_pdfs) -> None:
    """Without paragraph starts every bullet line counts: the checker really looks."""
    assert kinsoku_violations(demo_pdfs["000_iom_r01"])


def test_sets_are_disjoint_where_it_matters() -> None:
    assert not (NO_START & NO_END)


def test_long_paragraph_is_broken_once(monkeypatch) -> None:
    """Each page split must not re-break the rest of the paragraph (quadratic time)."""
    import io

    import desktop.pdf.linebreak as lb
    from desktop.pdf import load_sheet_file, render_sheet

    broken = [0]
    real = lb.ja_frag_split

    def counting(frags, *a, **kw):
        broken[0] += sum(len(f.text) for f in frags)
        return real(frags, *a, **kw)

    monkeypatch.setattr(lb, "ja_frag_split", counting)
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    n = 40_000
    render_sheet(form, dict(values, c1_3_results=_kanji(n)), io.BytesIO())
    assert broken[0] < 3 * n, broken[0]


def _break_tables_by_definition(chars: list[str]) -> tuple[list[bool], list[bool], list[bool]]:
    """The break rules applied at every position in turn (what break_tables skips ahead of)."""
    from desktop.pdf import linebreak as lb

    n = len(chars)
    ok, hard, unit = [True] * (n + 1), [False] * (n + 1), [False] * (n + 1)
    for m in lb._INSEPARABLE_RE.finditer("".join(c if c else "\0" for c in chars)):
        for k in range(m.start() + 1, m.end()):
            unit[k] = True
    flags = [lb._flags(c) if c else 0 for c in chars]
    ri = 0
    for k in range(1, n):
        fa, fb = flags[k - 1], flags[k]
        if not chars[k - 1] or not chars[k]:
            ri = 0
            continue
        ri = ri + 1 if fa & lb._RI else 0
        if fb & lb._EXT or chars[k - 1] == "\u200d" or (ri % 2 == 1 and fb & lb._RI):
            hard[k] = True
            ok[k] = False
        elif (unit[k] or fb & lb._NS or fa & lb._NE or (fa & lb._INS and chars[k] == chars[k - 1])
              or (fa & lb._WORD and fb & lb._WORD and not fa & lb._SLASH)):
            ok[k] = False
    return ok, hard, unit


_MIXED = [*"漢字かなカナ、。，．「」（）ー・ABCab12３４5,.%％年月日 /—…\u200d\u0301\ufe0f👍🏻",
          "\U0001F1EF", "\U0001F1F5", "\U0001F1FA", "\U0001F1F8", ""]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_MIXED), max_size=40))
def test_break_tables_skipping_plain_runs_gives_the_rules_at_every_position(chars: list[str]) -> None:
    """break_tables only visits positions next to a flagged character or inside a number;
    the result is that of the rules applied everywhere (flags, clusters, regional pairs)."""
    from desktop.pdf.linebreak import break_tables

    assert break_tables(chars) == _break_tables_by_definition(chars)


_MARKUP_CHARS = ["あ", "漢", "。", "「", "a", "Z", "1", " ", "  ", "\u3000", "\u00a0", "\t", "\n", "\r\n", "&", "<",
                 ">", ";", "#", "/", "br", "&amp;", "&#12288;", "<br/>", "\u2003", "ー"]


def _parsed(markup: str, style: ParagraphStyle) -> tuple[str, list[dict]]:
    """What ReportLab's own parser makes of the markup (Paragraph without frags)."""
    para = Paragraph(markup, style)
    return para.text, [f.__dict__ for f in para.frags]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MARKUP_CHARS), max_size=30))
def test_plain_markup_is_split_into_the_fragments_reportlab_parses(fonts, pieces: list[str]) -> None:
    """JaParagraph builds the fragments of to_markup's plain markup itself (no XML parser): the
    same cleaned text and fragments, attribute for attribute, sharing their link and underline
    lists within the paragraph (and not with another paragraph), as the parser's do."""
    from desktop.pdf.linebreak import plain_frags

    style = ParagraphStyle("plain", fontName=fonts.mincho, fontSize=10.5, leading=15, wordWrap="CJK")
    markup = to_markup("".join(pieces))
    made = plain_frags(markup, style)
    assert made is not None
    text, frags = made
    assert (text, [f.__dict__ for f in frags]) == _parsed(markup, style)
    para = JaParagraph(markup, style)
    assert (para.text, [f.__dict__ for f in para.frags]) == _parsed(markup, style)
    if len(frags) > 1:
        assert all(f.link is frags[0].link and f.us_lines is frags[0].us_lines for f in frags)
    other = plain_frags("x", style)
    assert other is not None and all(f.link is not other[1][0].link for f in frags)


def test_markup_with_a_font_change_goes_through_the_parser(fonts) -> None:
    from desktop.pdf.linebreak import plain_frags

    style = ParagraphStyle("fallback", fontName=fonts.mincho, fontSize=10.5, leading=15, wordWrap="CJK")
    markup = f'あ<font name="{fonts.symbol}">\u2610</font>い&amp;'
    assert plain_frags(markup, style) is None
    para = JaParagraph(markup, style)
    assert [f.text for f in para.frags] == ["あ", "\u2610", "い", "&"]
    assert para.frags[1].fontName == fonts.symbol
