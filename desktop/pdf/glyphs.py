"""Preflight: whitespace as printed, and characters the fonts cannot print, found
before ReportLab sees them.

ReportLab silently draws a .notdef box for a missing glyph and the character then
vanishes from text extraction (typography.md §1.6). So every value is checked
against the fonts first; anything unprintable (emoji, kanji outside the font such as
𠮷, control characters, unpaired surrogates) becomes 〓 (U+3013, 下駄記号, the
typesetter's conventional stand-in) and is reported with the field id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from desktop.core.definition import FormDef
from desktop.core.validation import Finding

GETA = "\u3013"
IDEOGRAPHIC_SPACE = "\u3000"


def tidy_text(text: str) -> str:
    """A value's whitespace as printed (the stored text stays as typed).

    Line ends become ``\n``; blank lines (nothing but spaces) at the start and end
    are dropped and a run of them prints as one; a tab prints as one full-width
    space (U+3000), as a tab stop means nothing in a table cell.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", IDEOGRAPHIC_SPACE).split("\n")
    out: list[str] = []
    for line in lines:
        if line.strip():
            out.append(line)
        elif out and out[-1]:
            out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def tidy_lines(items: list[Any]) -> list[Any]:
    """``tidy_text`` for a ``lines`` value: each line tidied, blank items treated as blank lines."""
    text_items = [tidy_text(x) if isinstance(x, str) else x for x in items]
    out: list[Any] = []
    for x in text_items:
        if x != "" or (out and out[-1] != ""):
            out.append(x)
    while out and out[-1] == "":
        out.pop()
    return out

# Invisible format characters that only modify their neighbour: dropped, not reported
# separately (the base character is what gets reported if it is missing).
_IGNORABLE = frozenset("\u200b\u200c\u200d\u2060\ufeff") | {chr(c) for c in range(0xFE00, 0xFE10)}
_KEEP = frozenset("\n")


class GlyphChecker:
    """Knows which code points every face used for values can draw."""

    def __init__(self, charmaps: Iterable[dict[int, int]]) -> None:
        maps = list(charmaps)
        self._maps = maps
        self._cache: dict[str, bool] = {}

    def printable(self, c: str) -> bool:
        ok = self._cache.get(c)
        if ok is None:
            cat = unicodedata.category(c)
            if c in _KEEP or c == " ":
                ok = True
            elif cat in ("Cc", "Cs", "Cn"):
                ok = False
            else:
                ok = all(ord(c) in m for m in self._maps)
            self._cache[c] = ok
        return ok

    def clean(self, text: str) -> tuple[str, list[str]]:
        """(text with 〓 substituted, the distinct replaced characters in order)."""
        if all(self.printable(c) for c in text):  # fast path: almost every value
            return text, []
        out: list[str] = []
        bad: dict[str, None] = {}
        for c in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", IDEOGRAPHIC_SPACE):
            if c in _IGNORABLE or (0xE0100 <= ord(c) <= 0xE01EF):
                continue
            if self.printable(c):
                out.append(c)
            else:
                bad[c] = None
                out.append(GETA)
        return "".join(out), list(bad)


def describe(chars: list[str]) -> str:
    """``U+1F600 😀，U+0007`` — control characters are shown by code only."""
    parts = []
    for c in chars:
        shown = "" if unicodedata.category(c) in ("Cc", "Cs", "Cn") else f" {c}"
        parts.append(f"U+{ord(c):04X}{shown}")
    return "，".join(parts)


def glyph_finding(field_id: str, chars: list[str]) -> Finding:
    return Finding(
        field_id,
        "warning",
        f"「{field_id}」に印刷できない文字（{describe(chars)}）があります。{GETA}で印刷します。",
        "glyph",
    )


def preflight(form: FormDef, values: dict[str, Any], checker: GlyphChecker) -> tuple[dict[str, Any], list[Finding]]:
    """Values with unprintable characters replaced, and one warning per affected field."""
    out: dict[str, Any] = {}
    findings: list[Finding] = []
    order = {fid: i for i, fid in enumerate(form.by_id)}
    for fid in sorted(values, key=lambda k: order.get(k, len(order))):
        v = values[fid]
        bad: list[str] = []
        if isinstance(v, str):
            v = tidy_text(v)
        elif isinstance(v, list):
            v = tidy_lines(v)
        if isinstance(v, str):
            v, bad = checker.clean(v)
        elif isinstance(v, list):
            cleaned = []
            for item in v:
                if isinstance(item, str):
                    item, b = checker.clean(item)
                    bad += [c for c in b if c not in bad]
                cleaned.append(item)
            v = cleaned
        out[fid] = v
        if bad:
            findings.append(glyph_finding(fid, bad))
    return out, findings
