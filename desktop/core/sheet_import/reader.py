"""Text → values: the plan (``plan.py``) matched against extracted text.

Labels are located in print order, each within the part of the text its parent
owns, so a short label (「通貨」, 「DO」) is only looked for where it can be. Whatever
a field does not take is *unplaced* and reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.core import fieldtypes, formatting
from desktop.core import values as values_mod
from desktop.core.definition import Field, FormDef, all_forms
from desktop.core.i18n import _
from desktop.core.sheet_import import patterns, plan
from desktop.core.sheet_import import text as textmod

RECOVERED, EMPTY, UNCERTAIN, MISSING = "recovered", "empty", "uncertain", "missing"


@dataclass
class FieldResult:
    field_id: str
    label: str
    status: str  # recovered / empty / uncertain / missing
    value: Any = None
    source: str = ""  # the text the value was read from
    reason: str = ""


@dataclass
class ImportResult:
    form: FormDef
    values: dict[str, Any]
    fields: list[FieldResult]
    unplaced: list[str]
    findings: list[str] = field(default_factory=list)  # computed values printed differently
    score: float = 1.0

    def by_status(self, status: str) -> list[FieldResult]:
        return [f for f in self.fields if f.status == status]

    @property
    def imported_fields(self) -> list[str]:
        return [f.field_id for f in self.fields if f.status in (RECOVERED, UNCERTAIN)]

    def note(self) -> str:
        """What the officer sees beside the form: text that found no field, and the findings."""
        parts = [*self.unplaced]
        return "\n\n".join(parts)


class _Run:
    def __init__(self, form: FormDef, doc: textmod.Doc):
        self.form = form
        self.doc = doc
        self.raw: dict[str, str] = {}  # field id → the printed text it was read from
        self.printed: dict[str, str] = {}  # computed field id → the printed value
        self.missing: set[str] = set()
        self.suspect: dict[str, str] = {}  # field id → the label missing after it (its text may be mixed in)
        self.fy: int | None = None
        self.labels = _label_set(form)

    # ---------------------------------------------------------------- helpers
    def variables(self) -> dict[str, str]:
        return formatting.label_variables(self.fy) if self.fy else {}

    def fill(self, label: str) -> str:
        if self.fy:
            return values_mod.fill_label(self.form, {self.form.fiscal_year_field: self.fy}, label)
        return label

    def anchor_regex(self, label: str) -> re.Pattern[str]:
        filled = self.fill(label)
        parts = re.split(r"\{[a-z_0-9]+\}", filled)
        body = r"\s*\S{0,12}?\s*".join(textmod.literal_regex(p) for p in parts)
        return re.compile(body)

    # ---------------------------------------------------------------- matching
    def locate(self, nodes: list[plan.Node], start: int, end: int) -> tuple[int, list[tuple[plan.Node, int, int] | None]]:
        """Find each node's label in order within [start, end); returns where the first one starts."""
        work = self.doc.working()
        pos = start
        found: list[tuple[int, int] | None] = []
        for node in nodes:
            if node.anchor is None:
                found.append(None)
                continue
            m = self.anchor_regex(node.anchor).search(work, pos, end) if node.anchor.strip() else None
            if m is None:
                # a section whose title is not printed starts where its first label is
                first = self.probe(node.children, pos, end) if node.kind == "section" else None
                found.append(None if first is None else (first, first))
                if first is not None:
                    pos = first
                continue
            found.append((m.start(), m.end()))
            self.doc.consume(m.start(), m.end())
            pos = m.end()
        self.follow_moved(nodes, found, end)
        starts = sorted(f[0] for f in found if f is not None)
        lead_end = starts[0] if starts else end
        spans: list[tuple[plan.Node, int, int] | None] = []
        cursor = start
        for i, node in enumerate(nodes):
            hit = found[i]
            after = hit[0] if hit is not None else cursor
            nxt = next((x for x in starts if x > after), end) if hit is not None else \
                next((f[0] for f in found[i + 1:] if f is not None), end)
            if hit is not None:
                spans.append((node, hit[1], nxt))
                cursor = nxt
            elif node.anchor is None:
                spans.append((node, cursor, nxt))
            else:
                spans.append(None)
        return lead_end, spans

    def follow_moved(self, nodes: list[plan.Node], found: list[tuple[int, int] | None], end: int) -> None:
        """A value too long for its cell is printed under the grid with its label again; the cell says
        「（下欄のとおり）」. Such a node's text is where its label comes again."""
        work = self.doc.working()
        starts = sorted(f[0] for f in found if f is not None)
        for i, node in enumerate(nodes):
            hit = found[i]
            if hit is None or not node.anchor:
                continue
            nxt = next((x for x in starts if x > hit[0]), end)
            sub = textmod.literal_regex(self.fill(node.sublabel)) if node.sublabel else ""
            m = re.compile(rf"\s*(?:{sub})?" + _MOVED.pattern if sub else _MOVED.pattern).match(work, hit[1], nxt)
            if m is None:
                continue
            again = self.anchor_regex(node.anchor).search(work, m.end(), end)
            if again is None:
                continue
            self.doc.consume(hit[1], m.end())
            self.doc.consume(again.start(), again.end())
            found[i] = (again.start(), again.end())
            work = self.doc.working()

    def probe(self, nodes: list[plan.Node], start: int, end: int) -> int | None:
        """Where the first label of ``nodes`` (or of their children) is, without taking it."""
        work = self.doc.working()
        for node in nodes:
            if node.anchor and node.anchor.strip():
                m = self.anchor_regex(node.anchor).search(work, start, end)
                if m is not None:
                    return m.start()
            inner = self.probe(node.children, start, end)
            if inner is not None:
                return inner
        return None

    def run(self, nodes: list[plan.Node], start: int, end: int) -> None:
        _lead, spans = self.locate(nodes, start, end)
        self.note_suspects(nodes, spans)
        for node, span in zip(nodes, spans, strict=True):
            if span is None:
                self.mark_missing(node)
                continue
            self.process(span[0], span[1], span[2])

    def note_suspects(self, nodes: list[plan.Node], spans: list[tuple[plan.Node, int, int] | None]) -> None:
        """When a label is missing, the text under it ran into the part before it: flag that part's fields."""
        prev: plan.Node | None = None
        for node, span in zip(nodes, spans, strict=True):
            if span is None and prev is not None and node.anchor:
                for fid in _fields_of(prev):
                    self.suspect.setdefault(fid, self.fill(node.anchor).split("\n")[0])
            elif span is not None:
                prev = node

    def mark_missing(self, node: plan.Node) -> None:
        if node.field is not None:
            self.missing.add(node.field.id)
        for fid in plan.placeholders(node.template):
            self.missing.add(fid)
        for p in node.patterns:
            self.missing.update(plan.placeholders(p))
        for child in node.children:
            self.mark_missing(child)

    def drop_continued(self, node: plan.Node, start: int, end: int) -> None:
        """A long cell split across pages repeats its label with 「（続き）」: that is not content."""
        if not node.anchor:
            return
        head = self.anchor_regex(node.anchor).pattern
        optional = "" if node.children else "?"  # a bare 「（続き）」 belongs to the innermost cell
        rx = re.compile(rf"(?:{head}){optional}\s*\(\s*続\s*き\s*\)")
        work = self.doc.working()
        for m in list(rx.finditer(work, start, end)):
            self.doc.consume(m.start(), m.end())

    def process(self, node: plan.Node, start: int, end: int) -> None:
        self.drop_continued(node, start, end)
        for p in node.patterns:
            self.match_pattern(p, start, end)
        if node.rating is not None:
            self.find_rating(node.rating, start, end)
        if node.sublabel and not self.match_pattern(node.sublabel, start, end, prefix=True) \
                and not self.match_pattern(self.fill(node.sublabel), start, end):
            self.consume_scattered(self.fill(node.sublabel), start, end)
        lead_end = end
        if node.children:
            lead_end, spans = self.locate(node.children, start, end)
            self.note_suspects(node.children, spans)
            for child, span in zip(node.children, spans, strict=True):
                if span is None:
                    self.mark_missing(child)
                else:
                    self.process(child, span[1], span[2])
        if node.template:
            self.match_cell(node.template, start, lead_end)
        elif node.field is not None:
            self.raw[node.field.id] = self.doc.remaining(start, lead_end)
            self.doc.consume(start, lead_end)

    def match_pattern(self, template: str, start: int, end: int, *, prefix: bool = False) -> bool:
        if prefix:
            tpl = patterns.compile_template(self.form, self.fill(template), self.variables(), whole=False)
            m = re.compile(r"\s*" + tpl.regex.pattern, re.DOTALL).match(self.doc.working(), start, end)
            if m:
                self.doc.consume(m.start(), m.end())
            return m is not None
        tpl = patterns.compile_template(self.form, template, self.variables(), whole=False)
        work = self.doc.working()
        best: re.Match[str] | None = None
        for m in tpl.regex.finditer(work, start, end):
            if not m.group(0).strip():
                continue
            if tpl.literal:
                best = m
                break
            got = sum(1 for g in m.groups() if g is not None and g.strip())
            if got and (best is None or got > sum(1 for g in best.groups() if g is not None and g.strip())):
                best = m
        if best is None:
            for fid in tpl.fields:
                self.missing.add(fid)
            return False
        self.take(tpl, best)
        return True

    def consume_scattered(self, label: str, start: int, end: int) -> bool:
        """A label column's lines that extraction interleaved with the cell beside it: each line of the
        label is a whole line, or the start or end of a line, in order. Consumed only when all of it is found."""
        want = textmod.squeeze(label)
        work = self.doc.working()
        taken: list[tuple[int, int]] = []
        rest = want
        for m in re.finditer(r"[^\n]+", work[start:end]):
            if not rest:
                break
            ls, le = start + m.start(), start + m.end()
            line = textmod.squeeze(work[ls:le])
            if not line:
                continue
            if rest.startswith(line):
                taken.append((ls, le))
                rest = rest[len(line):]
                continue
            k = next((k for k in range(min(len(rest), len(line)), 2, -1) if line.endswith(rest[:k])), 0) if taken else 0
            if k:
                taken.append((self._back(ls, le, k), le))
                rest = rest[k:]
                continue
            k = next((k for k in range(min(len(rest), len(line)), 2, -1) if line.startswith(rest[:k])), 0)
            if k and not taken:
                taken.append((ls, self._forward(ls, le, k)))
                rest = rest[k:]
        if rest:
            return False
        for s, e in taken:
            self.doc.consume(s, e)
        return True

    def _back(self, ls: int, le: int, k: int) -> int:
        i = le
        while k and i > ls:
            i -= 1
            if not self.doc.work[i].isspace():
                k -= 1
        return i

    def _forward(self, ls: int, le: int, k: int) -> int:
        i = ls
        while k and i < le:
            if not self.doc.work[i].isspace():
                k -= 1
            i += 1
        return i

    def match_cell(self, template: str, start: int, end: int) -> None:
        tpl = patterns.compile_template(self.form, template, self.variables(), whole=True)
        m = tpl.regex.fullmatch(self.doc.working(), start, end)
        if m is None:
            # the cell's text does not have the printed shape: all of it goes to the first field, flagged
            if tpl.fields:
                fid = tpl.fields[0]
                self.raw[fid] = self.doc.remaining(start, end)
                self.doc.consume(start, end)
            return
        self.take(tpl, m)

    def take(self, tpl: patterns.Template, m: re.Match[str]) -> None:
        for i, fid in enumerate(tpl.fields, 1):
            if m.group(i) is None:
                continue
            s, e = m.span(i)
            raw = self.doc.remaining(s, e)
            f = self.form.by_id[fid]
            if f.computed:
                self.printed.setdefault(fid, raw)
            elif fid == self.form.fiscal_year_field and self.fy is None:
                self.raw.setdefault(fid, raw)
                value, _problem = read_value(self.form, f, raw, self.labels)
                if isinstance(value, int):
                    self.fy = value
            else:
                self.raw.setdefault(fid, raw)
        self.doc.consume(m.start(), m.end())

    def find_rating(self, f: Field, start: int, end: int) -> None:
        grades = self.form.grades[f.scale].values if f.scale in self.form.grades else ()
        if not grades:
            return
        alts = "|".join(re.escape(g) for g in grades)
        rx = re.compile(rf"^[ \t]*({alts})[ \t]*$", re.MULTILINE)
        m = rx.search(self.doc.working(), start, end)
        if m:
            self.raw[f.id] = self.doc.original(*m.span(1))
            self.doc.consume(m.start(), m.end())


def _fields_of(node: plan.Node) -> list[str]:
    out = [node.field.id] if node.field is not None else []
    out += plan.placeholders(node.template)
    if node.children:
        out += _fields_of(node.children[-1])  # the text of a missing next label runs into the last child
    return out


def _label_set(form: FormDef) -> frozenset[str]:
    out: set[str] = set()
    for f in form.fields:
        out.add(textmod.squeeze(f.display_label))
        out.add(textmod.squeeze(f.label))
    for g in form.groups.values():
        out.add(textmod.squeeze(g.display_label))
        for row in g.rows:
            for c in row:
                out.add(textmod.squeeze(c.label))
    for s in form.sections:
        out.add(textmod.squeeze(s.title))
    return frozenset(x for x in out if x)


_MOVED = re.compile(r"\s*\(\s*下\s*欄\s*の\s*と\s*お\s*り\s*\)\s*")  # the printer's 「（下欄のとおり）」
_ERA_WESTERN = re.compile(r"[（(]\s*(\d{4})\s*年?\s*[）)]")


def read_value(form: FormDef, f: Field, raw: str, labels: frozenset[str] = frozenset()) -> tuple[Any, str]:
    """The stored value for printed text ``raw``; a problem text when it could not be read exactly."""
    t = f.type
    if t == "text":
        return textmod.paragraphs(raw, labels) or None, ""
    if t == "short":
        return textmod.single_line(raw, labels) or None, ""
    if t == "lines":
        items = [textmod.tidy_spaces(x) for x in textmod.clean_lines(raw, labels)]
        return items or None, ""
    flat = textmod.squeeze(" ".join(textmod.clean_lines(raw, labels)))
    if not flat:
        return None, ""
    if t == "checks":
        return _read_checks(f, raw)
    if t in ("choice", "yn", "rating", "flag"):
        return _read_choice(form, f, flat)
    if t in ("fy", "ym", "fy_or_period"):
        m = _ERA_WESTERN.search(flat)
        if m and t == "fy":
            flat = m.group(1)
        elif m:
            flat = _ERA_WESTERN.sub("", flat)
            flat = re.sub(r"^(?:明治|大正|昭和|平成|令和)(?:元|\d+)年", m.group(1) + "年", flat)
        flat = re.sub(r"^対象(?:期間|年度)[:：]", "", flat)
    if t in ("int", "money", "decimal", "pct") and form.percent_sign:
        flat = flat.removesuffix("%").removesuffix("％")
    try:
        return fieldtypes.parse(f, flat, form.grades), ""
    except fieldtypes.ParseError as exc:
        return textmod.single_line(raw, labels), str(exc)


def _read_choice(form: FormDef, f: Field, flat: str) -> tuple[Any, str]:
    opts = fieldtypes.options(f, form.grades)
    if f.type == "flag":
        if flat[0] in patterns.BOXES:
            return flat[0] in patterns.CHECKED, ""
    elif any(c in flat for c in patterns.BOXES):
        picked = [o for o in opts if re.search(f"[{patterns.CHECKED}]" + re.escape(textmod.squeeze(o)), flat)]
        if len(picked) == 1:
            return picked[0], ""
        if not picked:
            return None, ""
        return None, _("印の付いた選択肢が複数あります：{items}").format(items="，".join(picked))
    try:
        return fieldtypes.parse(f, flat, form.grades), ""
    except fieldtypes.ParseError:
        hits = [o for o in opts if textmod.squeeze(o) in flat]
        if len(hits) == 1:
            return hits[0], _("選択肢の前後に別の文字があります")
        return flat, _("選択肢として読めません：{text}").format(text=textmod.excerpt(flat, 30))


def _read_checks(f: Field, raw: str) -> tuple[Any, str]:
    flat = textmod.squeeze(raw)
    picked: list[str] = []
    for o in sorted(f.choices, key=len, reverse=True):
        m = re.search(f"([{patterns.BOXES}])" + re.escape(textmod.squeeze(o)), flat)
        if m and m.group(1) in patterns.CHECKED:
            picked.append(o)
    if not any(c in flat for c in patterns.BOXES):
        hits = [o for o in f.choices if textmod.squeeze(o) in flat]
        return (hits or None), (_("印のない一覧から読みました") if hits else "")
    return [o for o in f.choices if o in picked] or None, ""


def other_text(f: Field, raw: str) -> str:
    """「☑ その他（ 内容 ）」: the text of a checks field's 「その他」."""
    if not f.other_choice:
        return ""
    other = re.escape(f.other_choice)
    if re.search(other + r"\s*[（(]\s*下\s*欄\s*の\s*と\s*お\s*り\s*[）)]", raw):
        m = re.search(other + r"\s*[:：]([^☐☑]*)$", raw.strip())  # a long 「その他」 text printed under the grid
    else:
        m = re.search(other + r"\s*[（(]([^☐☑]*)[）)]", raw)
    return textmod.single_line(m.group(1)) if m else ""


# ------------------------------------------------------------------ entry points
def detect(text: str) -> tuple[FormDef | None, float]:
    """The installed format whose labels the text holds best (score: share of its labels found)."""
    flat = textmod.squeeze(textmod.prepare(text))
    best: tuple[FormDef | None, float] = (None, 0.0)
    for form in all_forms().values():
        labels = [textmod.squeeze(re.sub(r"\{[a-z_0-9]+\}", "", a)) for a in plan.anchors(plan.build(form))]
        labels = [a for a in labels if len(a) >= 2]
        if not labels:
            continue
        score = sum(1 for a in labels if a in flat) / len(labels)
        title = textmod.squeeze(re.sub(r"\{[a-z_0-9]+\}", "", form.title))
        if title and title in flat:
            score += 0.05
        if score > best[1]:
            best = (form, score)
    return best


def read_text(text: str, form: FormDef) -> ImportResult:
    doc = textmod.Doc(textmod.prepare(text))
    run = _Run(form, doc)
    for m in re.finditer(r"(?m)^[ \t]*\d{1,4}[ \t]*/[ \t]*\d{1,4}[ \t]*$", doc.norm):  # page footers 「n / N」
        doc.consume(m.start(), m.end())
    nodes = plan.build(form)
    run.run(nodes, 0, len(doc.norm))
    return _result(run, form)


def _result(run: _Run, form: FormDef) -> ImportResult:
    values: dict[str, Any] = {}
    results: list[FieldResult] = []
    label_anchors = {f.id: textmod.squeeze(run.fill(f.display_label)) for f in form.input_fields}
    for f in form.input_fields:
        label = run.fill(f.display_label)
        if f.print == "inline":
            continue
        raw = run.raw.get(f.id)
        if raw is None:
            status = MISSING if f.id in run.missing else EMPTY
            results.append(FieldResult(f.id, label, status, reason=_("ラベルが見つかりません") if status == MISSING else ""))
            continue
        value, problem = read_value(form, f, raw, run.labels)
        if value is None and not problem:
            results.append(FieldResult(f.id, label, EMPTY, source=textmod.excerpt(raw)))
            continue
        if not problem and f.max_length and isinstance(value, str) and len(value) > f.max_length:
            problem = _("{n} 文字あり，上限 {max} 文字を超えています").format(n=len(value), max=f.max_length)
        if not problem and f.id in run.suspect:
            problem = _("次のラベル「{label}」が見つからないため，その内容が混じっている可能性があります").format(
                label=textmod.excerpt(run.suspect[f.id], 30))
        if not problem and f.type in ("text", "short") and isinstance(value, str):
            flat = textmod.squeeze(value)
            other = [fid for fid, lab in label_anchors.items()
                     if fid != f.id and fid in run.missing and len(lab) >= 8 and lab in flat]
            if other:
                problem = _("次の項目の文字が混じっている可能性があります（{field}）").format(field=other[0])
        values[f.id] = value
        results.append(FieldResult(f.id, label, UNCERTAIN if problem else RECOVERED, value,
                                   textmod.excerpt(raw), problem))
        if f.other_field and f.type == "checks":
            extra = other_text(f, raw)
            if extra:
                values[f.other_field] = extra
                results.append(FieldResult(f.other_field, run.fill(form.by_id[f.other_field].label), RECOVERED,
                                           extra, textmod.excerpt(raw)))
    findings = _check_computed(form, values, run.printed)
    unplaced = _unplaced(run)
    return ImportResult(form, values, results, unplaced, findings)


def _check_computed(form: FormDef, values: dict[str, Any], printed: dict[str, str]) -> list[str]:
    normalized = values_mod.normalize_values(form, values)
    computed = values_mod.compute(form, normalized)
    out: list[str] = []
    for fid, raw in printed.items():
        shown = textmod.squeeze(raw)
        if not shown or shown in ("－", "-"):
            continue
        c = computed.get(fid)
        ours = c.rounded if c is not None else None
        try:
            theirs: Decimal | None = Decimal(str(fieldtypes.parse_number(
                shown.removesuffix("%").removesuffix("％"), decimal=True)))
        except fieldtypes.ParseError:
            theirs = None
        if ours is None or theirs is None or ours.compare(theirs) != 0:
            label = values_mod.fill_label(form, values, form.by_id[fid].label)
            out.append(_("{label}（{field}）：元の文書では {theirs}，hyoka の計算では {ours}").format(
                label=label, field=fid, theirs=textmod.excerpt(raw, 30), ours=c.text if c and c.text else _("空欄")))
    return out


_NOISE = re.compile(r"[\s\d()（）:：、，,.。・☐☑□\-－%％名年月度/]*")


def _unplaced(run: _Run) -> list[str]:
    doc = run.doc
    work = doc.working()
    labels = sorted(run.labels | {textmod.squeeze(run.fill(x)) for x in run.labels}, key=len, reverse=True)
    labels += [textmod.squeeze(run.fill(f.label)) for f in run.form.fields]
    labels += [textmod.squeeze(run.fill(g.label)) for g in run.form.groups.values()]
    title = textmod.squeeze(run.fill(run.form.title))
    out: list[str] = []
    for m in re.finditer(r"\S(?:.*\S)?(?:\n\s*\S.*)*", work):
        chunk = doc.original(m.start(), m.end())
        lines = textmod.clean_lines(chunk, run.labels)
        if not lines:
            continue
        flat = textmod.squeeze("".join(lines))
        rest = flat
        for lab in [title, *labels]:
            if lab and len(lab) >= 2:
                rest = rest.replace(lab, "")
        if _NOISE.fullmatch(rest) and (rest != flat or len(flat) <= 2):
            continue
        out.append(textmod.paragraphs("\n".join(lines)))
    return out


def _flat(value: Any) -> str:
    if isinstance(value, list):
        value = "".join(str(v) for v in value)
    return re.sub(r"\s+", "", "" if value is None else str(value))


def agreement(form: FormDef, expected: dict[str, Any], got: dict[str, Any]) -> tuple[int, int, list[str]]:
    """How many of ``expected``'s non-empty input fields ``got`` has equal, whitespace ignored."""
    ok, total, differ = 0, 0, []
    for fid, value in expected.items():
        f = form.by_id.get(fid)
        if f is None or f.computed or fieldtypes.is_empty(value):
            continue
        total += 1
        if _flat(got.get(fid)) == _flat(value):
            ok += 1
        else:
            differ.append(fid)
    return ok, total, differ
