"""Round trip: ``hyoka pdf`` then ``hyoka import-sheet`` gives the values back (whitespace ignored)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from desktop.cli import main
from desktop.core import values as values_mod
from desktop.core.definition import Field, FormDef, get_form
from desktop.core.sheet_import import agreement, import_file
from tests.conftest import DEMO_H30, DEMO_R01

# Text the generator writes: kana, kanji, digits, Latin and the sheet's punctuation; never a
# label of the format (so no field's text can pass for the next label), no lone grade letters.
_CHARS = "あいうえおかきくけこさしすせそたちつてとなにぬねのアイウエオカキクケコ漢字試験資料運営支援国連機関"
_WORDS = st.text(alphabet=_CHARS, min_size=2, max_size=30)
_LATIN = st.sampled_from(["IOM", "UNHCR", "SDGs", "Alliance8.7", "MOPAN", "2018年6月", "1,234人", "（注）", "５名"])


@st.composite
def _sentence(draw: st.DrawFn, max_parts: int = 6) -> str:
    parts = draw(st.lists(st.one_of(_WORDS, _LATIN), min_size=1, max_size=max_parts))
    return "".join(parts) + draw(st.sampled_from(["。", "，", "", "）"]))


@st.composite
def _text(draw: st.DrawFn, *, paragraphs: int = 4) -> str:
    paras = draw(st.lists(_sentence(12), min_size=1, max_size=paragraphs))
    bullet = draw(st.booleans())
    return "\n".join(("・" if bullet else "") + p for p in paras)


def _value(draw: st.DrawFn, form: FormDef, f: Field, values: dict[str, Any]) -> Any:
    t = f.type
    if t == "text" and f.group and form.groups[f.group].rows and draw(st.booleans()):
        return "－"
    if t == "text":
        return draw(_text())
    if t == "short":
        return draw(_sentence(2 if f.group else 3)).rstrip("，")
    if t == "lines":
        return draw(st.lists(_sentence(3), min_size=1, max_size=3))
    if t in ("int", "money"):
        # counts as real sheets have them: a number wider than its grid cell wraps in print
        hi = min(f.max or 10**9, 10**9 if t == "money" else 99_999)
        return draw(st.integers(max(f.min or 0, 0), hi))
    if t in ("decimal", "pct"):
        return None
    if t == "ym":
        return f"{draw(st.integers(2000, 2030))}-{draw(st.integers(1, 12)):02d}"
    if t == "fy":
        return draw(st.integers(2000, 2030))
    if t == "month":
        return draw(st.integers(1, 12))
    if t == "fy_or_period":
        if draw(st.booleans()):
            return draw(st.integers(2000, 2030))
        y = draw(st.integers(2000, 2029))
        return f"{y}-{draw(st.integers(1, 12)):02d}/{y + 1}-{draw(st.integers(1, 12)):02d}"
    if t == "flag":
        return draw(st.booleans())
    if t == "yn":
        return draw(st.sampled_from(["有", "無"]))
    if t == "rating":
        return draw(st.sampled_from(form.grades[f.scale].values))
    if t == "choice":
        return draw(st.sampled_from(f.choices))
    if t == "checks":
        return [c for c in f.choices if c in draw(st.lists(st.sampled_from(f.choices), min_size=1, max_size=3))]
    raise AssertionError(t)


@st.composite
def sheets(draw: st.DrawFn, form_id: str) -> dict[str, Any]:
    """A sheet with every field that applies filled, as the printer sees it."""
    form = get_form(form_id)
    values: dict[str, Any] = {}
    fy = draw(st.integers(form.first_fiscal_year or 2019, form.last_fiscal_year or 2030))
    values[form.fiscal_year_field] = fy
    for f in form.input_fields:
        if f.id in values:
            continue
        v = _value(draw, form, f, values)
        if v is not None:
            values[f.id] = v
    # what only prints together: その他's text with その他 ticked, 昇進者数 with the box ticked
    for f in form.input_fields:
        if f.other_field and f.other_choice not in values.get(f.id, []):
            values.pop(f.other_field, None)
    if "c4_1_promotion_flag" in values and not values["c4_1_promotion_flag"]:
        values.pop("c4_1_promotion_count", None)
    if "c4_1_jp_staff" in values:  # the printer's grid is only unambiguous with consistent counts
        values["c4_1_total_staff"] = max(values["c4_1_total_staff"], values["c4_1_jp_staff"], 1)
    env = values_mod.environment(form, values)
    return {fid: v for fid, v in values.items() if values_mod.applies(form.field(fid), env)}


def _round_trip(tmp_path: Path, form_id: str, values: dict[str, Any]) -> tuple[int, int, list[str]]:
    src = tmp_path / "sheet.json"
    src.write_text(json.dumps({"format": form_id, "schema_version": 2, "sheet": {}, "values": values},
                              ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "sheet.pdf"
    assert main(["pdf", str(src), "-o", str(pdf)]) == 0
    result = import_file(pdf)
    assert result.form.id == form_id
    assert not result.findings, result.findings
    return agreement(result.form, values, result.values)


def test_long_answers_printed_under_the_grid_come_back(tmp_path: Path) -> None:
    """The printer moves a long grid answer (and a long 「その他」) under the grid, the cell saying 「（下欄のとおり）」."""
    doc = json.loads(DEMO_R01.read_text(encoding="utf-8"))
    values = dict(doc["values"])
    values["c3_3_reason_if_no_report"] = "\n".join(f"・理由の説明その{i}。" + "詳しい経緯を記す。" * 6 for i in range(8))
    values["c3_4_ext_fs_confirmed"] = "無"
    values["c3_4_ext_fs_note"] = "\n".join(f"・概要{i}。" + "対応ぶりを記す。" * 8 for i in range(8))
    values["activity_fields"] = ["開発・人道", "その他"]
    values["activity_fields_other_text"] = "移住と開発（人の移動に関する政策支援）" * 2
    ok, total, differ = _round_trip(tmp_path, "mofa-r01", values)
    assert (ok, differ) == (total, [])


@pytest.mark.parametrize("demo", [DEMO_R01, DEMO_H30], ids=["r01", "h30"])
def test_demo_sheets_round_trip(tmp_path: Path, demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(demo.read_text(encoding="utf-8"))
    ok, total, differ = _round_trip(tmp_path, doc["format"], doc["values"])
    assert (ok, differ) == (total, [])


# Bounded: 8 sheets (about 3 s); benchmarks/bench_import.py --examples N runs a longer random search.
@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), form_id=st.sampled_from(["mofa-r01", "mofa-h30"]))
def test_generated_full_sheets_round_trip(tmp_path: Path, data: st.DataObject, form_id: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    values = data.draw(sheets(form_id))
    ok, total, differ = _round_trip(tmp_path, form_id, values)
    assert (ok, differ) == (total, []), {k: values[k] for k in differ}
