"""The per-value loops' fast paths (a format's inputs worked out once, texts checked inline) against
the straightforward loops they replaced."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import expr, fieldtypes, values
from desktop.core.definition import FormDef, get_form
from tests.conftest import DEMO_H30, DEMO_R01

_FORMS = [get_form(name) for name in ("mofa-r01", "mofa-h30", "mofa-r04", "mofa-r06")]
_DEMO = {json.loads(p.read_text(encoding="utf-8"))["format"]: json.loads(p.read_text(encoding="utf-8"))["values"]
         for p in (DEMO_R01, DEMO_H30)}


def _normalize_reference(form: FormDef, raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fid, value in raw.items():
        f = form.by_id.get(fid)
        if f is None and fid in form.retired and not fieldtypes.is_empty(value):
            out[fid] = value
            continue
        if f is None or f.computed:
            continue
        v = values.normalize(f, value, form)
        if v is not None:
            out[fid] = v
    return out


def _environment_reference(form: FormDef, vals: dict[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for fid, value in vals.items():
        f = form.by_id.get(fid)
        if f is None or f.computed:
            continue
        ok = fieldtypes.is_canonical(f, value, form.grades) and fieldtypes.in_range(f, value)
        env[fid] = fieldtypes.expr_value(f, value) if ok else None
    for f in values._order(form):
        try:
            result = f.compute(env)  # type: ignore[misc]
        except expr.Unknown:
            result = None
        env[f.id] = result
    return env


@st.composite
def _raw_sheets(draw: st.DrawFn) -> tuple[FormDef, dict[str, Any]]:
    """A format and what a draft or a file may hold: its demo sheet (or nothing) with fields of any
    kind (computed ones and unknown ids too) replaced by anything."""
    form = draw(st.sampled_from(_FORMS))
    raw = dict(_DEMO.get(form.id, {}))
    ids = [*form.by_id, "no_such_field", *sorted(form.retired)]
    for fid in draw(st.lists(st.sampled_from(ids), max_size=12)):
        f = form.by_id.get(fid)
        opts = list(fieldtypes.options(f, form.grades)) if f is not None else []
        raw[fid] = draw(st.one_of(
            st.none(), st.sampled_from(["", " ", "\u3000", "－", "三十", "a\r\nb", "a\rb", " 文 ", "2019-07", "２０１９-07",
                                        "2017-07/2018-06", "有", "無", "15,015", "１５，０１５"]),
            st.sampled_from(opts or ["x"]), st.integers(-3, 3000), st.integers(-10**25, 10**25), st.text(max_size=20),
            st.floats(allow_nan=False), st.lists(st.sampled_from([*opts, "x", " y "]), max_size=3), st.booleans()))
    return form, raw


def _typed(d: dict[str, Any]) -> list[tuple[str, type, Any]]:
    return [(k, type(v), v) for k, v in d.items()]


@settings(max_examples=400, deadline=None)
@given(_raw_sheets())
def test_normalize_values_gives_what_normalizing_each_value_gives(sheet) -> None:
    form, raw = sheet
    once = values.normalize_values(form, raw)
    assert _typed(once) == _typed(_normalize_reference(form, raw))
    assert _typed(values.normalize_values(form, once)) == _typed(_normalize_reference(form, once))


@settings(max_examples=400, deadline=None)
@given(_raw_sheets())
def test_environment_gives_what_the_field_types_say(sheet) -> None:
    form, raw = sheet
    for vals in (raw, values.normalize_values(form, raw)):
        assert _typed(values.environment(form, vals)) == _typed(_environment_reference(form, vals))
