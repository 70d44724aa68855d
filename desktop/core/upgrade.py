"""Reading a sheet made with an older version of its format: the newer version's
``[[upgrades]]`` rename fields; a removed field's value stays in the stored values and is
written into the sheet's note of unplaced text, so nothing is dropped silently."""

from __future__ import annotations

import json
from typing import Any

from desktop.core.definition import FormDef

NOTE_HEADING = "旧版の様式から移せなかった内容"


def upgrade_values(form: FormDef, values: dict[str, Any], from_version: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values renamed for ``form``'s version, and the removed fields' values (also kept in the first)."""
    out = dict(values)
    removed: dict[str, Any] = {}
    for u in form.upgrades:
        if u.from_version < from_version:
            continue
        renames = dict(u.renamed)
        out = {renames.get(k, k): v for k, v in out.items()}
        removed.update({r: out[r] for r in u.removed if r in out})
    return out, removed


def upgrade_note(form: FormDef, from_version: int, removed: dict[str, Any]) -> str:
    """The note's section for the removed fields' values (empty when there are none)."""
    if not removed:
        return ""
    # Stored text, like the rest of the note: Japanese whatever the UI language.
    lines = [f"【{NOTE_HEADING}】（様式 {form.id} 第{from_version}版 → 第{form.version}版）"]
    for fid, value in removed.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{fid}：{text}")
    return "\n".join(lines)
