"""A sheet's values: normalization on input and computed fields.

Values are a plain ``{field_id: value}`` dict of JSON types, the same in the
database, the interchange file and the UI. Computed fields are never stored; they
are derived here with :class:`decimal.Decimal` (exact), then rounded per field as
the definition declares. Other code must ask this module, never recompute.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.core import expr, fieldtypes, formatting
from desktop.core.definition import Field, FormDef, Group

Values = dict[str, Any]


def normalize(field: Field, raw: Any, form: FormDef) -> Any:
    """Parse input for storage; unparseable input is kept verbatim, empty is None."""
    if fieldtypes.is_empty(raw):
        return None
    try:
        return fieldtypes.parse(field, raw, form.grades)
    except fieldtypes.ParseError:
        return raw if isinstance(raw, str) else str(raw)


@dataclass(frozen=True)
class _Inputs:
    """What the per-value loops (normalize, environment, validation: every keystroke, every
    imported sheet) ask of a format, worked out once per format instead of per call or per value."""

    fields: tuple[Field, ...]  # the input fields, in order (``form.input_fields``)
    by_id: dict[str, Field]  # the input fields by id (computed ones left out)
    text: frozenset[str]  # ids of the short/text fields: most values, checked inline
    retired: frozenset[str]  # ``form.retired``


_INPUTS: dict[str, tuple[FormDef, _Inputs]] = {}


def inputs(form: FormDef) -> _Inputs:
    cache = _INPUTS.get(form.id)
    if cache is None or cache[0] is not form:
        fields = form.input_fields
        cache = (form, _Inputs(fields, {f.id: f for f in fields},
                               frozenset(f.id for f in fields if f.type in ("short", "text")), form.retired))
        _INPUTS[form.id] = cache
    return cache[1]


def normalize_values(form: FormDef, raw: dict[str, Any]) -> Values:
    """Normalize every known input field; empty values and computed fields are dropped. Values of
    fields an upgrade of the format removed are kept as they are (never dropped)."""
    out: Values = {}
    plan = inputs(form)
    by_id, text = plan.by_id, plan.text
    for fid, value in raw.items():
        f = by_id.get(fid)
        if f is None:
            if fid in plan.retired and not fieldtypes.is_empty(value):
                out[fid] = value
            continue
        if fid in text and type(value) is str and "\r" not in value and value.strip():
            out[fid] = value  # a text parses to itself (fieldtypes.parses_to_itself, inline)
            continue
        if fieldtypes.parses_to_itself(f, value, form.grades):  # stored form already (an import's second pass)
            out[fid] = value
            continue
        v = normalize(f, value, form)
        if v is not None:
            out[fid] = v
    return out


def canonical_json(values: Values) -> str:
    """The canonical JSON of values: what :func:`values_digest` hashes (and a store snapshot holds)."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest_of(canonical: str) -> str:
    """:func:`values_digest` of the values whose :func:`canonical_json` this is (not dumped again)."""
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def values_digest(values: Values) -> str:
    """SHA-256 of a sheet's stored values: identifies a state across terminals.

    Revision numbers are per database and autosaves are coalesced in place, so
    only the content itself can say "this is the state I exported / loaded".
    """
    return digest_of(canonical_json(values))


@dataclass(frozen=True)
class Computed:
    exact: Decimal | None
    rounded: Decimal | None
    text: str


def _order(form: FormDef) -> list[Field]:
    cache = _ORDER_CACHE.get(form.id)
    if cache is None or cache[0] is not form:
        names = expr.topological_order({f.id: f.compute for f in form.fields if f.compute})
        cache = (form, [form.by_id[n] for n in names])
        _ORDER_CACHE[form.id] = cache
    return cache[1]


_ORDER_CACHE: dict[str, tuple[FormDef, list[Field]]] = {}


def environment(form: FormDef, values: Values) -> dict[str, Any]:
    """Expression inputs: typed values for input fields plus exact computed values.

    Unparseable draft values become ``None`` so rules on them are simply undecided.
    """
    env: dict[str, Any] = {}
    plan = inputs(form)
    by_id, text = plan.by_id, plan.text
    for fid, value in values.items():
        f = by_id.get(fid)
        if f is None:
            continue
        if fid in text and isinstance(value, str):  # canonical, in range, and as expressions see it (inline)
            env[fid] = value if value.strip() else None
            continue
        ok = fieldtypes.is_canonical(f, value, form.grades) and fieldtypes.in_range(f, value)
        env[fid] = fieldtypes.expr_value(f, value) if ok else None  # computed cells stay blank
    for f in _order(form):
        try:
            result = f.compute(env)  # type: ignore[misc]
        except expr.Unknown:
            result = None
        env[f.id] = result
    return env


def applies(obj: Field | Group, env: dict[str, Any]) -> bool:
    """Whether a field or group applies to this sheet (1-4 and 3-3 only for イヤマーク).

    Undecided (拠出形態 not chosen yet) counts as applying, so nothing is greyed out
    or blanked before the officer has said which kind of contribution it is.
    """
    return obj.applies_when is None or obj.applies_when.truth(env, unknown=True)


def applicability(form: FormDef, env: dict[str, Any]) -> dict[str, bool]:
    """``applies`` for every conditional field and group, keyed by id."""
    objs: tuple[Field | Group, ...] = (*form.fields, *form.groups.values())
    return {o.id: applies(o, env) for o in objs if o.applies_when is not None}


def compute(form: FormDef, values: Values, env: dict[str, Any] | None = None) -> dict[str, Computed]:
    """Every computed field: exact value, value rounded per definition, printed text."""
    env = environment(form, values) if env is None else env
    out: dict[str, Computed] = {}
    for f in _order(form):
        exact = env.get(f.id)
        if exact is None:
            out[f.id] = Computed(None, None, "")
            continue
        try:
            rounded = formatting.round_decimal(exact, f.places, f.rounding)
            text = fieldtypes.display(f, rounded, percent_sign=form.percent_sign)
        except (InvalidOperation, ValueError, TypeError):  # beyond exact arithmetic: show nothing, never a wrong number
            out[f.id] = Computed(None, None, "")
            continue
        out[f.id] = Computed(exact, rounded, text)
    return out


def display_value(form: FormDef, field_id: str, values: Values, computed: dict[str, Computed] | None = None) -> str:
    """Printed text of any field, input or computed."""
    f = form.field(field_id)
    if f.computed:
        computed = compute(form, values) if computed is None else computed
        return computed[field_id].text
    return fieldtypes.display(f, values.get(field_id), percent_sign=form.percent_sign)


def fiscal_year(form: FormDef, values: Values) -> int | None:
    v = values.get(form.fiscal_year_field)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


_LABEL_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")


def fill_label(form: FormDef, values: Values, text: str) -> str:
    """Any label, title or group heading with ``{fy_era}``-style variables filled from the sheet's year."""
    if "{" not in text and "}" not in text:
        return text
    variables = formatting.label_variables(fiscal_year(form, values))
    # Plain substitution, never str.format: a label is data, and the loader allows only {name}.
    return _LABEL_TOKEN.sub(lambda m: m.group(0)[0] if m.group(1) is None else variables.get(m.group(1), ""), text)


def label_for(form: FormDef, field: Field, values: Values, *, sublabel: bool = False) -> str:
    """A field's label (or sublabel) with its variables filled in."""
    return fill_label(form, values, field.sublabel if sublabel else field.label)


def defaults(form: FormDef) -> Values:
    """Values a new blank sheet starts with."""
    return {f.id: f.default for f in form.input_fields if f.default is not None}
