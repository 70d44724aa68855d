"""Adding a format means adding a file: a third format works everywhere without code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.core import definition, interchange, validation
from desktop.core.store import Store
from tests.conftest import ROOT


@pytest.fixture
def extra_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    text = (forms / "mofa-r01.toml").read_text(encoding="utf-8")
    text = text.replace('id = "mofa-r01"', 'id = "mofa-r02"').replace('name = "令和元年度様式"', 'name = "令和2年度様式"')
    text = text.replace('first_fiscal_year = 2019', 'first_fiscal_year = 2020')
    text = text.replace('label = "その他特記事項"', 'label = "その他特記事項（新様式）"')
    (forms / "mofa-r02.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(definition, "FORMS_DIR", forms)
    definition.form_registry.cache_clear()
    yield definition.get_form("mofa-r02")
    definition.form_registry.cache_clear()


def test_third_format_validates_stores_exports_and_prints(extra_format, tmp_path: Path, r01_values: dict) -> None:
    form = extra_format
    assert form.field("c4_4_other").label == "その他特記事項（新様式）"
    values = dict(r01_values, sheet_fiscal_year=2020)
    assert validation.validate(form, values) == []
    with Store(tmp_path / "x.db") as s:
        sid = s.create_sheet("mofa-r02", values)
        doc = interchange.export_sheet(s, sid)
    assert doc["format"] == "mofa-r02" and interchange.parse_document(doc).digest_checked
    from desktop.core.carry import form_for_year

    assert form_for_year(2021).id == "mofa-r02" and form_for_year(2019).id == "mofa-r01"
    from pypdf import PdfReader

    from desktop.pdf import render_sheet

    out = tmp_path / "r02.pdf"
    render_sheet(form, values, out)
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace(" ", "")
    assert "その他特記事項（新様式）" in text and "令和2年（2020年）度" in text
