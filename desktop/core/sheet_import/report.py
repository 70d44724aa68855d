"""The import report: per field recovered / empty / uncertain / missing, findings and unplaced text."""

from __future__ import annotations

from typing import Any

from desktop.core import fieldtypes
from desktop.core.i18n import _
from desktop.core.sheet_import.reader import EMPTY, MISSING, RECOVERED, UNCERTAIN, ImportResult
from desktop.core.sheet_import.text import excerpt


def status_label(status: str) -> str:
    return {RECOVERED: _("取り込み"), EMPTY: _("空欄"), UNCERTAIN: _("要確認"), MISSING: _("ラベルなし")}.get(status, status)


def shown(result: ImportResult, field_id: str, value: Any) -> str:
    f = result.form.by_id.get(field_id)
    if f is None or value is None:
        return ""
    return fieldtypes.display(f, value, percent_sign=result.form.percent_sign)


def summary(result: ImportResult) -> str:
    counts = {s: len(result.by_status(s)) for s in (RECOVERED, UNCERTAIN, EMPTY, MISSING)}
    return _("取り込み {recovered} 項目，要確認 {uncertain}，空欄 {empty}，ラベルなし {missing}；"
             "計算値の不一致 {findings}，項目に入らなかった文章 {unplaced} か所").format(
        recovered=counts[RECOVERED], uncertain=counts[UNCERTAIN], empty=counts[EMPTY], missing=counts[MISSING],
        findings=len(result.findings), unplaced=len(result.unplaced))


def text_report(result: ImportResult, source: str) -> str:
    """The report ``hyoka import-sheet`` prints: a header, a tab-separated line per field, then the rest."""
    lines = [
        _("元の文書：{source}　様式：{form}（{name}，ラベルの一致 {score}％）").format(
            source=source, form=result.form.id, name=result.form.name, score=min(100, round(result.score * 100))),
        summary(result),
        "",
    ]
    order = {UNCERTAIN: 0, MISSING: 1, RECOVERED: 2, EMPTY: 3}
    for r in sorted(result.fields, key=lambda r: order.get(r.status, 9)):
        value = excerpt(shown(result, r.field_id, r.value), 60)
        lines.append("\t".join([status_label(r.status), r.field_id, excerpt(r.label, 30), value, r.reason]).rstrip("\t"))
    if result.findings:
        lines += ["", _("計算値の不一致（hyoka が計算し直した値と元の文書の値が違います）：")]
        lines += [f"  {f}" for f in result.findings]
    if result.unplaced:
        lines += ["", _("どの項目にも入らなかった文章（シートのメモとして残します）：")]
        for i, u in enumerate(result.unplaced, 1):
            lines.append(f"  [{i}] " + u.replace("\n", "\n      "))
    return "\n".join(lines)


def json_report(result: ImportResult, source: str) -> dict[str, Any]:
    return {
        "source": source, "format": result.form.id, "score": round(result.score, 3),
        "fields": [{"field_id": r.field_id, "label": r.label, "status": r.status,
                    "value": r.value, "source": r.source, "reason": r.reason} for r in result.fields],
        "findings": result.findings, "unplaced": result.unplaced,
    }
