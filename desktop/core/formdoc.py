"""``hyoka forms doc``: a Markdown reference generated from a format file, so the
documentation of a format can never disagree with the format (qutebrowser's settings
documentation is generated from its one settings file the same way)."""

from __future__ import annotations

import json
from typing import Any

from desktop.core.definition import NUMBER_TYPES, Field, FormDef


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _limits(f: Field) -> str:
    parts = []
    if f.max_length is not None:
        parts.append(f"≤ {f.max_length} 字")
    if f.type in NUMBER_TYPES:
        if f.min is not None:
            parts.append(f"≥ {f.min}")
        if f.max is not None:
            parts.append(f"≤ {f.max:,}")
    if f.choices:
        parts.append("選択肢：" + "／".join(f.choices))
    if f.scale:
        parts.append(f"評語：{f.scale}")
    return "，".join(parts)


def _rules(f: Field) -> str:
    parts = []
    if f.compute is not None:
        parts.append(f"計算：`{f.compute.source}`")
    if f.applies_when is not None:
        parts.append(f"`{f.applies_when.source}` のときだけ記入")
    if f.required_when is not None:
        parts.append(f"`{f.required_when.source}` のとき必須")
    if f.dash_unless is not None:
        parts.append(f"`{f.dash_unless.source}` でなければ「－」")
    for c in f.checks:
        parts.append(f"`{c.when.source}` のとき{'エラー' if c.severity == 'error' else '警告'}「{c.message}」")
    if f.carry != "copy":
        parts.append(f"前年度から：{f.carry}")
    return "；".join(parts)


def _carry(raw: Any, depth: int = 0) -> list[str]:
    """A carry mapping table (declared by the format file), rendered generically."""
    pad = "  " * depth
    if isinstance(raw, dict):
        out = []
        for key, value in raw.items():
            nested = isinstance(value, dict) or (isinstance(value, list) and any(isinstance(x, dict | list) for x in value))
            if nested and value:
                out.append(f"{pad}- `{key}`:")
                out.extend(_carry(value, depth + 1))
            else:
                out.append(f"{pad}- `{key}` ← {json.dumps(value, ensure_ascii=False)}")
        return out
    if isinstance(raw, list):
        return [line for item in raw for line in _carry(item, depth)]
    return [f"{pad}- {json.dumps(raw, ensure_ascii=False)}"]


def markdown(form: FormDef, raw: dict[str, Any] | None = None) -> str:
    """The format as Markdown: sections, fields, limits, rules, formulas, grade scales, upgrades, carry."""
    lines = [f"# {form.name}（{form.id} 第{form.version}版）", ""]
    if form.title:
        lines += [f"表題：{form.title}", ""]
    if form.first_fiscal_year or form.last_fiscal_year:
        lines += [f"対象年度：{form.first_fiscal_year or ''}〜{form.last_fiscal_year or ''}", ""]
    tabs = {t.id: t.label for t in form.tabs}
    for s in form.sections:
        lines += [f"## {s.title or tabs.get(s.tab, s.id)}（{s.id}）", "",
                  "| 番号 | 項目 ID | ラベル | 型 | 単位 | 制限 | 必須 | 規則・計算 |",
                  "|---|---|---|---|---|---|---|---|"]
        for f in s.fields:
            lines.append("| " + " | ".join(_cell(x) for x in (
                f.number, f"`{f.id}`", f.label, f.type, f.unit, _limits(f), "必須" if f.required else "",
                _rules(f))) + " |")
        lines.append("")
    if form.grades:
        lines += ["## 評語", ""]
        for name, g in form.grades.items():
            lines.append(f"- `{name}`：{'／'.join(g.values)}（未評価：{g.not_rated}）")
            lines += [f"  - {grade}：{text}" for grade, text in g.meanings.items()]
        lines.append("")
    if form.upgrades:
        lines += ["## 旧版のシートの読み方", ""]
        for u in form.upgrades:
            renamed = "，".join(f"`{a}` → `{b}`" for a, b in u.renamed) or "なし"
            removed = "，".join(f"`{r}`" for r in u.removed) or "なし"
            lines.append(f"- 第{u.from_version}版から：名前の変更 {renamed}；削除（値はメモに残す） {removed}")
        lines.append("")
    carry = (raw or {}).get("carry")
    if carry:
        lines += ["## 前年度様式からの引き継ぎ", "", *_carry(carry), ""]
    return "\n".join(lines)
