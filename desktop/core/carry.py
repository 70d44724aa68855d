"""New sheet from last year's: which values are copied, rolled forward, joined or left out.

Each field declares its policy in the form file (``carry``): ``copy`` (default),
``never`` (yearly figures, ratings, results), ``next_year`` (the fiscal year) or
``from:<field>`` (roll a value into another column, e.g. this year's 日本人職員数
becomes next year's 過去３年 first column). Across formats the newer format file
declares where each older field goes (``[[carry_from]]``: target ← source or
sources, joined); ids that match are mapped by default, and the target's policy
still applies. Nothing is dropped silently: content that has no place in the new
format goes into the sheet's note, each piece under its old label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core import fieldtypes
from desktop.core.definition import FormDef, usable_forms
from desktop.core.i18n import _
from desktop.core.values import Values, display_value, fiscal_year, label_for, normalize

NOTE_HEADING = "前年度様式から移せなかった内容"

# Report rows: what happens to each piece of last year's sheet.
COPIED, JOINED, NOT_CARRIED, NO_PLACE = "copied", "joined", "not_carried", "no_place"


def form_for_year(fy: int) -> FormDef:
    """The newest format whose period includes ``fy``."""
    candidates = [
        f for f in usable_forms().values()
        if (f.first_fiscal_year or 0) <= fy and (f.last_fiscal_year is None or fy <= f.last_fiscal_year)
    ]
    if not candidates:
        candidates = list(usable_forms().values())
    return max(candidates, key=lambda f: f.first_fiscal_year or 0)


@dataclass(frozen=True)
class CarryItem:
    """One row of the report: ``target`` (new field, "" when none) and the old ``sources``."""

    kind: str
    target: str
    sources: tuple[str, ...]
    reason: str = ""


@dataclass
class CarryPlan:
    """What carrying ``src`` into ``dst_form`` does (Qt-free; the dry run shows it)."""

    src_form: FormDef
    dst_form: FormDef
    src: Values
    values: Values = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)
    items: list[CarryItem] = field(default_factory=list)

    def by_kind(self, kind: str) -> list[CarryItem]:
        return [i for i in self.items if i.kind == kind]

    def source_label(self, field_id: str) -> str:
        return label_for(self.src_form, self.src_form.field(field_id), self.src) or field_id

    def target_label(self, field_id: str) -> str:
        f = self.dst_form.field(field_id)
        return f"{f.number} {label_for(self.dst_form, f, self.values)}".strip()

    def note(self) -> str:
        """The new sheet's note of unplaced content: 「前年度様式から移せなかった内容」, item by old label."""
        parts = [
            f"【{self.source_label(s)}】\n{display_value(self.src_form, s, self.src)}"
            for item in self.by_kind(NO_PLACE) for s in item.sources
        ]
        if not parts:
            return ""
        head = f"{NOTE_HEADING}（{self.src_form.name} → {self.dst_form.name}）"
        return "\n\n".join([head, *parts])

    def report(self) -> str:
        """The dry-run report: a summary line, then ``kind<TAB>target<TAB>label<TAB>sources<TAB>reason``."""
        kinds = {COPIED: _("移す"), JOINED: _("まとめる"), NOT_CARRIED: _("引き継がない"), NO_PLACE: _("移す先なし")}
        lines = [
            _("前年度のシート：{src}（{src_fy}）→ 新しいシート：{dst}（{dst_fy}）").format(
                src=self.src_form.name, src_fy=fiscal_year(self.src_form, self.src) or "－",
                dst=self.dst_form.name, dst_fy=fiscal_year(self.dst_form, self.values) or "－"),
            _("移す {copied} 項目，まとめる {joined} 項目，引き継がない {never} 項目，移す先のない内容 {none} 項目").format(
                copied=len(self.by_kind(COPIED)), joined=len(self.by_kind(JOINED)),
                never=len(self.by_kind(NOT_CARRIED)), none=len(self.by_kind(NO_PLACE))),
            "",
        ]
        for item in sorted(self.items, key=lambda i: [NO_PLACE, JOINED, COPIED, NOT_CARRIED].index(i.kind)):
            sources = "，".join(f"{s}（{self.source_label(s)}）" for s in item.sources)
            label = self.target_label(item.target) if item.target else ""
            lines.append("\t".join([kinds[item.kind], item.target or "－", label, sources, item.reason]).rstrip())
        if self.by_kind(NO_PLACE):
            lines += ["", _("移す先のない内容は，新しいシートのメモ「{heading}」に残します。").format(heading=NOTE_HEADING)]
        return "\n".join(lines)


def _join(plan: CarryPlan, sources: list[str], how: str) -> str:
    texts = [(s, display_value(plan.src_form, s, plan.src).strip()) for s in sources]
    if how == "headings":
        return "\n\n".join(f"【{plan.source_label(s)}】\n{t}" for s, t in texts)
    return "\n\n".join(t for _s, t in texts)


def plan_carry(src_form: FormDef, src: Values, dst_form: FormDef | None = None) -> CarryPlan:
    """Values for next year's sheet from ``src``, with a row per field for the report."""
    src_fy = fiscal_year(src_form, src)
    if dst_form is None:
        dst_form = form_for_year(src_fy + 1) if src_fy else src_form
    plan = CarryPlan(src_form, dst_form, src)
    declared = {r.to: r for r in dst_form.carry_from.get(src_form.id, ())} if dst_form.id != src_form.id else {}
    placed: set[str] = set()
    for f in dst_form.input_fields:
        rule = declared.get(f.id)
        if rule is not None:
            sources = list(rule.sources)
        elif f.carry.startswith("from:"):
            sources = [f.carry[5:]]
        else:
            sources = [f.id]
        sources = [s for s in sources if s in src_form.by_id and not src_form.by_id[s].computed]
        filled = [s for s in sources if not fieldtypes.is_empty(src.get(s))]
        placed.update(sources)
        if f.carry == "next_year":
            if src_fy is not None:
                plan.values[f.id] = src_fy + 1
            continue
        if not filled:
            continue
        if f.carry == "never":
            plan.items.append(CarryItem(NOT_CARRIED, f.id, tuple(filled), _("毎年記入する項目")))
            continue
        raw = _join(plan, filled, rule.join) if len(filled) > 1 and rule is not None else src[filled[0]]
        value = normalize(f, raw, dst_form)
        if value is None or not fieldtypes.is_canonical(f, value, dst_form.grades):
            placed.difference_update(filled)  # does not fit the new field: kept in the note instead
            continue
        plan.values[f.id] = value
        plan.carried.append(f.id)
        kind = JOINED if len(filled) > 1 else COPIED
        plan.items.append(CarryItem(kind, f.id, tuple(filled), _("見出しを付けて") if kind == JOINED and
                                    rule is not None and rule.join == "headings" else ""))
    # a field the new format also has was left out by its own policy (a rolled-forward year), not lost
    placed.update(i for i in src_form.by_id if i in dst_form.by_id and i not in declared)
    for s in src_form.input_fields:
        if s.id not in placed and not fieldtypes.is_empty(src.get(s.id)) and s.id != src_form.fiscal_year_field:
            plan.items.append(CarryItem(NO_PLACE, "", (s.id,), display_value(src_form, s.id, src).replace("\n", " ")[:40]))
    return plan


def carry_over(src_form: FormDef, src: Values, dst_form: FormDef | None = None) -> tuple[FormDef, Values, list[str]]:
    """Values for next year's sheet and the ids of the fields copied from ``src``."""
    plan = plan_carry(src_form, src, dst_form)
    return plan.dst_form, plan.values, plan.carried
