"""The printed year overview (拠出金等一覧) and its rating distribution (ReportLab graphics).

The list in landscape A4 with the header row repeated on every page, then the
総合評価 distribution by number of sheets and by budget amount. Reproducible
(ReportLab invariant mode): the same table gives the same bytes.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.core.i18n import _
from desktop.core.overview import OverviewTable
from desktop.pdf.fonts import FontSet, resolve_fonts

PAGE = landscape(A4)
MARGIN = 12 * mm


def title_text(table: OverviewTable) -> str:
    year = f"{table.year}年度　" if table.year else ""
    return year + _("拠出金等一覧（各拠出金評価シート一覧）")


def distribution_drawing(table: OverviewTable, fonts: FontSet, width: float = 250 * mm,
                         height: float = 70 * mm) -> Drawing:
    """Two bar charts side by side: sheets per 総合評価 and budget (千円) per 総合評価."""
    dist = table.distribution()
    grades = [g for g, _n, _a in dist]
    d = Drawing(width, height)
    half = width / 2
    for i, (caption, data) in enumerate([
        (_("総合評価の分布（件数）"), [n for _g, n, _a in dist]),
        (_("総合評価の分布（当初予算額，千円）"), [float(a) for _g, _n, a in dist]),
    ]):
        x0 = i * half
        chart = VerticalBarChart()
        chart.x, chart.y = x0 + 22 * mm, 12 * mm
        chart.width, chart.height = half - 34 * mm, height - 26 * mm
        chart.data = [data or [0]]
        chart.categoryAxis.categoryNames = grades or ["－"]
        chart.categoryAxis.labels.fontName = fonts.gothic
        chart.categoryAxis.labels.fontSize = 9
        chart.valueAxis.labels.fontName = fonts.gothic
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
        chart.bars[0].fillColor = colors.HexColor("#4a6fa5") if i == 0 else colors.HexColor("#8aa05a")
        chart.barLabelFormat = lambda v: f"{v:,.0f}"
        chart.barLabels.fontName = fonts.gothic
        chart.barLabels.fontSize = 7
        chart.barLabels.nudge = 6
        d.add(chart)
        d.add(String(x0 + half / 2, height - 8 * mm, caption, fontName=fonts.gothic_bold, fontSize=10,
                     textAnchor="middle"))
    return d


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def overview_story(table: OverviewTable, fonts: FontSet) -> list[Any]:
    head = ParagraphStyle("head", fontName=fonts.gothic_bold, fontSize=7.5, leading=9.5, alignment=1,
                          wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=fonts.mincho, fontSize=7.5, leading=9.5, wordWrap="CJK")
    num = ParagraphStyle("num", parent=cell, alignment=2)
    title = ParagraphStyle("title", fontName=fonts.gothic_bold, fontSize=13, leading=18, alignment=1)
    total = sum(c.width for c in table.columns) or 1
    avail = PAGE[0] - 2 * MARGIN - 8 * mm
    widths = [8 * mm] + [avail * c.width / total for c in table.columns]
    data: list[list[Any]] = [[_para(_("番号"), head)] + [_para(c.label, head) for c in table.columns]]
    for i, r in enumerate(table.rows, 1):
        data.append([_para(str(i), num)] + [_para(r.text(c.key), num if c.numeric else cell)
                                            for c in table.columns])
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    counts = ParagraphStyle("counts", parent=cell, fontSize=9, leading=12)
    dist = table.distribution()
    summary = "　".join(f"{g}：{n}件（{_fmt(a)}千円）" for g, n, a in dist)
    return [_para(title_text(table), title), Spacer(1, 4 * mm), t, Spacer(1, 6 * mm),
            KeepTogether([_para(_("総合評価の分布　") + summary, counts), Spacer(1, 2 * mm),
                          distribution_drawing(table, fonts)])]


def _fmt(value: int | Decimal) -> str:
    return f"{value:,}"


def render_overview(table: OverviewTable, *, fonts: FontSet | None = None) -> bytes:
    """The printed overview as PDF bytes (reproducible)."""
    fonts = fonts or resolve_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=title_text(table), creator="hyoka", lang="ja",
                            initialFontName=fonts.mincho, invariant=1)

    def footer(canv: Any, d: Any) -> None:
        canv.setFont(fonts.mincho, 8)
        canv.drawCentredString(PAGE[0] / 2, 6 * mm, f"- {d.page} -")

    doc.build(overview_story(table, fonts), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
