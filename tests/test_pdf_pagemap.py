"""The page map (issue 11, item 11): the printer's own layout says how many pages the
sheet has and where each field lands; checked against the PDF ``hyoka pdf`` writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.cli import main
from desktop.core.definition import get_form
from desktop.core.values import normalize_values
from desktop.pdf.pagemap import PageMap, page_map
from tests.conftest import DEMO_H30, DEMO_R01

LONG = "拠出先機関の戦略目標と日本の外交政策との関係について，具体的な成果を挙げて説明する。" * 160


def _long_doc(tmp_path: Path) -> Path:
    """The R01 demo with 1-1 grown to ~6,700 characters: 評価基準１ runs over several pages."""
    doc = json.loads(DEMO_R01.read_text(encoding="utf-8"))
    doc["values"]["c1_1_strategy_goals"] = LONG
    doc.pop("sha256", None)  # edited: no digest (the file is accepted without one)
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _map_of(path: Path) -> tuple[PageMap, dict]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    form = get_form(doc["format"])
    values = normalize_values(form, doc["values"])
    return page_map(form, values), values


def _printed(path: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / (path.stem + ".pdf")
    assert main(["pdf", str(path), "-o", str(out)]) == 0
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(out).pages]


@pytest.mark.parametrize("which", ["r01", "h30", "long"])
def test_page_count_and_field_pages_match_the_printed_pdf(which: str, tmp_path: Path, capsys) -> None:
    path = {"r01": DEMO_R01, "h30": DEMO_H30}.get(which) or _long_doc(tmp_path)
    pmap, values = _map_of(path)
    pages = _printed(path, tmp_path)
    capsys.readouterr()
    assert pmap.pages == len(pages)
    checked = 0
    for fid, value in values.items():
        if not isinstance(value, str) or len(value) < 40 or fid not in pmap.fields:
            continue
        first, last = pmap.fields[fid]
        head = re.sub(r"\s+", "", value)[:12]
        tail = re.sub(r"\s+", "", value)[-12:]
        # the first page the map names holds the start of the text, the last its end,
        # and no page before the first holds its start
        assert head in pages[first - 1], (fid, first)
        assert tail in pages[last - 1], (fid, last)
        assert not any(head in p for p in pages[: first - 1]), (fid, first)
        checked += 1
    assert checked >= 5


def test_known_fields_land_where_the_sheet_puts_them(tmp_path: Path) -> None:
    r01, _v = _map_of(DEMO_R01)
    assert r01.pages_of("contribution_name") == (1, 1)
    assert r01.pages_of("c1_1_strategy_goals") == (2, 2)  # 評価基準１ starts on page 2
    assert r01.pages_of("c2_1_policies") is not None and r01.pages_of("c2_1_policies")[0] > 2
    long, _v = _map_of(_long_doc(tmp_path))
    first, last = long.pages_of("c1_1_strategy_goals") or (0, 0)
    assert first == 2 and last > 2  # split over pages: first and last page
    assert long.pages > r01.pages
    assert long.pages_of("c1_2_activities")[0] >= last  # what follows moves down
    assert long.pages_of("c4_4_other")[0] == long.pages


def test_every_printed_field_is_on_the_map() -> None:
    from desktop.pdf.render import render_sheet

    for path in (DEMO_R01, DEMO_H30):
        pmap, values = _map_of(path)
        form = get_form(json.loads(path.read_text(encoding="utf-8"))["format"])
        report = render_sheet(form, values, None)
        assert set(report.field_order) <= set(pmap.fields)
        assert all(1 <= a <= b <= pmap.pages for a, b in pmap.fields.values())


def test_the_worker_loop_answers_the_newest_request_only() -> None:
    """Requests queued during a layout are stale; an error is an answer, not the end."""
    import multiprocessing
    import threading

    from desktop.pdf.pagemap import serve

    doc = json.loads(DEMO_H30.read_text(encoding="utf-8"))
    values = normalize_values(get_form(doc["format"]), doc["values"])
    parent, child = multiprocessing.Pipe()
    parent.send((1, doc["format"], {}))
    parent.send((2, "no-such-format", {}))
    parent.send((3, doc["format"], values))
    worker = threading.Thread(target=serve, args=(child,))
    worker.start()
    assert parent.poll(60)
    req, pages, fields, error = parent.recv()
    assert (req, pages, error) == (3, 3, "")  # 1 and 2 were stale when 3 was read
    assert fields["pdca_plan"] == (3, 3) and fields["contribution_name"] == (1, 1)
    parent.send((4, "no-such-format", values))
    assert parent.poll(60)
    req, pages, fields, error = parent.recv()
    assert (req, pages, fields) == (4, 0, {}) and "no-such-format" in error
    parent.send(None)
    worker.join(10)
    assert not worker.is_alive() and not parent.poll()
