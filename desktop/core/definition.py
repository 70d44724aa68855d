"""Sheet formats, loaded from the TOML files in ``forms/``.

A format is declared once, as data; the Qt form, validation, storage, interchange
and the PDF are all driven by the frozen objects built here (the qutebrowser
``configdata`` pattern). The loader checks the definition itself, so a typo in a
form file fails loudly at load time instead of misbehaving in the UI.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from desktop.core import expr
from desktop.core.resources import resource_dir

FORMS_DIR = resource_dir("forms")

FIELD_TYPES = frozenset(
    {
        "short", "text", "lines", "int", "money", "decimal", "pct", "ym", "fy",
        "month", "fy_or_period", "choice", "checks", "yn", "flag", "rating",
    }
)
CARRY_POLICIES = ("copy", "never", "next_year")
ROUNDING = ("down", "half_up")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
LABEL_VARIABLES = frozenset(
    {"fy", "fy_era", "fy_era_year", "fy_minus_1", "fy_minus_2", "fy_minus_3", "fy_minus_4"}
)


class DefinitionError(ValueError):
    """The form definition file itself is wrong."""


@dataclass(frozen=True)
class Check:
    """A cross-field assertion: when ``when`` holds, report ``message``."""

    when: expr.Expr
    severity: str
    message: str


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    section: str
    tab: str
    number: str = ""
    sublabel: str = ""
    unit: str = ""
    required: bool = False
    required_message: str = ""
    max_length: int | None = None
    min: int | None = None
    choices: tuple[str, ...] = ()
    widget: str = ""
    grid: tuple[tuple[str, ...], ...] = ()
    other_choice: str = ""
    other_field: str = ""
    scale: str = ""
    default: Any = None
    suggestions: tuple[str, ...] = ()
    hint: str = ""
    group: str = ""
    print: str = ""
    carry: str = "copy"
    compute: expr.Expr | None = None
    rounding: str = "half_up"
    places: int = 0
    applies_when: expr.Expr | None = None
    not_applicable_message: str = ""
    required_when: expr.Expr | None = None
    dash_unless: expr.Expr | None = None
    dash_message: str = ""
    checks: tuple[Check, ...] = ()

    @property
    def computed(self) -> bool:
        return self.compute is not None

    @property
    def display_label(self) -> str:
        return f"{self.number} {self.label}".strip()


@dataclass(frozen=True)
class Cell:
    label: str
    value: str  # template with {field_id} placeholders


@dataclass(frozen=True)
class Group:
    id: str
    section: str
    label: str
    number: str = ""
    sublabel: str = ""
    layout: str = "list"
    parent: str = ""
    value: str = ""
    rows: tuple[tuple[Cell, ...], ...] = ()
    applies_when: expr.Expr | None = None

    @property
    def display_label(self) -> str:
        return f"{self.number} {self.label}".strip()


@dataclass(frozen=True)
class Section:
    id: str
    tab: str
    title: str
    fields: tuple[Field, ...]
    groups: tuple[Group, ...] = ()
    rating_field: str = ""
    page_break: bool = False
    print: str = ""


@dataclass(frozen=True)
class Tab:
    id: str
    label: str


@dataclass(frozen=True)
class Scale:
    values: tuple[str, ...]
    not_rated: str

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.values, self.not_rated)


@dataclass(frozen=True)
class FormDef:
    id: str
    version: int
    name: str
    title: str
    fiscal_year_field: str
    organization_field: str
    contribution_field: str
    percent_sign: str
    tabs: tuple[Tab, ...]
    sections: tuple[Section, ...]
    grades: dict[str, Scale]
    layout: str = "sections"
    first_fiscal_year: int | None = None
    last_fiscal_year: int | None = None
    by_id: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    groups: dict[str, Group] = field(default_factory=dict, compare=False, repr=False)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(self.by_id.values())

    @property
    def input_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.by_id.values() if not f.computed)

    def field(self, field_id: str) -> Field:
        try:
            return self.by_id[field_id]
        except KeyError:
            raise KeyError(f"{self.id}: unknown field {field_id!r}") from None

    def fields_in_tab(self, tab_id: str) -> list[Field]:
        return [f for f in self.by_id.values() if f.tab == tab_id]


def _opt_expr(raw: dict[str, Any], key: str, where: str) -> expr.Expr | None:
    src = raw.get(key)
    if src is None:
        return None
    try:
        return expr.compile_expr(src)
    except expr.ExprError as exc:
        raise DefinitionError(f"{where}: {key}: {exc}") from None


_FIELD_KEYS = {
    "id", "label", "type", "number", "sublabel", "unit", "required", "required_message",
    "max_length", "min", "choices", "widget", "grid", "other_choice", "other_field",
    "scale", "default", "suggestions", "hint", "group", "print", "carry", "compute",
    "rounding", "places", "applies_when", "not_applicable_message", "required_when",
    "dash_unless", "dash_message", "checks", "tab",
}


def _build_field(raw: dict[str, Any], section: str, tab: str, form_id: str) -> Field:
    fid = raw.get("id", "")
    where = f"{form_id}: field {fid or '?'}"
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise DefinitionError(f"{where}: unknown keys {sorted(unknown)}")
    if not _ID.match(fid):
        raise DefinitionError(f"{where}: bad field id")
    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise DefinitionError(f"{where}: unknown type {ftype!r}")
    if "label" not in raw:
        raise DefinitionError(f"{where}: label missing")
    carry = raw.get("carry", "copy")
    if carry not in CARRY_POLICIES and not carry.startswith("from:"):
        raise DefinitionError(f"{where}: unknown carry policy {carry!r}")
    rounding = raw.get("rounding", "half_up")
    if rounding not in ROUNDING:
        raise DefinitionError(f"{where}: unknown rounding {rounding!r}")
    if ftype in ("choice", "checks") and not raw.get("choices"):
        raise DefinitionError(f"{where}: {ftype} needs choices")
    checks = tuple(
        Check(
            when=_opt_expr(c, "when", where) or expr.compile_expr("False"),
            severity=c.get("severity", "error"),
            message=c["message"],
        )
        for c in raw.get("checks", ())
    )
    for c in checks:
        if c.severity not in ("error", "warning"):
            raise DefinitionError(f"{where}: bad severity {c.severity!r}")
    if raw.get("default") is not None and ftype == "choice" and raw["default"] not in raw["choices"]:
        raise DefinitionError(f"{where}: default not among choices")
    return Field(
        id=fid,
        label=raw["label"],
        type=ftype,
        section=section,
        tab=raw.get("tab", tab),
        number=raw.get("number", ""),
        sublabel=raw.get("sublabel", ""),
        unit=raw.get("unit", ""),
        required=bool(raw.get("required", False)),
        required_message=raw.get("required_message", ""),
        max_length=raw.get("max_length"),
        min=raw.get("min"),
        choices=tuple(raw.get("choices", ())),
        widget=raw.get("widget", ""),
        grid=tuple(tuple(row) for row in raw.get("grid", ())),
        other_choice=raw.get("other_choice", ""),
        other_field=raw.get("other_field", ""),
        scale=raw.get("scale", ""),
        default=raw.get("default"),
        suggestions=tuple(raw.get("suggestions", ())),
        hint=raw.get("hint", ""),
        group=raw.get("group", ""),
        print=raw.get("print", ""),
        carry=carry,
        compute=_opt_expr(raw, "compute", where),
        rounding=rounding,
        places=int(raw.get("places", 0)),
        applies_when=_opt_expr(raw, "applies_when", where),
        not_applicable_message=raw.get("not_applicable_message", ""),
        required_when=_opt_expr(raw, "required_when", where),
        dash_unless=_opt_expr(raw, "dash_unless", where),
        dash_message=raw.get("dash_message", ""),
        checks=checks,
    )


def _build_group(raw: dict[str, Any], section: str, form_id: str) -> Group:
    where = f"{form_id}: group {raw.get('id', '?')}"
    rows = tuple(
        tuple(Cell(label=c["label"], value=c["value"]) for c in row) for row in raw.get("rows", ())
    )
    return Group(
        id=raw["id"],
        section=section,
        label=raw.get("label", ""),
        number=raw.get("number", ""),
        sublabel=raw.get("sublabel", ""),
        layout=raw.get("layout", "list"),
        parent=raw.get("parent", ""),
        value=raw.get("value", ""),
        rows=rows,
        applies_when=_opt_expr(raw, "applies_when", where),
    )


def parse_definition(data: dict[str, Any]) -> FormDef:
    """Build and cross-check a :class:`FormDef` from parsed TOML."""
    form_id = data.get("id", "?")
    tabs = tuple(Tab(t["id"], t["label"]) for t in data.get("tabs", ()))
    tab_ids = {t.id for t in tabs}
    sections: list[Section] = []
    by_id: dict[str, Field] = {}
    groups: dict[str, Group] = {}
    for rs in data.get("sections", ()):
        sid = rs["id"]
        tab = rs.get("tab", "")
        if tab not in tab_ids:
            raise DefinitionError(f"{form_id}: section {sid}: unknown tab {tab!r}")
        fields = tuple(_build_field(rf, sid, tab, form_id) for rf in rs.get("fields", ()))
        sgroups = tuple(_build_group(rg, sid, form_id) for rg in rs.get("groups", ()))
        for f in fields:
            if f.id in by_id:
                raise DefinitionError(f"{form_id}: duplicate field id {f.id}")
            if f.tab not in tab_ids:
                raise DefinitionError(f"{form_id}: field {f.id}: unknown tab {f.tab!r}")
            by_id[f.id] = f
        for g in sgroups:
            if g.id in groups or g.id in by_id:
                raise DefinitionError(f"{form_id}: duplicate group id {g.id}")
            groups[g.id] = g
        sections.append(
            Section(
                id=sid,
                tab=tab,
                title=rs.get("title", ""),
                fields=fields,
                groups=sgroups,
                rating_field=rs.get("rating_field", ""),
                page_break=bool(rs.get("page_break", False)),
                print=rs.get("print", ""),
            )
        )
    grades = {
        name: Scale(values=tuple(g["values"]), not_rated=g.get("not_rated", "－"))
        for name, g in data.get("grades", {}).items()
    }
    form = FormDef(
        id=form_id,
        version=int(data.get("version", 1)),
        name=data.get("name", form_id),
        title=data.get("title", ""),
        fiscal_year_field=data.get("fiscal_year_field", ""),
        organization_field=data.get("organization_field", ""),
        contribution_field=data.get("contribution_field", ""),
        percent_sign=data.get("percent_sign", "％"),
        tabs=tabs,
        sections=tuple(sections),
        grades=grades,
        layout=data.get("layout", "sections"),
        first_fiscal_year=data.get("first_fiscal_year"),
        last_fiscal_year=data.get("last_fiscal_year"),
        by_id=by_id,
        groups=groups,
    )
    _cross_check(form)
    return form


def _cross_check(form: FormDef) -> None:
    """References between fields, groups and expressions must all resolve."""
    ids = set(form.by_id)
    for key in ("fiscal_year_field", "organization_field", "contribution_field"):
        ref = getattr(form, key)
        if ref and ref not in ids:
            raise DefinitionError(f"{form.id}: {key} names unknown field {ref!r}")
    for f in form.by_id.values():
        where = f"{form.id}: field {f.id}"
        exprs = [f.compute, f.applies_when, f.required_when, f.dash_unless, *(c.when for c in f.checks)]
        for e in exprs:
            if e is not None and not e.names <= ids:
                raise DefinitionError(f"{where}: expression names unknown fields {sorted(e.names - ids)}")
        if f.group and f.group not in form.groups:
            raise DefinitionError(f"{where}: unknown group {f.group!r}")
        if f.type == "rating" and f.scale not in form.grades:
            raise DefinitionError(f"{where}: unknown grade scale {f.scale!r}")
        if f.other_field and f.other_field not in ids:
            raise DefinitionError(f"{where}: unknown other_field {f.other_field!r}")
        if f.carry.startswith("from:") and f.carry[5:] not in ids:
            raise DefinitionError(f"{where}: carry source unknown")
        for row in f.grid:
            for choice in row:
                if choice not in f.choices:
                    raise DefinitionError(f"{where}: grid names unknown choice {choice!r}")
        for var in _PLACEHOLDER.findall(f.label + f.sublabel):
            if var not in LABEL_VARIABLES:
                raise DefinitionError(f"{where}: unknown label variable {var!r}")
    for g in form.groups.values():
        templates = [g.value] + [c.value for row in g.rows for c in row]
        for t in templates:
            for name in _PLACEHOLDER.findall(t):
                if name not in ids:
                    raise DefinitionError(f"{form.id}: group {g.id}: template names unknown field {name!r}")
        if g.parent and g.parent not in form.groups:
            raise DefinitionError(f"{form.id}: group {g.id}: unknown parent {g.parent!r}")
    try:
        expr.topological_order({f.id: f.compute for f in form.by_id.values() if f.compute})
    except expr.ExprError as exc:
        raise DefinitionError(f"{form.id}: {exc}") from None


def load_definition(path: Path) -> FormDef:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(f"{path.name}: {exc}") from None
    form = parse_definition(data)
    if form.id != path.stem:
        raise DefinitionError(f"{path.name}: id {form.id!r} does not match the file name")
    return form


@cache
def all_forms() -> dict[str, FormDef]:
    """Every format in ``forms/``: adding a format means adding a file there."""
    forms = {p.stem: load_definition(p) for p in sorted(FORMS_DIR.glob("*.toml"))}
    if not forms:
        raise DefinitionError(f"様式ファイル（*.toml）が見つかりません: {FORMS_DIR}")
    return forms


def get_form(form_id: str) -> FormDef:
    forms = all_forms()
    if form_id not in forms:
        known = ", ".join(sorted(forms))
        raise KeyError(f"不明な様式です: {form_id!r}（使用できる様式: {known}）")
    return forms[form_id]
