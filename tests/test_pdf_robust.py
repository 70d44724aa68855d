"""Every stored sheet prints: maximum lengths, 20,000 characters in every kind of cell,
long grid answers moved under their grid, continued cells labelled 「（続き）」."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.definition import FormDef, get_form
from desktop.pdf import load_sheet_file, render_sheet
from desktop.pdf.verify import DEMO_DIR, pdf_text, squash, strip_continued

UNIT = "予算の執行が遅れた理由は，「改善計画書」に基づき次のとおりである。ＩＯＭは２０１８年に実施した。"
DEMO = {"mofa-r01": "000_iom_r01", "mofa-h30": "001_iom_h30"}
# One field for every kind of cell the printer draws (overview value, checkbox "other",
# item body, plain-list group, lines, grid cells of every shape, staff tables, H30 rows).
KINDS = {
    "mofa-r01": ["contribution_name", "activity_fields_other_text", "responsible_division", "c1_3_results",
                 "c2_1_priority_areas", "c2_3_decision_influence", "c3_2_currency", "c3_2_reason_if_65pct",
                 "c3_3_budget_note", "c3_3_reason_if_no_report", "c3_4_ext_auditor", "c3_4_ext_fs_note",
                 "c3_4_int_scope", "c4_1_remarks"],
    "mofa-h30": ["contribution_name", "recipient_org_name", "org_overview_and_targets", "jp_other", "pdca_plan",
                 "responsible_division"],
}


def text_of(n: int, salt: str = "") -> str:
    s = salt + UNIT * (n // len(UNIT) + 1)
    return s[:n]


def demo_values(form: FormDef) -> dict:
    return dict(load_sheet_file(DEMO_DIR / f"{DEMO[form.id]}.json")[1])


def filled(form: FormDef, fid: str, n: int) -> object:
    f = form.field(fid)
    t = text_of(n, f"【{fid}】")
    if f.type == "lines":
        return [t[i:i + 300] for i in range(0, len(t), 300)]
    return t


@pytest.mark.parametrize("form_id", ["mofa-r01", "mofa-h30"])
def test_every_field_at_its_maximum_prints(tmp_path: Path, form_id: str) -> None:
    form = get_form(form_id)
    values = demo_values(form)
    for f in form.fields:  # a checkbox grid's 「その他」 text prints only when その他 is ticked
        if f.other_field:
            values[f.id] = [*(values.get(f.id) or []), f.other_choice]
    longs = [f.id for f in form.input_fields if f.max_length]
    for fid in longs:
        values[fid] = filled(form, fid, form.field(fid).max_length)
    out = tmp_path / "max.pdf"
    report = render_sheet(form, values, out)
    assert report.pages >= 2
    text = strip_continued(squash(pdf_text(out)), form)
    for fid in longs:
        v = values[fid]
        for piece in v if isinstance(v, list) else [v]:
            assert squash(piece) in text, fid


@pytest.mark.parametrize("form_id", ["mofa-r01", "mofa-h30"])
def test_twenty_thousand_characters_in_every_kind_of_cell(form_id: str) -> None:
    form = get_form(form_id)
    values = demo_values(form)
    for f in form.fields:
        if f.other_field:
            values[f.id] = [*(values.get(f.id) or []), f.other_choice]
    for fid in KINDS[form_id]:
        values[fid] = filled(form, fid, 20_000)
    buf = io.BytesIO()
    assert render_sheet(form, values, buf).pages > 10


@pytest.mark.parametrize("fid,n", [("c3_2_reason_if_65pct", 900), ("c3_3_reason_if_65pct", 1000),
                                   ("c3_3_reason_if_no_report", 1000), ("c3_4_ext_fs_note", 1500)])
def test_long_grid_answer_moves_below_its_grid(tmp_path: Path, fid: str, n: int) -> None:
    form = get_form("mofa-r01")
    values = demo_values(form)
    values[fid] = text_of(n)
    out = tmp_path / "grid.pdf"
    report = render_sheet(form, values, out)
    assert report.pages <= 12
    label = next(squash(c.label) for g in form.groups.values() for row in g.rows for c in row if f"{{{fid}}}" in c.value)
    text = squash(pdf_text(out)).replace(label + squash("（続き）"), "")
    assert squash(values[fid]) in text  # in one piece, full width: not a 9-character column
    i = text.find(squash(values[fid]))
    assert label in text[max(0, i - 200):i], "the moved answer keeps its label"


def test_short_grid_answer_stays_in_its_cell(tmp_path: Path) -> None:
    form = get_form("mofa-r01")
    values = demo_values(form)
    values["c3_2_reason_if_65pct"] = "執行が遅れたため。"
    out = tmp_path / "short.pdf"
    render_sheet(form, values, out)
    text = squash(pdf_text(out))
    assert text.count(squash("65％以上の場合，その理由")) == 2  # once in 3-2, once in 3-3: nothing moved
    assert squash("執行が遅れたため。") in text


def test_continued_cell_repeats_its_label(tmp_path: Path) -> None:
    form = get_form("mofa-r01")
    values = demo_values(form)
    values["purpose_and_use"] = text_of(6000)  # an overview row (label | value) over two pages
    values["c1_3_results"] = text_of(8000)  # an item (label row above the body)
    out = tmp_path / "cont.pdf"
    render_sheet(form, values, out)
    pages = [squash(p.extract_text()) for p in PdfReader(out).pages]
    cont = squash("（続き）")
    purpose = squash(form.field("purpose_and_use").display_label)
    results = squash(form.field("c1_3_results").display_label)
    assert any(p.startswith(purpose + cont) or (purpose + cont) in p[:80] for p in pages[1:]), [p[:60] for p in pages]
    assert any(p.startswith(results + cont) for p in pages[1:]), [p[:60] for p in pages]


def test_thirty_digit_amounts_print() -> None:
    form = get_form("mofa-r01")
    values = demo_values(form)
    for f in form.input_fields:
        if f.type in ("int", "money"):
            values[f.id] = 10**30
    assert render_sheet(form, values, io.BytesIO()).pages >= 5


def test_a_layout_failure_falls_back_to_a_plain_layout(tmp_path: Path, monkeypatch) -> None:
    """The last line of defence: whatever the table layout cannot place, the sheet still prints."""
    from reportlab.platypus import Table

    from desktop.pdf import layout

    real = layout.Builder.build

    def broken(self):
        return [*real(self), Table([["x"]], rowHeights=[2000])]  # taller than any page, cannot split

    monkeypatch.setattr(layout.Builder, "build", broken)
    form = get_form("mofa-r01")
    values = demo_values(form)
    out = tmp_path / "plain.pdf"
    report = render_sheet(form, values, out)
    assert [f.code for f in report.findings] == ["layout"]
    text = squash(pdf_text(out))
    for fid in ("contribution_name", "c1_3_results", "c3_5_mgmt_issues", "responsible_division"):
        assert squash(values[fid]) in text, fid
