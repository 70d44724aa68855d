"""A Word file laid out like the published sheet, built from a sheet's values (python-docx).

Divisions keep their sheets as Word files shaped like the PDF: the title, section
headings, 「１ 拠出金名」-style labels followed by the text, and bordered tables
for the grids. This builds one from the format definition so tests have a .docx
fixture without shipping a binary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from desktop.core import fieldtypes
from desktop.core import values as values_mod
from desktop.core.definition import FormDef
from desktop.core.sheet_import import plan


def _fill(form: FormDef, values: dict[str, Any], template: str, computed: dict[str, Any]) -> str:
    out = template
    for name in plan.placeholders(template):
        if name in form.by_id:
            text = values_mod.display_value(form, name, values, computed)
            out = out.replace("{" + name + "}", text.replace("{", "{{").replace("}", "}}"))
    return values_mod.fill_label(form, values, out)


def build_docx(form: FormDef, values: dict[str, Any], path: Path) -> Path:
    document = docx.Document()
    computed = values_mod.compute(form, values)
    fill = lambda t: _fill(form, values, t, computed)  # noqa: E731
    for s in form.sections:
        for p in s.import_patterns:
            document.add_paragraph(fill(p.strip("^$")))
        if s.title:
            document.add_paragraph(fill(s.title))
        if s.rating_field and values.get(s.rating_field):
            document.add_paragraph(str(values[s.rating_field]))
        done: set[str] = set()
        for f in s.fields:
            g = form.groups.get(f.group) if f.group else None
            if g is not None:
                root = g
                while root.parent:
                    root = form.groups[root.parent]
                if root.id in done:
                    continue
                done.add(root.id)
                _group(document, form, s, root, values, fill)
                continue
            if f.computed or f.print == "inline" or f.id in plan.covered_fields(form) or f.id == s.rating_field:
                continue
            if s.print == "rating_box":
                document.add_paragraph(str(values.get(f.id, "")))
                continue
            _field(document, form, f, values, fill)
    document.save(str(path))
    return path


def _field(document: Any, form: FormDef, f: Any, values: dict[str, Any], fill: Any) -> None:
    document.add_paragraph(fill(f.display_label))
    if f.sublabel:
        document.add_paragraph(fill(f.sublabel))
    v = values.get(f.id)
    if f.type == "checks":
        for row in f.grid or [[c] for c in f.choices]:
            parts = []
            for c in row:
                mark = "☑" if v and c in v else "☐"
                extra = f"（{values.get(f.other_field, '')}）" if c == f.other_choice else ""
                parts.append(f"{mark} {c}{extra}")
            document.add_paragraph("  ".join(parts))
        return
    if f.type == "choice" and f.widget == "checkboxes":
        document.add_paragraph("  ".join(("☑ " if v == c else "☐ ") + c for c in f.choices))
        return
    text = fieldtypes.display(f, v, percent_sign=form.percent_sign)
    if f.unit and text:
        text += f.unit
    for line in text.split("\n"):
        document.add_paragraph(line)


def _group(document: Any, form: FormDef, s: Any, g: Any, values: dict[str, Any], fill: Any) -> None:
    if g.display_label:
        document.add_paragraph(fill(g.display_label) + ("" if g.layout != "inline" else " " + fill(g.value)))
    if g.sublabel:
        document.add_paragraph(fill(g.sublabel))
    if g.rows:
        width = max(len(r) for r in g.rows) * 2
        table = document.add_table(rows=len(g.rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(g.rows):
            for c, cell in enumerate(row):
                table.cell(r, 2 * c).text = fill(cell.label)
                table.cell(r, 2 * c + 1).text = fill(cell.value)
    for p in g.import_patterns:
        # the header row and the numbers as a table, one cell per token of the pattern
        tokens = fill(p).split()
        table = document.add_table(rows=1, cols=len(tokens))
        for i, tok in enumerate(tokens):
            table.cell(0, i).text = tok
    covered = plan.covered_fields(form)
    for f in s.fields:
        if f.group == g.id and f.id not in covered and not f.computed:
            _field(document, form, f, values, fill)
    children = [c for c in form.groups.values() if c.parent == g.id]
    for c in children:
        _group(document, form, s, c, values, fill)
