"""Where each field sits in a printed sheet, built from the format definition alone.

The plan is a tree in print order: sections (anchored by their title), numbered
fields and groups (anchored by 「１ 拠出金名」, 「3-2 機関全体の財政状況」…), grid cells
(anchored by their label 「予算額」, read back through the cell's value template) and
the ``import_patterns`` a format declares for parts printed without labels.
"""

from __future__ import annotations

import dataclasses
import string
from dataclasses import dataclass

from desktop.core.definition import Field, FormDef, Group, Section


@dataclass
class Node:
    kind: str  # section | group | field | cell
    anchor: str | None  # label text as printed (label variables not yet filled)
    field: Field | None = None
    template: str = ""  # a cell's or an inline group's value
    patterns: tuple[str, ...] = ()
    rating: Field | None = None
    sublabel: str = ""
    children: list[Node] = dataclasses.field(default_factory=list)
    name: str = ""


def placeholders(template: str) -> list[str]:
    try:
        return [name for _lit, name, _s, _c in string.Formatter().parse(template) if name]
    except ValueError:
        return []


def covered_fields(form: FormDef) -> set[str]:
    """Fields read through a template (cells, inline groups, import_patterns), not by their own label."""
    out: set[str] = set()
    for g in form.groups.values():
        for row in g.rows:
            for cell in row:
                out.update(placeholders(cell.value))
        out.update(placeholders(g.value))
        for p in g.import_patterns:
            out.update(placeholders(p))
    for s in form.sections:
        for p in s.import_patterns:
            out.update(placeholders(p))
    return out & set(form.by_id)


def _section_rating(s: Section, form: FormDef) -> Field | None:
    if s.rating_field:
        return form.by_id.get(s.rating_field)
    if s.print == "rating_box":
        return next((f for f in s.fields if f.type == "rating"), None)
    return None


def build(form: FormDef) -> list[Node]:
    covered = covered_fields(form)
    top: list[Node] = []
    for s in form.sections:
        rating = _section_rating(s, form)
        items = _items(form, s, covered, rating)
        if s.title.strip():
            top.append(Node("section", s.title, patterns=s.import_patterns, rating=rating, children=items, name=s.id))
        else:
            if s.import_patterns or rating is not None:
                top.append(Node("section", None, patterns=s.import_patterns, rating=rating, name=s.id))
            top.extend(items)
    return top


def _root(form: FormDef, g: Group) -> Group:
    seen = {g.id}
    while g.parent and g.parent in form.groups and g.parent not in seen:
        g = form.groups[g.parent]
        seen.add(g.id)
    return g


def _items(form: FormDef, s: Section, covered: set[str], rating: Field | None) -> list[Node]:
    out: list[Node] = []
    done: set[str] = set()
    for f in s.fields:
        if f.group and f.group in form.groups:
            root = _root(form, form.groups[f.group])
            if root.id not in done:
                done.add(root.id)
                out.append(_group_node(form, s, root, covered))
            continue
        node = _field_node(f, covered, rating)
        if node is not None:
            out.append(node)
    return out


def _field_node(f: Field, covered: set[str], rating: Field | None) -> Node | None:
    if f.id in covered or f.print == "inline" or f.computed or (rating is not None and f.id == rating.id):
        return None
    return Node("field", f.display_label, field=f, sublabel=f.sublabel, name=f.id)


def _group_node(form: FormDef, s: Section, g: Group, covered: set[str]) -> Node:
    node = Node("group", g.display_label or None, template=g.value, patterns=g.import_patterns,
                sublabel=g.sublabel, name=g.id)
    for row in g.rows:
        for cell in row:
            # a two-line label prints its second line wherever the row's height allows (even on the next page)
            first, _nl, rest = cell.label.partition("\n")
            node.children.append(Node("cell", first, template=cell.value, sublabel=rest, name=f"{g.id}:{first}"))
    done: set[str] = set()
    for f in s.fields:
        if f.group == g.id:
            child = _field_node(f, covered, None)
            if child is not None:
                node.children.append(child)
        elif f.group in form.groups and form.groups[f.group].parent == g.id and f.group not in done:
            done.add(f.group)
            node.children.append(_group_node(form, s, form.groups[f.group], covered))
    return node


def anchors(nodes: list[Node]) -> list[str]:
    """Every label the plan looks for (for detecting the format)."""
    out: list[str] = []
    for n in nodes:
        if n.anchor:
            out.append(n.anchor)
        out.extend(anchors(n.children))
    return out
