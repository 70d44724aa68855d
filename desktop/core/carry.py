"""New sheet from last year's: which values are copied, rolled forward or left out.

Each field declares its policy in the form file (``carry``): ``copy`` (default),
``never`` (yearly figures, ratings, results), ``next_year`` (the fiscal year) or
``from:<field>`` (roll a value into another column, e.g. this year's 日本人職員数
becomes next year's 過去３年 first column). Works across formats: fields are
matched by id, so a 平成30年度 sheet seeds the shared fields of a 令和元年度 one.
"""

from __future__ import annotations

from desktop.core import fieldtypes
from desktop.core.definition import FormDef, all_forms
from desktop.core.values import Values, fiscal_year, normalize


def form_for_year(fy: int) -> FormDef:
    """The newest format whose period includes ``fy``."""
    candidates = [
        f for f in all_forms().values()
        if (f.first_fiscal_year or 0) <= fy and (f.last_fiscal_year is None or fy <= f.last_fiscal_year)
    ]
    if not candidates:
        candidates = list(all_forms().values())
    return max(candidates, key=lambda f: f.first_fiscal_year or 0)


def carry_over(src_form: FormDef, src: Values, dst_form: FormDef | None = None) -> tuple[FormDef, Values, list[str]]:
    """Values for next year's sheet and the ids of the fields copied from ``src``."""
    src_fy = fiscal_year(src_form, src)
    if dst_form is None:
        dst_form = form_for_year(src_fy + 1) if src_fy else src_form
    out: Values = {}
    carried: list[str] = []
    for f in dst_form.input_fields:
        policy = f.carry
        if policy == "never":
            continue
        if policy == "next_year":
            if src_fy is not None:
                out[f.id] = src_fy + 1
            continue
        source_id = policy[5:] if policy.startswith("from:") else f.id
        if source_id not in src_form.by_id or fieldtypes.is_empty(src.get(source_id)):
            continue
        value = normalize(f, src[source_id], dst_form)
        if value is None or not fieldtypes.is_canonical(f, value, dst_form.grades):
            continue  # a value that does not fit the new format is not carried
        out[f.id] = value
        carried.append(f.id)
    return dst_form, out, carried
