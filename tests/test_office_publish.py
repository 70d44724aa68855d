"""The printed overview with its rating distribution, and the publication bundle (issue 13)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core import interchange, overview
from desktop.core.store import Store
from desktop.pdf import publish
from desktop.pdf.overview import render_overview
from tests.support.year import make_year


@pytest.fixture
def store(tmp_path: Path):
    y = make_year(6)
    s = Store(tmp_path / "h.db")
    interchange.import_files(s, y.write(tmp_path / "in"))
    yield s
    s.close()


def test_printed_overview_has_the_list_and_the_distribution(store: Store) -> None:
    table = overview.build(store, 2019)
    data = render_overview(table)
    assert data == render_overview(table)  # reproducible
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "2019年度" in text and "拠出金等一覧" in text
    assert "総合評価の分布（件数）" in text and "総合評価の分布（当初予算額，千円）" in text
    for r in table.rows:
        assert r.uuid and r.cells["contribution"][:8] in text.replace("\n", "")


def test_bundle_files_names_bookmarks_labels_manifest(store: Store, tmp_path: Path) -> None:
    seen = []
    out = tmp_path / "pub"
    result = publish.publish_year(store, 2019, out, progress=lambda d, t, n: seen.append((d, t)))
    assert seen[-1] == (8, 8) and not result.failed
    sheets = store.list_sheets(year=2019)
    names = sorted(p.name for p in out.iterdir())
    assert "manifest.json" in names and "2019_拠出金等一覧.pdf" in names
    for s in sheets:
        assert publish.file_name(2019, s) in names
        assert publish.file_name(2019, s).endswith(f"_{s.uuid[:8]}.pdf")
    reader = PdfReader(str(result.bundle))
    single = sum(len(PdfReader(str(out / publish.file_name(2019, s))).pages) for s in sheets)
    n_list = len(PdfReader(io.BytesIO(render_overview(overview.build(store, 2019)))).pages)
    assert len(reader.pages) == n_list + single
    assert len(reader.outline) == 1 + len(sheets)
    assert reader.page_labels[0] == "一覧-1" and reader.page_labels[n_list] == "1-1"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in manifest["files"]} == set(names) - {"manifest.json"}
    assert publish.verify_manifest(out) == []


def test_unchanged_sheet_keeps_its_hash_and_stale_files_go(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "pub"
    publish.publish_year(store, 2019, out)
    first = {e["file"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["files"]}
    s = store.list_sheets(year=2019)[0]
    store.save_values(s.id, {**store.get_sheet(s.id).values, "contribution_name": "改名した拠出金"})
    (out / "mine.txt").write_text("not ours", encoding="utf-8")
    publish.publish_year(store, 2019, out)
    second = {e["file"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["files"]}
    unchanged = set(first) & set(second) - {"2019_拠出金等一覧.pdf"}
    assert len(unchanged) == len(first) - 2 and all(first[f] == second[f] for f in unchanged)
    assert publish.file_name(2019, s) not in second and not (out / publish.file_name(2019, s)).exists()
    assert (out / "mine.txt").exists()


def test_a_sheet_that_cannot_be_printed_does_not_stop_the_others(store: Store, tmp_path: Path, monkeypatch) -> None:
    real = publish.render_sheet
    bad = store.list_sheets(year=2019)[1]

    def flaky(form, values, out, **kw):
        if values.get("contribution_name") == bad.contribution:
            raise RuntimeError("壊れたシート")
        return real(form, values, out, **kw)

    monkeypatch.setattr(publish, "render_sheet", flaky)
    result = publish.publish_year(store, 2019, tmp_path / "pub")
    assert result.failed == [(bad.id, "壊れたシート")] and len(result.sheets) == 5
    assert len(PdfReader(str(result.bundle)).outline) == 6
