"""Validation of a sheet against its format definition.

Returns findings (field id, severity, Japanese message) and never raises on bad
data: drafts with errors are normal, only marking a sheet complete needs zero
errors. Cheap enough to run on every keystroke (see ``benchmarks/``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core import conventions, fieldtypes
from desktop.core.definition import Field, FormDef
from desktop.core.i18n import _
from desktop.core.values import Values, applies, environment, inputs, label_for

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    field_id: str
    severity: str
    message: str
    code: str = ""

    def line(self) -> str:
        """``field_id<TAB>severity<TAB>message``: the CLI's output format."""
        return f"{self.field_id}\t{self.severity}\t{self.message}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_BLANK_RUN = re.compile(r"\n[ \t\u3000\r]*\n[ \t\u3000\r]*\n")  # two or more blank lines in a row


def _control_chars(text: str) -> list[str]:
    """C0/C1 control characters other than newline and tab (category Cc)."""
    return sorted(set(_CONTROL.findall(text)))


def _length(value: Any) -> int:
    if isinstance(value, list):
        return sum(len(x) for x in value)
    return len(value) if isinstance(value, str) else 0


def _check_field(form: FormDef, f: Field, values: Values, env: dict[str, Any], out: list[Finding],
                 warnings: bool = True) -> None:
    v = values.get(f.id)
    empty = fieldtypes.is_empty(v)
    add = out.append
    if not applies(f, env):
        if not empty:
            msg = f.message("not_applicable_message") or _("この項目は該当しないため空欄にしてください。")
            add(Finding(f.id, ERROR, msg, "not_applicable"))
        return
    if not empty and not fieldtypes.is_canonical(f, v, form.grades):
        try:
            fieldtypes.parse(f, v, form.grades)
        except fieldtypes.ParseError as exc:
            add(Finding(f.id, ERROR, f"「{label_for(form, f, values)}」：{exc}", "type"))
            return
    triggered = f.required_when is not None and f.required_when.truth(env, unknown=False)
    if triggered and (empty or v == fieldtypes.DASH):
        add(Finding(f.id, ERROR, f.message("required_message") or _("「{label}」を入力してください。").format(
            label=label_for(form, f, values)), "required"))
    elif f.required and empty:
        msg = f.message("required_message") if f.required_message and f.required_when is None else ""
        add(Finding(f.id, ERROR, msg or _("「{label}」を入力してください。").format(label=label_for(form, f, values)),
                    "required"))
    if empty:
        return
    if not warnings:  # what follows can only warn, except numbers out of range and the format's error checks
        if not fieldtypes.in_range(f, v):
            _range(f, v, label_for(form, f, values), out)  # the label (filled from the year) only for a finding
        _checks(f, env, out, (ERROR,))
        return
    label = label_for(form, f, values)
    if f.dash_unless is not None and v != fieldtypes.DASH and not f.dash_unless.truth(env, unknown=True):
        add(Finding(f.id, WARNING, f.message("dash_message") or _("該当しないため「－」としてください。"), "dash"))
    _range(f, v, label, out)
    if f.max_length is not None and _length(v) > f.max_length:
        add(Finding(f.id, WARNING, _("「{label}」は {limit} 字以内が目安です（現在 {n} 字）。").format(
            label=label, limit=f.max_length, n=_length(v)), "length"))
    if f.type in ("short", "text", "lines"):
        texts = v if isinstance(v, list) else [v]
        bad = sorted({c for t in texts if isinstance(t, str) for c in _control_chars(t)})
        if bad:
            codes = "，".join(f"U+{ord(c):04X}" for c in bad)
            add(Finding(f.id, WARNING, _("「{label}」に制御文字（{codes}）が含まれています。印刷時は〓になります。").format(
                label=label, codes=codes), "control"))
        if any(_BLANK_RUN.search(t) for t in texts if isinstance(t, str)):
            add(Finding(f.id, WARNING, _("「{label}」に空行が続いています（印刷では１行にまとめます）。").format(label=label),
                        "blank_lines"))
        for t in texts:
            if isinstance(t, str):
                for code, msg in conventions.problems(form.conventions, label, t):
                    if not any(x.field_id == f.id and x.code == code for x in out):
                        add(Finding(f.id, WARNING, msg, code))
        if f.type == "short" and any("\n" in t for t in texts if isinstance(t, str)):
            add(Finding(f.id, WARNING, _("「{label}」は１行で入力してください（改行は印刷時に詰められます）。").format(label=label), "newline"))
    _checks(f, env, out, (ERROR, WARNING))


def _range(f: Field, v: Any, label: str, out: list[Finding]) -> None:
    """A number below the field's minimum (0 unless declared) or above its maximum: an error."""
    if isinstance(v, int) and not isinstance(v, bool) and f.type in ("int", "money", "decimal", "pct"):
        low = f.min if f.min is not None else 0
        if v < low:
            out.append(Finding(f.id, ERROR, _("「{label}」は {min} 以上の数にしてください（入力値：{value}）。").format(
                label=label, min=low, value=v), "min"))
        elif f.max is not None and v > f.max:
            out.append(Finding(f.id, ERROR, _("「{label}」は {max} 以下の数にしてください（入力値は {n} 桁）。").format(
                label=label, max=f"{f.max:,}", n=len(str(abs(v)))), "max"))


def _checks(f: Field, env: dict[str, Any], out: list[Finding], severities: tuple[str, ...]) -> None:
    """The format's own checks on the field (``[[fields.checks]]``) of these severities that hold."""
    for check in f.checks:
        if check.severity in severities and check.when.truth(env, unknown=False):
            out.append(Finding(f.id, check.severity, check.text, "check"))


def validate(form: FormDef, values: Values, *, warnings: bool = True) -> list[Finding]:
    """All findings for a sheet, in print order. ``warnings=False``: only the errors, as
    ``errors(validate(form, values))`` gives them, without the checks that can only warn (the
    writing conventions, control characters, lengths: half the time of a full sheet), for
    decisions that only errors change (import and save of a complete sheet)."""
    env = environment(form, values)
    out: list[Finding] = []
    for f in inputs(form).fields:
        _check_field(form, f, values, env, out, warnings)
    return out


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]


def count_by_tab(form: FormDef, findings: Iterable[Finding], severity: str = ERROR) -> Counter[str]:
    """How many findings of ``severity`` each tab has: the tab badges."""
    return Counter(form.by_id[f.field_id].tab for f in findings if f.severity == severity and f.field_id in form.by_id)
