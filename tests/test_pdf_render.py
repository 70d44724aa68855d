"""The printed sheet: fonts embedded, text round trip in print order, long and odd input."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.definition import get_form
from desktop.core.values import compute, display_value
from desktop.pdf import FontError, load_sheet_file, render_batch, render_sheet, resolve_fonts
from desktop.pdf.fonts import ENV_VAR
from desktop.pdf.verify import (
    DEMO_DIR,
    kinsoku_violations,
    paragraph_starts,
    pdf_text,
    squash,
    strip_continued,
    unembedded_fonts,
)

DEMOS = sorted(p.stem for p in DEMO_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, tuple]:
    """stem → (form, values, pdf path, report)."""
    out = {}
    for stem in DEMOS:
        form, values = load_sheet_file(DEMO_DIR / f"{stem}.json")
        path = tmp_path_factory.mktemp("demo") / f"{stem}.pdf"
        out[stem] = (form, values, path, render_sheet(form, values, path))
    return out


def test_both_formats_have_a_demo() -> None:
    forms = {load_sheet_file(DEMO_DIR / f"{s}.json")[0].id for s in DEMOS}
    assert {"mofa-r01", "mofa-h30"} <= forms


@pytest.mark.parametrize("stem", DEMOS)
def test_fonts_embedded_pypdf(demo, stem: str) -> None:
    assert unembedded_fonts(demo[stem][2]) == []


@pytest.mark.parametrize("stem", DEMOS)
def test_fonts_embedded_pdffonts(demo, stem: str) -> None:
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts) not installed; embedding is still checked through pypdf")
    out = subprocess.run(["pdffonts", str(demo[stem][2])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    assert "Helvetica" not in out
    if demo[stem][0].id == "mofa-r01":
        assert "DejaVuSans" in out  # ☐☑ come from a font that has them


@pytest.mark.parametrize("stem", DEMOS)
def test_every_field_text_comes_back_in_print_order(demo, stem: str) -> None:
    form, values, path, report = demo[stem]
    text = strip_continued(squash(pdf_text(path)), form)
    computed = compute(form, values)
    printed = [fid for fid in report.field_order if squash(display_value(form, fid, values, computed))]
    expected = {f.id for f in form.fields if squash(display_value(form, f.id, values, computed))}
    assert expected <= set(report.field_order), "every field with a value is laid out"
    pos = 0
    for fid in printed:
        f = form.field(fid)
        want = display_value(form, fid, values, computed)
        if f.id == form.fiscal_year_field:
            continue  # printed as the era title, checked in the structure tests
        if f.type in ("choice", "checks", "yn", "rating", "flag"):
            pieces = [want] if f.type not in ("checks", "flag") else []
            assert all(squash(p) in text for p in pieces), fid
            continue  # short tokens: present, but too common to anchor the order
        if f.type == "lines":
            for line in values[fid]:
                found = text.find(squash(line), pos)
                assert found >= 0, (fid, line)
                pos = found
            continue
        found = text.find(squash(want), pos)
        assert found >= 0, f"{fid}: {want[:40]!r} not found after position {pos}"
        pos = found


def test_r01_prints_in_definition_order(demo) -> None:
    form, _values, _, report = demo["000_iom_r01"]
    order = [f.id for f in form.fields]
    assert report.field_order == [fid for fid in order if fid in report.field_order]


def test_r01_structure(demo) -> None:
    form, _values, path, report = demo["000_iom_r01"]
    from pypdf import PdfReader

    pages = [squash(p.extract_text()) for p in PdfReader(str(path)).pages]
    assert report.pages == len(pages) >= 5
    first = pages[0]
    assert "令和元年（2019年）度国際機関等への拠出金等に対する評価シート" in first
    for token in ("総合評価", "■拠出金の概要", "☐ノンイヤマーク☑イヤマーク", "15,015千円", "（２）主要な活動分野",
                  "☑開発・人道", "☐その他（", "７担当課室"):
        assert squash(token) in first, token
    # each 評価基準 starts a new page, in order, with its heading at the top
    heads = [s.title for s in form.sections if s.rating_field]
    starts = [next(i for i, p in enumerate(pages) if p.startswith(squash(h))) for h in heads]
    assert starts == sorted(starts) and len(set(starts)) == 4
    c3 = "".join(pages[starts[2]:starts[3]])
    for token in ("3-1会計年度", "4月から3月", "3-2機関全体の財政状況", "予算額に占めるその差の割合", "0.5％", "3-3",
                  "3-4監査", "（１）外部監査", "（２）内部監査", "3-5"):
        assert token in c3, token
    c4 = "".join(pages[starts[3]:])
    for token in ("全職員数", "2018", "内，幹部", "過去３年の日本人職員数", "2017", "2016", "2015", "平均値", "増減数",
                  "1,769", "1.7％", "22.7", "7.3", "☐専門職から幹部職，幹部職内の昇進有り", "備考"):
        assert token in c4, token
    assert not any(p.endswith(f"{i}/{len(pages)}") for i, p in enumerate(pages, 1))  # no footer unless asked


def test_h30_structure(demo) -> None:
    _, _, path, _report = demo["001_iom_h30"]
    text = squash(pdf_text(path))
    assert text.startswith("平成30年度シート")
    for token in ("分担金・拠出金名", "種別", "任意拠出金", "30年度予算額", "23,100千円", "総合評価", "加盟国等の数",
                  "(2017年12月末時点)", "1.7%", "PLAN", "DO", "CHECK", "ACT", "・財政状況の報告：2018年6月(2017年度)",
                  "担当課室名"):
        assert token in text, token


def test_nonearmark_leaves_earmark_items_blank(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    values = dict(values, contribution_form="ノンイヤマーク")
    out = tmp_path / "non.pdf"
    render_sheet(form, values, out)
    text = squash(pdf_text(out))
    assert squash(values["c1_4_earmark_results"])[:30] not in text
    assert "206,250" not in text  # 3-3 budget
    assert "3-3本拠出の会計報告" in text  # but the block itself is printed
    assert "☑ノンイヤマーク☐イヤマーク" in text


def test_twenty_thousand_characters_flow_across_pages(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    unit = "国際機関の活動「改善計画書」に基づき，ＩＯＭは次の事項を実施した。人々の移動（移住）を支援？している！"
    long = unit * (20_000 // len(unit) + 1)  # whole units: the text must not end with 「
    assert len(long) >= 20_000
    out = tmp_path / "long.pdf"
    report = render_sheet(form, dict(values, c1_3_results=long), out)
    assert report.pages >= 15
    assert squash(long) in strip_continued(squash(pdf_text(out)), form)  # footers "n / N" stripped per page
    starts = paragraph_starts([long, *(v for v in values.values() if isinstance(v, str))])
    assert kinsoku_violations(out, starts) == []


def test_missing_glyphs_are_reported_and_replaced(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    bad = dict(values, c1_1_strategy_goals="笑顔😀と𠮷野家\x07ベル", c2_1_priority_areas=["分野（🙂）", "通常"],
               contribution_name="拠出金\u200d名")
    out = tmp_path / "glyph.pdf"
    report = render_sheet(form, bad, out)
    by_field = {f.field_id: f for f in report.findings}
    assert set(by_field) == {"c1_1_strategy_goals", "c2_1_priority_areas"}
    f = by_field["c1_1_strategy_goals"]
    assert (f.severity, f.code) == ("warning", "glyph")
    assert "U+1F600 😀" in f.message and "U+20BB7" in f.message and "U+0007" in f.message
    assert "「1-1 当該機関の戦略目標，基本的な目標・計画・重点分野，関連する国際課題（S…」に印刷できない文字" in f.message
    assert "〓で印刷します" in f.message
    text = squash(pdf_text(out))
    assert "笑顔〓と〓野家〓ベル" in text
    assert "分野（〓）" in text
    assert "拠出金名" in text  # a zero-width joiner is dropped silently


def test_binary_stream_and_title_suffix() -> None:
    form, values = load_sheet_file(DEMO_DIR / "001_iom_h30.json")
    buf = io.BytesIO()
    report = render_sheet(form, values, buf, title_suffix="（案）")
    assert buf.getvalue().startswith(b"%PDF") and report.pages >= 1
    from pypdf import PdfReader

    assert "平成30年度シート（案）" in squash(PdfReader(buf).pages[0].extract_text())


def test_empty_sheet_renders() -> None:
    for form_id in ("mofa-r01", "mofa-h30"):
        buf = io.BytesIO()
        assert render_sheet(get_form(form_id), {}, buf).pages >= 1


def test_batch(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    seen: list[int] = []
    items = [("a/b", form, values), ("a/b", form, dict(values, c1_rating="B")), DEMO_DIR / "001_iom_h30.json"]
    paths = render_batch(items, tmp_path / "out", progress=lambda i, n, p: seen.append(i))
    assert [p.name for p in paths] == ["a_b.pdf", "a_b_2.pdf", "001_iom_h30.pdf"]
    assert all(p.stat().st_size > 10_000 for p in paths) and seen == [1, 2, 3]


def test_no_font_raises_font_error(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(FontError) as err:
        resolve_fonts([tmp_path])
    msg = str(err.value)
    assert "fonts-morisawa-bizud-mincho" in msg and "BIZUDMincho-Regular.ttf" in msg
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    form, values = load_sheet_file(DEMO_DIR / "001_iom_h30.json")
    with pytest.raises(FontError):
        render_sheet(form, values, io.BytesIO())


def test_cff_or_junk_font_is_not_accepted(tmp_path: Path) -> None:
    (tmp_path / "BIZUDMincho-Regular.ttf").write_bytes(b"OTTO" + b"\0" * 100)
    with pytest.raises(FontError):
        resolve_fonts([tmp_path])


def test_ipaex_fallback() -> None:
    d = Path("/usr/share/fonts/opentype/ipaexfont-mincho")
    if not (d / "ipaexm.ttf").exists():
        pytest.skip("IPAex Mincho not installed")
    fs = resolve_fonts([d])
    assert fs.mincho == fs.gothic == "ipaexm" and fs.symbol == ""
    buf = io.BytesIO()
    form, values = load_sheet_file(DEMO_DIR / "001_iom_h30.json")
    render_sheet(form, values, buf, fonts=fs)
    assert b"ipaexm" in buf.getvalue() or b"IPAex" in buf.getvalue()


def test_pdf_package_is_qt_free() -> None:
    code = "import sys, desktop.pdf, desktop.pdf.layout, desktop.pdf.verify; print(any(m.startswith(('PySide6','shiboken')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    assert out == "False"
    src = Path(__file__).resolve().parents[1] / "desktop" / "pdf"
    for py in src.glob("*.py"):
        assert "PySide6" not in py.read_text(encoding="utf-8"), py.name


def test_any_length_lays_out() -> None:
    """Sweep lengths so some block ends up just taller than a page (ReportLab refuses those)."""
    form, values = load_sheet_file(DEMO_DIR / "001_iom_h30.json")
    unit = "日本人職員の採用・昇進に係る具体的な協力の実績，「改善計画書」。"
    for n in range(60, 200, 6):
        render_sheet(form, dict(values, c1_activities_results=unit * n), io.BytesIO())


NON_BMP = "𠮟る𩸽と𡈽𦹀"


def test_characters_outside_the_bmp_extract_correctly(tmp_path: Path) -> None:
    """ReportLab's ToUnicode CMap wrote U+20B9F as <0B9F>; it must be a surrogate pair."""
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    out = tmp_path / "nonbmp.pdf"
    render_sheet(form, dict(values, c1_1_strategy_goals=f"部下を{NON_BMP}。", contribution_name=NON_BMP), out)
    assert squash(f"部下を{NON_BMP}。") in squash(pdf_text(out))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert squash(f"部下を{NON_BMP}。") in squash(text)


def test_tounicode_cmap_uses_utf16() -> None:
    from desktop.pdf.compat import make_tounicode_cmap, utf16_hex

    assert utf16_hex(0x20B9F) == "D842DF9F" and utf16_hex(0x3042) == "3042"
    cmap = make_tounicode_cmap("F1", [0x20, 0x20B9F])
    assert "<01> <D842DF9F>" in cmap and "<00> <0020>" in cmap


def test_same_sheet_same_bytes_and_metadata(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    a, b = io.BytesIO(), io.BytesIO()
    render_sheet(form, values, a)
    render_sheet(form, values, b)
    assert a.getvalue() == b.getvalue()
    code = (f"import sys; from desktop.pdf import load_sheet_file, render_sheet;"
            f"render_sheet(*load_sheet_file({str(DEMO_DIR / '000_iom_r01.json')!r}), sys.stdout.buffer)")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           cwd=Path(__file__).resolve().parents[1]).stdout
    assert other == a.getvalue(), "another process, another day: the same bytes"
    from pypdf import PdfReader

    meta = PdfReader(a).metadata
    assert meta.title == values["contribution_name"]
    assert meta.author == values["responsible_division"]
    assert meta.subject == form.name
    assert "2019" in meta["/Keywords"] and values["recipient_org_name"] in meta["/Keywords"]


def test_empty_sheet_prints_blanks_not_placeholders(tmp_path: Path) -> None:
    out = tmp_path / "empty_r01.pdf"
    render_sheet(get_form("mofa-r01"), {}, out)
    raw = pdf_text(out)
    text = squash(raw)
    assert "（度当初予算額）" not in text and "（当初予算額）" in text
    assert "\u3000年度" in raw and squash("年度 国際機関等への拠出金等に対する評価シート") in text
    out = tmp_path / "empty_h30.pdf"
    render_sheet(get_form("mofa-h30"), {}, out)
    raw = pdf_text(out)
    assert "平成\u3000年度シート" in raw
    assert "年度予算額" not in squash(raw) and "予算額" in squash(raw)


def test_negative_numbers_print_as_the_format_declares(tmp_path: Path) -> None:
    form, values = load_sheet_file(DEMO_DIR / "000_iom_r01.json")
    assert form.negative_sign == "△"
    v = dict(values, c4_1_jp_staff=20, c4_1_jp_prev1=23, c4_1_jp_prev2=23, c4_1_jp_prev3=23,
             c3_2_budget=100, c3_2_actual=130)
    out = tmp_path / "neg.pdf"
    render_sheet(form, v, out)
    text = squash(pdf_text(out))
    assert "△3.0" in text and "-3.0" not in text
    assert "△30" in text  # 3-2 予算額・決算額の差 (money)
