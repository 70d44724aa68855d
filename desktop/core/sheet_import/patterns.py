"""Reading values back from printed text: a regex per field type, and templates.

A template is the text the printer makes from fields (a grid cell's ``value``,
a group's ``import_patterns``): literal text with ``{field_id}`` placeholders.
Here it becomes a regex over normalized text (see ``text.Doc``) that tolerates
whitespace anywhere, with one group per placeholder, read by the field's type.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from desktop.core.definition import Field, FormDef

CHECKED = "☑☒✓✔■"
BOXES = "☐☑☒□✓✔■"
_NUM = r"(?>[-−△▲]?\s*(?:\d{1,3}(?:,\s*\d{3})+|\d+)(?:\.\d+)?)"
_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR]\.?)\s*(?:元|\d{1,2})\s*年"
_YEAR = rf"(?:\d{{4}}|{_ERA}(?:\s*\(\s*\d{{4}}\s*年?\s*\))?)"
_YM = rf"(?:{_YEAR}\s*年?\s*\d{{1,2}}\s*月|\d{{4}}\s*[-/.]\s*\d{{1,2}}(?!\d))"
_FY = rf"(?:{_YEAR}\s*年?\s*度|\d{{4}}(?![\d,]))"


def type_regex(f: Field, scales: dict[str, tuple[str, ...]]) -> str:
    """How a value of ``f``'s type looks in printed text (normalized), as a regex without groups."""
    t = f.type
    if t in ("int", "money"):
        unit = rf"(?:\s*{re.escape(f.unit)})?" if f.unit else ""
        return _NUM + unit
    if t in ("decimal",):
        return _NUM
    if t == "pct":
        return _NUM + r"\s*%"
    if t == "ym":
        return _YM
    if t == "fy":
        return _FY
    if t == "month":
        return r"\d{1,2}\s*月"
    if t == "fy_or_period":
        return rf"(?:(?:対象期間\s*:\s*)?{_YM}\s*[~～〜-]\s*{_YM}|{_FY})"
    if t == "flag":
        return f"[{BOXES}]"
    if t == "yn":
        return "[有無]"
    if t in ("choice", "rating"):
        opts = scales.get(f.scale, ()) if t == "rating" else f.choices
        alts = sorted((_spaced(o) for o in opts), key=len, reverse=True)
        return "(?:" + "|".join(alts) + ")"
    return r".*?"


def _spaced(text: str) -> str:
    from desktop.core.sheet_import.text import literal_regex

    return literal_regex(text)


@dataclass(frozen=True)
class Template:
    regex: re.Pattern[str]
    fields: tuple[str, ...]  # the field id of each group, in order
    literal: bool  # no placeholder at all (header text to be consumed)


def compile_template(form: FormDef, template: str, variables: dict[str, str], *, whole: bool) -> Template:
    """``whole``: the template must cover the whole text it is matched against (a grid cell)."""
    from desktop.core.sheet_import.text import literal_regex

    scales = {name: s.all for name, s in form.grades.items()}
    parts: list[str] = []
    names: list[str] = []
    body = template
    anchored_start = body.startswith("^")
    anchored_end = body.endswith("$")
    body = body[1 if anchored_start else 0: -1 if anchored_end else None]
    pieces = list(string.Formatter().parse(body.replace("{{", "\x01").replace("}}", "\x02")))
    for k, (lit, name, _spec, _conv) in enumerate(pieces):
        lit = lit.replace("\x01", "{").replace("\x02", "}")
        if lit.strip():
            parts.append(literal_regex(lit))
        if name is None:
            continue
        if name in form.by_id:
            f = form.by_id[name]
            pat = type_regex(f, scales)
            last = k == len(pieces) - 1 or all(not (p[0] or "").strip() and p[1] is None for p in pieces[k + 1:])
            if pat == r".*?" and whole and last:
                pat = r".*"
            group = f"({pat})"
            parts.append(group + "?" if whole or f.computed or not f.required else group)
            names.append(name)
        else:  # a label variable (the fiscal year and the years before it)
            value = variables.get(name, "")
            parts.append(literal_regex(value) if value else r"\d{4}")
    regex = r"\s*".join(parts)
    if whole:
        regex = r"\s*" + regex + r"\s*"
    if anchored_start:
        regex = r"^[ \t]*" + regex
    if anchored_end:
        regex = regex + r"[ \t]*$"
    return Template(re.compile(regex, re.DOTALL | re.MULTILINE), tuple(names), not names)
