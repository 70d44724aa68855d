"""Sheet formats, loaded from the TOML files in ``forms/``.

A format is declared once, as data; the Qt form, validation, storage, interchange
and the PDF are all driven by the frozen objects built here (the qutebrowser
``configdata`` pattern). The loader checks the definition itself, so a typo in a
form file fails loudly at load time instead of misbehaving in the UI.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core import expr
from desktop.core.resources import resource_dir

if TYPE_CHECKING:  # the registry imports this module: it is loaded when formats are first read
    from desktop.core.registry import Registry

FORMS_DIR = resource_dir("forms")

FIELD_TYPES = frozenset(
    {
        "short", "text", "lines", "int", "money", "decimal", "pct", "ym", "fy",
        "month", "fy_or_period", "choice", "checks", "yn", "flag", "rating",
    }
)
NUMBER_TYPES = frozenset({"int", "money", "decimal", "pct"})
# Largest value per number type unless the format's [limits] or a field's ``max`` says otherwise:
# far beyond any real sheet, far below Decimal's 28 digits, so arithmetic stays exact.
DEFAULT_LIMITS = {"int": 9_999_999, "money": 999_999_999_999_999, "decimal": 999_999_999, "pct": 100_000}
MAX_FORM_FILE_BYTES = 2 * 1024 * 1024
CARRY_POLICIES = ("copy", "never", "next_year")
ROUNDING = ("down", "half_up")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL_VARIABLES = frozenset(
    {"fy", "fy_era", "fy_era_year", "fy_minus_1", "fy_minus_2", "fy_minus_3", "fy_minus_4"}
)


# Overview columns that are not fields of the sheet but of its record in the database.
OVERVIEW_BUILTINS = frozenset({"@status", "@open_comments", "@id", "@format"})


class DefinitionError(ValueError):
    """The form definition file itself is wrong: ``errors`` holds every problem found, one line
    each, named by its table path (``sections[3].fields[2] (c1).type: …``); ``str()`` is the
    first and how many more, so a caller that shows one line still says there are others."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors: list[str] = list(errors) if errors else [message]

    def __str__(self) -> str:
        more = len(self.errors) - 1
        return f"{self.errors[0]} (+{more} more)" if more else self.errors[0]


class _Problems:
    """The errors found so far: tables are checked one by one, so a file reports them all at once."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    @contextmanager
    def table(self) -> Iterator[None]:
        """Check one table: its errors are kept and the next table is checked."""
        try:
            yield
        except DefinitionError as exc:
            self.errors.extend(exc.errors)

    def raise_any(self) -> None:
        if self.errors:
            raise DefinitionError(self.errors[0], self.errors)


def _at(where: str, key: str) -> str:
    """The TOML path of ``key`` in the table at ``where`` ("" is the top of the file)."""
    return f"{where}.{key}" if where else key


def _msg(where: str, text: str) -> str:
    return f"{where}: {text}" if where else text


class UnknownFormatError(KeyError):
    """A sheet or file names a format that is not installed on this terminal."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Check:
    """A cross-field assertion: when ``when`` holds, report ``message``."""

    when: expr.Expr
    severity: str
    message: str
    message_en: str = ""

    @property
    def text(self) -> str:
        """The message in the UI's language (field labels stay Japanese: they are the sheet's words)."""
        return in_language(self.message, self.message_en)


def in_language(ja: str, en: str) -> str:
    """A format file's own message: its ``*_en`` text when the UI speaks English and one is given."""
    from desktop.core.i18n import current_language

    return en if en and current_language() == "en" else ja


# The rule messages a format file may write, each with an English twin ``<key>_en``.
RULE_MESSAGE_KEYS = ("required_message", "not_applicable_message", "dash_message")


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
    max: int | None = None  # the field's own ``max`` or the format's limit for its type
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
    per_organization: bool = False  # about the whole organisation: sheets on one organisation must agree
    required_message_en: str = ""
    not_applicable_message_en: str = ""
    dash_message_en: str = ""

    def message(self, key: str) -> str:
        """``required_message`` etc. in the UI's language ("" when the format gives none)."""
        return in_language(getattr(self, key), getattr(self, f"{key}_en"))

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
    import_patterns: tuple[str, ...] = ()

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
    import_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class OverviewColumn:
    """A column of the year overview: ``key`` lines columns up across formats."""

    key: str
    label: str
    field: str
    width: int = 12  # characters (XLSX column width; relative width in print)


@dataclass(frozen=True)
class Tab:
    id: str
    label: str


@dataclass(frozen=True)
class PrintOptions:
    """The format's ``[print]`` table: how the printer lays the sheet out.

    ``page_numbers``: an 「n / N」 footer on every page (the official sheets have none);
    ``label_breaks``: where a label may break, as the label text with ``|`` at each
    allowed break (「予算額・|決算額の差」); a label not listed breaks between the
    phrases a segmenter finds.
    """

    page_numbers: bool = False
    label_breaks: tuple[str, ...] = ()
    footer: str = ""  # the format's own footer (「暫定様式」), printed on every page, page numbers or not


@dataclass(frozen=True)
class CarryRule:
    """One declared carry mapping: ``to`` (this format) takes ``sources`` (the older format).

    Several sources are joined: ``blank_line`` (paragraphs, a blank line between) or
    ``headings`` (each part under 【its old label】)."""

    to: str
    sources: tuple[str, ...]
    join: str = "blank_line"


@dataclass(frozen=True)
class Conventions:
    """The format's ``[conventions]`` table: the writing style its texts follow (empty: not checked).

    ``comma``/``full_stop``: 「，」 or 「、」, 「。」 or 「．」; ``not_applicable``: the mark a text that
    does not apply consists of (「－」); ``section_numbers = "full_width"``: （１） rather than (1).
    See ``desktop/core/conventions.py``.
    """

    comma: str = ""
    full_stop: str = ""
    not_applicable: str = ""
    section_numbers: str = ""


@dataclass(frozen=True)
class Scale:
    values: tuple[str, ...]
    not_rated: str
    meanings: dict[str, str] = field(default_factory=dict)  # grade -> what it means (the help shows it)

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.values, self.not_rated)


@dataclass(frozen=True)
class Upgrade:
    """How sheets made with an older version of this format are read (``[[upgrades]]``):
    ``from_version`` and later sheets get ``renamed`` (old id → new id); ``removed`` ids are
    kept in the stored values and shown in the sheet's note, never dropped."""

    from_version: int
    renamed: tuple[tuple[str, str], ...] = ()
    removed: tuple[str, ...] = ()


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
    division_field: str = ""  # the 担当課室 field: the PDF's Author
    negative_sign: str = "-"  # printed before a negative number (公用文: "△")
    overview: tuple[OverviewColumn, ...] = ()  # the year overview's columns (拠出金等一覧)
    budget_field: str = ""  # the amount the rating distribution weighs by
    overall_rating_field: str = ""  # 総合評価
    print: PrintOptions = field(default_factory=PrintOptions)
    upgrades: tuple[Upgrade, ...] = ()  # ascending from_version
    carry_from: dict[str, tuple[CarryRule, ...]] = field(default_factory=dict, compare=False, repr=False)
    conventions: Conventions = field(default_factory=Conventions)
    by_id: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    groups: dict[str, Group] = field(default_factory=dict, compare=False, repr=False)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(self.by_id.values())

    @property
    def retired(self) -> frozenset[str]:
        """Ids an upgrade removed: their values are kept as stored, outside the form."""
        return frozenset(r for u in self.upgrades for r in u.removed) - set(self.by_id)

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
        raise DefinitionError(f"{_at(where, key)}: {exc}") from None


# Every key a table may have, with its TOML type (pyxform-style strictness: a typo or a
# wrong type fails at load, naming the file, the table and the key).
_STR, _INT, _BOOL, _LIST, _DICT = (str,), (int,), (bool,), (list,), (dict,)
_TOP_SCHEMA: dict[str, tuple[type, ...]] = {
    "id": _STR, "version": _INT, "name": _STR, "title": _STR, "fiscal_year_field": _STR,
    "organization_field": _STR, "contribution_field": _STR, "percent_sign": _STR, "layout": _STR,
    "first_fiscal_year": _INT, "last_fiscal_year": _INT, "grades": _DICT, "tabs": _LIST, "sections": _LIST,
    "limits": _DICT, "division_field": _STR, "negative_sign": _STR, "print": _DICT, "overview": _LIST,
    "budget_field": _STR, "overall_rating_field": _STR, "extends": _STR, "upgrades": _LIST, "carry_from": _LIST,
    "conventions": _DICT,
}
_UPGRADE_SCHEMA = {"from_version": _INT, "renamed": _DICT, "removed": _LIST}
_CARRY_FROM_SCHEMA = {"format": _STR, "map": _LIST}
_CARRY_RULE_SCHEMA: dict[str, tuple[type, ...]] = {"to": _STR, "from": (str, list), "join": _STR}
_CONVENTIONS_SCHEMA = {"comma": _STR, "full_stop": _STR, "not_applicable": _STR, "section_numbers": _STR}
_PRINT_SCHEMA = {"page_numbers": _BOOL, "label_breaks": _LIST, "footer": _STR}
_OVERVIEW_SCHEMA = {"key": _STR, "label": _STR, "field": _STR, "width": _INT}
_TAB_SCHEMA = {"id": _STR, "label": _STR}
_GRADE_SCHEMA = {"values": _LIST, "not_rated": _STR, "meanings": _DICT}
_SECTION_SCHEMA = {
    "id": _STR, "tab": _STR, "title": _STR, "fields": _LIST, "groups": _LIST, "rating_field": _STR,
    "page_break": _BOOL, "print": _STR, "import_patterns": _LIST,
}
_GROUP_SCHEMA = {
    "id": _STR, "label": _STR, "number": _STR, "sublabel": _STR, "layout": _STR, "parent": _STR,
    "value": _STR, "rows": _LIST, "applies_when": _STR, "import_patterns": _LIST,
}
_CELL_SCHEMA = {"label": _STR, "value": _STR}
_CHECK_SCHEMA = {"when": _STR, "severity": _STR, "message": _STR, "message_en": _STR}
_FIELD_SCHEMA: dict[str, tuple[type, ...]] = {
    "id": _STR, "label": _STR, "type": _STR, "number": _STR, "sublabel": _STR, "unit": _STR,
    "required": _BOOL, "required_message": _STR, "max_length": _INT, "min": _INT, "max": _INT, "choices": _LIST,
    "widget": _STR, "grid": _LIST, "other_choice": _STR, "other_field": _STR, "scale": _STR,
    "default": (str, int, bool), "suggestions": _LIST, "hint": _STR, "group": _STR, "print": _STR, "carry": _STR,
    "compute": _STR, "rounding": _STR, "places": _INT, "applies_when": _STR, "not_applicable_message": _STR,
    "required_when": _STR, "dash_unless": _STR, "dash_message": _STR, "checks": _LIST, "tab": _STR,
    "per_organization": _BOOL, "required_message_en": _STR, "not_applicable_message_en": _STR,
    "dash_message_en": _STR,
}
_FIELD_KEYS = set(_FIELD_SCHEMA)
_ENUMS = {
    ("form", "layout"): ("sections", "single_table"),
    ("section", "print"): ("", "title", "rating_box"),
    ("group", "layout"): ("list", "inline", "table", "staff_table", "pdca_table", "h30_staff_table"),
    ("field", "print"): ("", "inline", "full_width"),
    ("field", "widget"): ("", "checkboxes"),
    ("carry", "join"): ("blank_line", "headings"),
    ("conventions", "comma"): ("，", "、"),
    ("conventions", "full_stop"): ("。", "．"),
    ("conventions", "section_numbers"): ("", "full_width"),
}
_TYPE_NAMES = {str: "文字列", int: "整数", bool: "真偽値", list: "配列", dict: "表"}


def _check_table(raw: Any, schema: Mapping[str, tuple[type, ...]], where: str, kind: str) -> dict[str, Any]:
    """Reject unknown keys (with a suggestion) and keys of the wrong TOML type, all of them at once."""
    if not isinstance(raw, dict):
        raise DefinitionError(_msg(where, f"must be a table, not {_TYPE_NAMES.get(type(raw), type(raw).__name__)}"))
    errors = []
    for key, value in raw.items():
        if key not in schema:
            import difflib  # only for a misspelt key

            close = difflib.get_close_matches(key, schema, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append(_msg(where, f"unknown key {key!r}{hint}"))
            continue
        want = schema[key]
        if not isinstance(value, want) or (isinstance(value, bool) and bool not in want):
            names = " or ".join(t.__name__ for t in want)
            errors.append(f"{_at(where, key)}: must be {names}, not {type(value).__name__}")
            continue
        allowed = _ENUMS.get((kind, key))
        if allowed is not None and value not in allowed:
            errors.append(f"{_at(where, key)}: unknown value {value!r} (allowed: {', '.join(map(repr, allowed))})")
    if errors:
        raise DefinitionError(errors[0], errors)
    return raw


def _check_meanings(grade: dict[str, Any], where: str) -> None:
    """``meanings = {A = "…"}``: text for grades of this scale only (a typo'd grade fails at load)."""
    scale = (*grade.get("values", ()), grade.get("not_rated", "－"))
    for key, text in grade.get("meanings", {}).items():
        if key not in scale:
            raise DefinitionError(f"{where}.meanings: {key!r} is not a grade of this scale ({', '.join(scale)})")
        if not isinstance(text, str):
            raise DefinitionError(f"{where}.meanings.{key}: must be str, not {type(text).__name__}")


def _str_list(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    items = raw.get(key, ())
    if not isinstance(items, list | tuple) or not all(isinstance(x, str) for x in items):
        raise DefinitionError(f"{_at(where, key)}: must be a list of strings")
    return tuple(items)


def _array(raw: dict[str, Any], key: str) -> list[Any]:
    """An array of tables to walk; one of the wrong type is reported by :func:`_check_table`."""
    value = raw.get(key, [])
    return value if isinstance(value, list) else []


def _check_label(text: str, allowed: frozenset[str], where: str) -> None:
    """Placeholders are plain declared names only: no attributes, indexes, conversions or format specs."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise DefinitionError(f"{where}: bad braces in {text[:40]!r}: {exc}") from None
    for _lit, name, spec, conv in parts:
        if name is None:
            continue
        if name not in allowed or spec or conv:
            shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            raise DefinitionError(f"{where}: placeholder {shown[:60]!r} is not allowed (use one of: "
                                  f"{', '.join(sorted(allowed))})")


def _build_field(raw: dict[str, Any], section: str, tab: str, where: str, limits: dict[str, int]) -> Field:
    """``where`` is the field's table path, ``sections[3].fields[2]``; its id is added when it has one."""
    fid = raw.get("id", "") if isinstance(raw, dict) else ""
    if isinstance(fid, str) and _ID.match(fid):
        where = f"{where} ({fid})"
    _check_table(raw, _FIELD_SCHEMA, where, "field")
    if not _ID.match(fid):
        raise DefinitionError(f"{where}.id: bad field id {fid!r}" if fid else f"{where}: key 'id' missing")
    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise DefinitionError(f"{where}.type: unknown type {ftype!r} (allowed: {', '.join(sorted(FIELD_TYPES))})"
                              if ftype is not None else f"{where}: key 'type' missing")
    if "label" not in raw:
        raise DefinitionError(f"{where}: key 'label' missing")
    carry = raw.get("carry", "copy")
    if carry not in CARRY_POLICIES and not carry.startswith("from:"):
        raise DefinitionError(f"{where}.carry: unknown carry policy {carry!r}")
    rounding = raw.get("rounding", "half_up")
    if rounding not in ROUNDING:
        raise DefinitionError(f"{where}.rounding: unknown rounding {rounding!r}")
    if ftype in ("choice", "checks") and not raw.get("choices"):
        raise DefinitionError(f"{where}.choices: {ftype} needs choices")
    for i, c in enumerate(raw.get("checks", ())):
        _check_table(c, _CHECK_SCHEMA, f"{where}.checks[{i}]", "check")
        if "message" not in c:
            raise DefinitionError(f"{where}.checks[{i}]: key 'message' missing")
    checks = tuple(
        Check(
            when=_opt_expr(c, "when", f"{where}.checks[{i}]") or expr.compile_expr("False"),
            severity=c.get("severity", "error"),
            message=c["message"],
            message_en=c.get("message_en", ""),
        )
        for i, c in enumerate(raw.get("checks", ()))
    )
    places = raw.get("places", 0)
    if not 0 <= places <= 6:
        raise DefinitionError(f"{where}.places: must be between 0 and 6, not {places}")
    if raw.get("max_length") is not None and not 1 <= raw["max_length"] <= 1_000_000:
        raise DefinitionError(f"{where}.max_length: must be between 1 and 1000000")
    maximum = raw.get("max")
    if maximum is None and ftype in NUMBER_TYPES:
        maximum = limits[ftype]
    for key in ("min", "max"):
        if raw.get(key) is not None and ftype not in NUMBER_TYPES:
            raise DefinitionError(f"{where}.{key}: is only for number types ({', '.join(sorted(NUMBER_TYPES))})")
        if raw.get(key) is not None and abs(raw[key]) > 10**18:
            raise DefinitionError(f"{where}.{key}: is too large")
    grid = raw.get("grid", ())
    if not all(isinstance(row, list) and all(isinstance(x, str) for x in row) for row in grid):
        raise DefinitionError(f"{where}.grid: must be a list of lists of strings")
    for i, c in enumerate(checks):
        if c.severity not in ("error", "warning"):
            raise DefinitionError(f"{where}.checks[{i}].severity: bad severity {c.severity!r}")
    if raw.get("default") is not None and ftype == "choice" and raw["default"] not in raw["choices"]:
        raise DefinitionError(f"{where}.default: not among choices")
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
        max=maximum,
        choices=_str_list(raw, "choices", where),
        widget=raw.get("widget", ""),
        grid=tuple(tuple(row) for row in grid),
        other_choice=raw.get("other_choice", ""),
        other_field=raw.get("other_field", ""),
        scale=raw.get("scale", ""),
        default=raw.get("default"),
        suggestions=_str_list(raw, "suggestions", where),
        hint=raw.get("hint", ""),
        group=raw.get("group", ""),
        print=raw.get("print", ""),
        carry=carry,
        compute=_opt_expr(raw, "compute", where),
        rounding=rounding,
        places=places,
        applies_when=_opt_expr(raw, "applies_when", where),
        not_applicable_message=raw.get("not_applicable_message", ""),
        required_when=_opt_expr(raw, "required_when", where),
        dash_unless=_opt_expr(raw, "dash_unless", where),
        dash_message=raw.get("dash_message", ""),
        checks=checks,
        per_organization=bool(raw.get("per_organization", False)),
        required_message_en=raw.get("required_message_en", ""),
        not_applicable_message_en=raw.get("not_applicable_message_en", ""),
        dash_message_en=raw.get("dash_message_en", ""),
    )


def _build_overview(data: dict[str, Any], problems: _Problems) -> tuple[OverviewColumn, ...]:
    columns: list[OverviewColumn] = []
    for i, raw in enumerate(data.get("overview", ())):
        where = f"overview[{i}]"
        with problems.table():
            _check_table(raw, _OVERVIEW_SCHEMA, where, "overview")
            for key in ("key", "field"):
                if key not in raw:
                    raise DefinitionError(f"{where}: key {key!r} missing")
            if not _ID.match(raw["key"]):
                raise DefinitionError(f"{where}.key: bad key {raw['key']!r}")
            if not 1 <= raw.get("width", 12) <= 200:
                raise DefinitionError(f"{where}.width: must be between 1 and 200")
            if any(c.key == raw["key"] for c in columns):
                raise DefinitionError(f"{where}.key: duplicate key {raw['key']!r}")
            columns.append(OverviewColumn(key=raw["key"], label=raw.get("label", ""), field=raw["field"],
                                          width=raw.get("width", 12)))
    return tuple(columns)


def _build_group(raw: dict[str, Any], section: str, where: str) -> Group:
    """``where`` is the group's table path, ``sections[1].groups[0]``; its id is added when it has one."""
    gid = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(gid, str):
        where = f"{where} ({gid})"
    _check_table(raw, _GROUP_SCHEMA, where, "group")
    if "id" not in raw:
        raise DefinitionError(f"{where}: key 'id' missing")
    for r, row in enumerate(raw.get("rows", ())):
        if not isinstance(row, list):
            raise DefinitionError(f"{where}.rows[{r}]: must be a list of cells")
        for c, cell in enumerate(row):
            _check_table(cell, _CELL_SCHEMA, f"{where}.rows[{r}][{c}]", "cell")
            if "label" not in cell or "value" not in cell:
                raise DefinitionError(f"{where}.rows[{r}][{c}]: a cell needs 'label' and 'value'")
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
        import_patterns=_str_list(raw, "import_patterns", where),
    )


def _print_options(raw: dict[str, Any]) -> PrintOptions:
    where = "print"
    _check_table(raw, _PRINT_SCHEMA, where, "print")
    breaks = _str_list(raw, "label_breaks", where)
    for b in breaks:
        if "|" not in b or b.startswith("|") or b.endswith("|") or "||" in b:
            raise DefinitionError(f"{where}.label_breaks: {b!r} needs a '|' between characters at each break")
    footer = raw.get("footer", "")
    if "\n" in footer or len(footer) > 80:
        raise DefinitionError(f"{where}.footer: must be one line of at most 80 characters")
    return PrintOptions(page_numbers=bool(raw.get("page_numbers", False)), label_breaks=breaks, footer=footer)


def _carry_from(data: dict[str, Any]) -> dict[str, tuple[CarryRule, ...]]:
    """``[[carry_from]]``: how a sheet of an older format is carried into this one."""
    out: dict[str, tuple[CarryRule, ...]] = {}
    for i, raw in enumerate(_array(data, "carry_from")):
        where = f"carry_from[{i}]"
        _check_table(raw, _CARRY_FROM_SCHEMA, where, "carry_from")
        if "format" not in raw:
            raise DefinitionError(f"{where}: key 'format' missing")
        if raw["format"] in out:
            raise DefinitionError(f"{where}.format: format {raw['format']!r} declared twice")
        rules: list[CarryRule] = []
        for j, r in enumerate(raw.get("map", ())):
            rwhere = f"{where}.map[{j}]"
            _check_table(r, _CARRY_RULE_SCHEMA, rwhere, "carry")
            if "to" not in r or "from" not in r:
                raise DefinitionError(f"{rwhere}: needs 'to' and 'from'")
            sources = (r["from"],) if isinstance(r["from"], str) else _str_list(r, "from", rwhere)
            if not sources:
                raise DefinitionError(f"{rwhere}.from: is empty")
            if any(rule.to == r["to"] for rule in rules):
                raise DefinitionError(f"{rwhere}.to: field {r['to']!r} mapped twice")
            rules.append(CarryRule(to=r["to"], sources=sources, join=r.get("join", "blank_line")))
        out[raw["format"]] = tuple(rules)
    return out


def carry_source_errors(form: FormDef, forms: Mapping[str, FormDef]) -> list[str]:
    """Declared source fields that are not input fields of their (installed) source format."""
    errors = []
    for k, (src_id, rules) in enumerate(form.carry_from.items()):
        src = forms.get(src_id)
        if src is None:
            continue  # the older format is not installed here: nothing can be carried from it
        for i, rule in enumerate(rules):
            for name in rule.sources:
                if name not in src.by_id or src.by_id[name].computed:
                    errors.append(f"carry_from[{k}] ({src_id}).map[{i}].from: unknown input field {name!r} of {src_id}")
    return errors


def _build_upgrades(data: dict[str, Any]) -> tuple[Upgrade, ...]:
    version = data.get("version", 1)
    out: list[Upgrade] = []
    for i, raw in enumerate(_array(data, "upgrades")):
        where = f"upgrades[{i}]"
        _check_table(raw, _UPGRADE_SCHEMA, where, "upgrade")
        start = raw.get("from_version")
        if not isinstance(start, int) or not 1 <= start < version:
            raise DefinitionError(f"{where}.from_version: must be an older version (1 to {version - 1})")
        renamed = raw.get("renamed", {})
        for old, new in renamed.items():
            if not _ID.match(old) or not isinstance(new, str) or not _ID.match(new):
                raise DefinitionError(f"{where}.renamed: {old!r} = {new!r} must map a field id to a field id")
        removed = _str_list(raw, "removed", where)
        out.append(Upgrade(start, tuple(renamed.items()), removed))
    if len({u.from_version for u in out}) != len(out):
        raise DefinitionError("upgrades: from_version declared twice")
    return tuple(sorted(out, key=lambda u: u.from_version))


def _conventions(raw: dict[str, Any]) -> Conventions:
    where = "conventions"
    _check_table(raw, _CONVENTIONS_SCHEMA, where, "conventions")
    mark = raw.get("not_applicable", "")
    if mark and (len(mark) != 1 or mark.isalnum() or mark.isspace()):
        raise DefinitionError(f"{where}.not_applicable: must be one mark such as '－', not {mark!r}")
    return Conventions(comma=raw.get("comma", ""), full_stop=raw.get("full_stop", ""), not_applicable=mark,
                       section_numbers=raw.get("section_numbers", ""))


def parse_definition(data: dict[str, Any]) -> FormDef:
    """Build and cross-check a :class:`FormDef` from parsed TOML. Every table is checked on its own
    and every error is gathered (:attr:`DefinitionError.errors`, named by table path); the
    cross-checks, which need sound tables, run only when those passed."""
    problems = _Problems()
    form_id = data.get("id", "?") if isinstance(data.get("id"), str) else "?"
    with problems.table():
        _check_table(data, _TOP_SCHEMA, "", "form")
    if "extends" in data:
        raise DefinitionError("extends: a file that extends another is read through the registry (load_definition)")
    for key in ("id", "tabs", "sections"):
        if key not in data:
            problems.errors.append(f"{key}: key missing")
    tabs: list[Tab] = []
    tab_ids: set[str] = set()  # a tab with a mistake still counts, so its sections are not reported too
    for i, t in enumerate(data.get("tabs", ()) if isinstance(data.get("tabs"), list) else ()):
        with problems.table():
            _check_table(t, _TAB_SCHEMA, f"tabs[{i}]", "tab")
        if not isinstance(t, dict):
            continue
        if isinstance(t.get("id"), str):
            tab_ids.add(t["id"])
        if "id" not in t or "label" not in t:
            problems.errors.append(f"tabs[{i}]: needs 'id' and 'label'")
        elif isinstance(t["id"], str) and isinstance(t["label"], str):
            tabs.append(Tab(t["id"], t["label"]))
    limits = dict(DEFAULT_LIMITS)
    for key, value in (data.get("limits", {}) if isinstance(data.get("limits"), dict) else {}).items():
        if key not in NUMBER_TYPES:
            problems.errors.append(f"limits: unknown type {key!r} (allowed: {', '.join(sorted(NUMBER_TYPES))})")
        elif not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 10**18:
            problems.errors.append(f"limits.{key}: must be a positive integer up to 10^18")
        else:
            limits[key] = value
    sections: list[Section] = []
    by_id: dict[str, Field] = {}
    groups: dict[str, Group] = {}
    paths: dict[str, str] = {}  # field or group id -> its table path, for the cross-checks
    for i, rs in enumerate(data.get("sections", ()) if isinstance(data.get("sections"), list) else ()):
        where = f"sections[{i}]"
        known = len(problems.errors)
        with problems.table():
            _check_table(rs, _SECTION_SCHEMA, f"{where} ({rs.get('id')})" if isinstance(rs, dict) else where, "section")
        sound = len(problems.errors) == known  # its fields and groups are checked either way
        if not isinstance(rs, dict) or not isinstance(rs.get("id"), str):
            if isinstance(rs, dict):
                problems.errors.append(f"{where}: key 'id' missing")
            continue
        sid = rs["id"]
        tab = rs.get("tab", "")
        if not isinstance(tab, str) or not isinstance(rs.get("fields", []), list) \
                or not isinstance(rs.get("groups", []), list):
            continue  # a key of the wrong type: reported with the table
        if tab not in tab_ids:
            problems.errors.append(f"{where} ({sid}).tab: unknown tab {tab!r}")
        fields: list[Field] = []
        for j, rf in enumerate(rs.get("fields", ())):
            with problems.table():
                f = _build_field(rf, sid, tab, f"{where}.fields[{j}]", limits)
                fpath = f"{where}.fields[{j}] ({f.id})"
                if f.id in by_id:
                    raise DefinitionError(f"{fpath}.id: duplicate field id {f.id} (also {paths[f.id]})")
                if f.tab not in tab_ids and f.tab != tab:
                    raise DefinitionError(f"{fpath}.tab: unknown tab {f.tab!r}")
                by_id[f.id] = f
                paths[f.id] = fpath
                fields.append(f)
        sgroups: list[Group] = []
        for j, rg in enumerate(rs.get("groups", ())):
            with problems.table():
                g = _build_group(rg, sid, f"{where}.groups[{j}]")
                gpath = f"{where}.groups[{j}] ({g.id})"
                if g.id in groups or g.id in by_id:
                    raise DefinitionError(f"{gpath}.id: duplicate group id {g.id} (also {paths[g.id]})")
                groups[g.id] = g
                paths[g.id] = gpath
                sgroups.append(g)
        with problems.table():
            if sound:
                sections.append(
                    Section(
                        id=sid,
                        tab=tab,
                        title=rs.get("title", ""),
                        fields=tuple(fields),
                        groups=tuple(sgroups),
                        rating_field=rs.get("rating_field", ""),
                        page_break=bool(rs.get("page_break", False)),
                        print=rs.get("print", ""),
                        import_patterns=_str_list(rs, "import_patterns", f"{where} ({sid})"),
                    )
                )
    grades: dict[str, Scale] = {}
    for name, g in (data.get("grades", {}) if isinstance(data.get("grades"), dict) else {}).items():
        with problems.table():
            _check_table(g, _GRADE_SCHEMA, f"grades.{name}", "grade")
            _str_list(g, "values", f"grades.{name}")
            if not g.get("values"):
                raise DefinitionError(f"grades.{name}: key 'values' missing")
            _check_meanings(g, f"grades.{name}")
            grades[name] = Scale(values=tuple(g["values"]), not_rated=g.get("not_rated", "－"),
                                 meanings=dict(g.get("meanings", {})))
    overview = _build_overview(data, problems) if isinstance(data.get("overview", []), list) else ()
    print_options, conventions = PrintOptions(), Conventions()
    upgrades: tuple[Upgrade, ...] = ()
    carry_from: dict[str, tuple[CarryRule, ...]] = {}
    with problems.table():
        print_options = _print_options(data.get("print", {}))
    with problems.table():
        upgrades = _build_upgrades(data)
    with problems.table():
        carry_from = _carry_from(data)
    with problems.table():
        conventions = _conventions(data.get("conventions", {}))
    problems.raise_any()
    form = FormDef(
        id=form_id,
        version=int(data.get("version", 1)),
        name=data.get("name", form_id),
        title=data.get("title", ""),
        fiscal_year_field=data.get("fiscal_year_field", ""),
        organization_field=data.get("organization_field", ""),
        contribution_field=data.get("contribution_field", ""),
        percent_sign=data.get("percent_sign", "％"),
        tabs=tuple(tabs),
        sections=tuple(sections),
        grades=grades,
        layout=data.get("layout", "sections"),
        first_fiscal_year=data.get("first_fiscal_year"),
        last_fiscal_year=data.get("last_fiscal_year"),
        division_field=data.get("division_field", ""),
        negative_sign=data.get("negative_sign", "-"),
        overview=overview,
        budget_field=data.get("budget_field", ""),
        overall_rating_field=data.get("overall_rating_field", ""),
        print=print_options,
        upgrades=upgrades,
        carry_from=carry_from,
        conventions=conventions,
        by_id=by_id,
        groups=groups,
    )
    _cross_check(form, paths)
    return form


def _cross_check(form: FormDef, paths: Mapping[str, str]) -> None:
    """References between fields, groups and expressions must all resolve (every broken one is
    reported); the cycle check, which needs them, runs only when they do."""
    problems = _Problems()
    ids = set(form.by_id)
    for key in ("fiscal_year_field", "organization_field", "contribution_field", "division_field", "budget_field",
                "overall_rating_field"):
        ref = getattr(form, key)
        if ref and ref not in ids:
            problems.errors.append(f"{key}: names unknown field {ref!r}")
    if form.budget_field in ids and form.by_id[form.budget_field].type not in NUMBER_TYPES:
        problems.errors.append(f"budget_field: {form.budget_field!r} is not a number field")
    if form.overall_rating_field in ids and form.by_id[form.overall_rating_field].type != "rating":
        problems.errors.append(f"overall_rating_field: {form.overall_rating_field!r} is not a rating field")
    for k, (src_id, rules) in enumerate(form.carry_from.items()):
        for i, rule in enumerate(rules):
            where = f"carry_from[{k}] ({src_id}).map[{i}]"
            target = form.by_id.get(rule.to)
            if target is None or target.computed:
                problems.errors.append(f"{where}.to: unknown input field {rule.to!r}")
            elif len(rule.sources) > 1 and target.type != "text":
                problems.errors.append(f"{where}.from: several sources need a text field, {rule.to} is {target.type}")
    for i, col in enumerate(form.overview):
        if col.field not in ids and col.field not in OVERVIEW_BUILTINS:
            problems.errors.append(f"overview[{i}].field: column {col.key!r} names unknown field {col.field!r} "
                                   f"(or one of: {', '.join(sorted(OVERVIEW_BUILTINS))})")
    for f in form.by_id.values():
        with problems.table():
            _cross_check_field(form, f, paths[f.id])
    field_ids = frozenset(ids)
    for g in form.groups.values():
        gwhere = paths[g.id]
        with problems.table():
            _check_label(g.label, LABEL_VARIABLES, f"{gwhere}.label")
            _check_label(g.sublabel, LABEL_VARIABLES, f"{gwhere}.sublabel")
            _check_label(g.value, field_ids, f"{gwhere}.value")
            for r, cells in enumerate(g.rows):
                for c, cell in enumerate(cells):
                    _check_label(cell.value, field_ids, f"{gwhere}.rows[{r}][{c}].value")
                    _check_label(cell.label, LABEL_VARIABLES, f"{gwhere}.rows[{r}][{c}].label")
            for pattern in g.import_patterns:
                _check_label(pattern, field_ids | LABEL_VARIABLES, f"{gwhere}.import_patterns")
            if g.parent and g.parent not in form.groups:
                raise DefinitionError(f"{gwhere}.parent: unknown parent {g.parent!r}")
    for i, s in enumerate(form.sections):
        with problems.table():
            for pattern in s.import_patterns:
                _check_label(pattern, field_ids | LABEL_VARIABLES, f"sections[{i}] ({s.id}).import_patterns")
    for i, u in enumerate(form.upgrades):
        later = form.upgrades[i + 1:]
        for old, new in u.renamed:
            for v in later:  # follow later renames to the id this version has
                new = dict(v.renamed).get(new, new)
            gone = any(new in v.removed for v in later)
            if not gone and (new not in form.by_id or form.by_id[new].computed):
                problems.errors.append(f"upgrades[{i}].renamed: (from_version {u.from_version}) renamed {old!r} "
                                       f"to {new!r}, which is not an input field of this version")
    problems.raise_any()
    try:
        expr.topological_order({f.id: f.compute for f in form.by_id.values() if f.compute})
    except expr.ExprError as exc:
        raise DefinitionError(f"sections: computed fields: {exc}") from None


def _cross_check_field(form: FormDef, f: Field, where: str) -> None:
    ids = form.by_id
    exprs = [("compute", f.compute), ("applies_when", f.applies_when), ("required_when", f.required_when),
             ("dash_unless", f.dash_unless), *((f"checks[{i}].when", c.when) for i, c in enumerate(f.checks))]
    for key, e in exprs:
        if e is not None and not e.names <= ids.keys():
            raise DefinitionError(f"{where}.{key}: expression names unknown fields {sorted(e.names - ids.keys())}")
    if f.group and f.group not in form.groups:
        raise DefinitionError(f"{where}.group: unknown group {f.group!r}")
    if f.type == "rating" and f.scale not in form.grades:
        raise DefinitionError(f"{where}.scale: unknown grade scale {f.scale!r}")
    if f.other_field and f.other_field not in ids:
        raise DefinitionError(f"{where}.other_field: unknown other_field {f.other_field!r}")
    if f.carry.startswith("from:") and f.carry[5:] not in ids:
        raise DefinitionError(f"{where}.carry: carry source unknown")
    for row in f.grid:
        for choice in row:
            if choice not in f.choices:
                raise DefinitionError(f"{where}.grid: names unknown choice {choice!r}")
    for key in ("label", "sublabel"):
        _check_label(getattr(f, key), LABEL_VARIABLES, f"{where}.{key}")
    _check_expr_types(form, f, where)


_NUMERIC_FOR_EXPR = NUMBER_TYPES | {"fy", "month"}
_CONTAINER_TYPES = frozenset({"checks", "lines", "short", "text"})


def _check_expr_types(form: FormDef, f: Field, where: str) -> None:
    """Expressions that load but would fail when run are rejected here, at load."""
    if f.compute is not None:
        if f.compute.kind == "bool":
            raise DefinitionError(f"{where}.compute: a condition is not a number ({f.compute.source!r})")
        if f.type not in NUMBER_TYPES:
            raise DefinitionError(f"{where}.compute: needs a number type, not {f.type!r}")
    for key in ("compute", "applies_when", "required_when", "dash_unless"):
        e = getattr(f, key)
        if e is None:
            continue
        for name in e.containers:
            ref = form.by_id.get(name)
            if ref is not None and (ref.computed or ref.type not in _CONTAINER_TYPES):
                raise DefinitionError(f"{where}.{key}: 'in {name}' needs a list or text field, "
                                      f"{name} is {ref.type}")
        for name in e.arithmetic | (e.names if key == "compute" else frozenset()):
            ref = form.by_id.get(name)
            if ref is not None and not (ref.computed or ref.type in _NUMERIC_FOR_EXPR):
                raise DefinitionError(f"{where}.{key}: {name} is {ref.type}, not a number")
    for i, c in enumerate(f.checks):
        for name in c.when.containers:
            ref = form.by_id.get(name)
            if ref is not None and (ref.computed or ref.type not in _CONTAINER_TYPES):
                raise DefinitionError(f"{where}.checks[{i}].when: 'in {name}' needs a list or text field")


def load_definition(path: Path) -> FormDef:
    """One format file (its ``extends`` base looked up among the installed formats); every
    problem is a :class:`DefinitionError` naming the file."""
    from desktop.core import registry

    file = registry.FormFile(path, registry.SHIPPED, registry.read_raw(path))
    files = registry.installed_files() if "extends" in file.raw else []
    return registry.build(file, files)


@cache
def form_registry() -> Registry:
    """The installed formats (shipped ``forms/`` and the office's folders, see
    :mod:`desktop.core.registry`): adding a format means adding a file. Read once per process
    (``form_registry.cache_clear()`` reads the folders again); each format is built when first
    used, so opening one sheet does not build every format."""
    from desktop.core import registry

    return registry.load()


def all_forms() -> dict[str, FormDef]:
    """The current version of every installed format (carry sources checked by the registry)."""
    forms = form_registry().current
    if not forms:
        raise DefinitionError(f"様式ファイル（*.toml）が見つかりません: {FORMS_DIR}")
    return forms


def usable_forms() -> dict[str, FormDef]:
    """The current version of every installed format that builds. Unlike :func:`all_forms`, a
    damaged file among the program's own formats is left out, not raised: the app names it once
    its window is up, and new sheets, help and the year's format are offered from the others."""
    registry = form_registry()
    out: dict[str, FormDef] = {}
    for form_id in registry.ids():
        try:
            form = registry.current_form(form_id)
        except DefinitionError:
            continue
        if form is not None:
            out[form_id] = form
    if not out:
        raise DefinitionError(f"使える様式ファイル（*.toml）がありません: {FORMS_DIR}")
    return out


def installed_form(form_id: str) -> FormDef | None:
    """The current version of ``form_id``, None when it is not installed (builds only that one)."""
    return form_registry().current_form(form_id)


def get_form(form_id: str, version: int | None = None) -> FormDef:
    """The current version of a format, or with ``version`` that version when it is installed."""
    current = installed_form(form_id)
    if current is not None and version is not None and current.version != version:
        older = form_registry().version(form_id, version)
        if older is not None:
            return older
        from desktop.core.i18n import _

        raise UnknownFormatError(_("様式 {form} の第{version}版がこの端末にありません（入っているのは第{have}版）。"
                                   "様式 {form} 第{version}版の定義ファイルを入れてください。").format(
            form=form_id, version=version, have=current.version))
    if current is None:
        from desktop.core.i18n import _

        known = "，".join(sorted(all_forms())) or _("なし")
        raise UnknownFormatError(_("様式 {form} がこの端末にありません（使用できる様式：{known}）。この様式の定義ファイルを入れてください。").format(
            form=form_id, known=known))
    return current
