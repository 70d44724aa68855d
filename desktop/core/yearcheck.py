"""Checking a year's sheets together (the evaluation office's ``hyoka check --year``).

Report only; nothing is changed. What is reported:

- ``shared``: a field the format declares ``per_organization`` differs between
  sheets on the same organisation (:func:`identity.organization_key`, with the
  office's aliases): which sheets, which field, each value;
- ``duplicate``: the same contribution twice (:func:`identity.contribution_key`);
- ``rating``: a rating left empty;
- ``overdue``: a sheet still 作成中 after the deadline the office set for its year
  (``hyoka config deadline YEAR DATE``; none set, nothing reported);
- ``comment``: an open review comment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.core import fieldtypes
from desktop.core.definition import FormDef, all_forms
from desktop.core.i18n import _
from desktop.core.identity import AliasTable, contribution_key, organization_key
from desktop.core.store import Comment, Sheet, Store, StoreError
from desktop.core.values import fill_label

SHARED, DUPLICATE, RATING, OVERDUE, COMMENT = "shared", "duplicate", "rating", "overdue", "comment"
KINDS = (SHARED, DUPLICATE, RATING, OVERDUE, COMMENT)


@dataclass(frozen=True)
class YearFinding:
    kind: str
    field_id: str  # "" for the whole sheet
    sheets: tuple[int, ...]
    values: tuple[str, ...]  # one per sheet, in the order of ``sheets``
    message: str
    comment_id: str = ""

    def line(self) -> str:
        """``kind<TAB>field_id<TAB>sheets<TAB>values<TAB>message`` (values as ``#id=value`` joined by `` | ``)."""
        shown = " | ".join(f"#{sid}={v}" for sid, v in zip(self.sheets, self.values, strict=True))
        return "\t".join([self.kind, self.field_id or "-", ",".join(map(str, self.sheets)), shown, self.message])


def deadline_for(store: Store, year: int | None) -> date | None:
    """The date after which a 作成中 sheet of ``year`` is reported (``None``: none set)."""
    deadlines = store.get_setting("deadlines", {})
    if year is None or not isinstance(deadlines, dict):
        return None
    raw = deadlines.get(str(year))
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _shown(form: FormDef, field_id: str, value: Any) -> str:
    if fieldtypes.is_empty(value):
        return _("（空欄）")
    try:
        return fieldtypes.display(form.field(field_id), value, percent_sign=form.percent_sign)
    except Exception:  # a value the field cannot show (should not happen for stored values)
        return str(value)


def _comparable(value: Any) -> Any:
    if fieldtypes.is_empty(value):
        return None
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return tuple(value)
    return value


def load_year(store: Store, year: int | None) -> list[Sheet]:
    """The year's sheets (not deleted) with their values; damaged records and sheets of formats not
    installed are left out (``hyoka check`` reports them separately)."""
    forms = all_forms()
    out = []
    for s in store.list_sheets(year=year):
        if s.format not in forms:
            continue
        try:
            out.append(store.get_sheet(s.id))
        except StoreError:
            continue
    return out


def check_year(store: Store, year: int | None = None, *, today: date | None = None,
               sheets: list[Sheet] | None = None) -> list[YearFinding]:
    """Every finding for the sheets of ``year`` (every year when ``None``), in a stable order."""
    sheets = load_year(store, year) if sheets is None else sheets
    aliases = AliasTable.from_mapping(store.org_aliases())
    today = today or date.today()
    findings: list[YearFinding] = []

    by_org: dict[tuple[int | None, str], list[Sheet]] = defaultdict(list)
    by_contribution: dict[tuple[int | None, str], list[Sheet]] = defaultdict(list)
    for s in sheets:
        if (okey := organization_key(s.fiscal_year, s.organization, aliases)) is not None:
            by_org[okey].append(s)
        if (ckey := contribution_key(s.fiscal_year, s.contribution)) is not None:
            by_contribution[ckey].append(s)

    for (fy, org), group in sorted(by_org.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        if len(group) < 2:
            continue
        shared: list[str] = []
        for s in group:
            for f in s.form.input_fields:
                if f.per_organization and f.id not in shared:
                    shared.append(f.id)
        for fid in shared:
            having = sorted((s for s in group if fid in s.form.by_id), key=lambda s: s.id)
            if len(having) < 2 or len({repr(_comparable(s.values.get(fid))) for s in having}) < 2:
                continue
            label = fill_label(having[0].form, having[0].values, having[0].form.field(fid).label)
            findings.append(YearFinding(
                SHARED, fid, tuple(s.id for s in having),
                tuple(_shown(s.form, fid, s.values.get(fid)) for s in having),
                _("{org}（{fy}年度）の「{label}」がシートによって違います。").format(org=org, fy=fy or "?", label=label)))

    for (fy, name), group in sorted(by_contribution.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        if len(group) > 1:
            findings.append(YearFinding(
                DUPLICATE, group[0].form.contribution_field, tuple(s.id for s in sorted(group, key=lambda s: s.id)),
                tuple(s.contribution for s in sorted(group, key=lambda s: s.id)),
                _("同じ拠出金（{fy}年度「{name}」）のシートが {n} 件あります。").format(fy=fy or "?", name=name, n=len(group))))

    counts = store.open_comment_counts()
    comments = store.all_comments([s.id for s in sheets if counts.get(s.id)]) if counts else {}
    for s in sorted(sheets, key=lambda s: s.id):
        form = s.form
        for f in form.input_fields:
            if f.type == "rating" and fieldtypes.is_empty(s.values.get(f.id)):
                findings.append(YearFinding(RATING, f.id, (s.id,), (_("（空欄）"),),
                                            _("{name}：「{label}」が入力されていません。").format(
                                                name=s.contribution or s.uuid[:8], label=f.label)))
        deadline = deadline_for(store, s.fiscal_year)
        if deadline is not None and s.status == "draft" and today > deadline:
            findings.append(YearFinding(OVERDUE, "", (s.id,), (_("作成中"),),
                                        _("{name}：期限 {deadline} を過ぎても作成中です。").format(
                                            name=s.contribution or s.uuid[:8], deadline=deadline.isoformat())))
        c: Comment
        for c in comments.get(s.id, []):
            if c.is_open:
                findings.append(YearFinding(COMMENT, c.field_id, (s.id,), (c.text,),
                                            _("{name}：未解決の指摘（{author}，{date}）").format(
                                                name=s.contribution or s.uuid[:8], author=c.author or _("記入者不明"),
                                                date=c.created[:10]), comment_id=c.id))
    return findings
