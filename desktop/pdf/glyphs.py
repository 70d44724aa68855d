"""Preflight: whitespace as printed, and characters the fonts cannot print, found
before ReportLab sees them.

ReportLab silently draws a .notdef box for a missing glyph and the character then
vanishes from text extraction (typography.md §1.6). So every value is checked
against the fonts first; anything unprintable (emoji, kanji outside the font such as
𠮷, control characters, unpaired surrogates) becomes 〓 (U+3013, 下駄記号, the
typesetter's conventional stand-in) and is reported with the field id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from desktop.core.definition import FormDef
from desktop.core.i18n import _
from desktop.pdf.record import Record

if TYPE_CHECKING:  # validation (with the writing conventions' patterns) is loaded for a finding only
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
_IGNORABLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_KEEP = frozenset("\n")
_COMPAT_IDEOGRAPH = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]+")
PUA_BASE = 0xF0000  # plane 15 private use: stand-ins for variation sequences' glyphs


def is_selector(c: str) -> bool:
    o = ord(c)
    return 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF


def nfc(text: str) -> str:
    """NFC (a base and its combining marks composed: e + U+0301 → é), leaving CJK
    compatibility ideographs (U+F900…, which NFC would unify) as typed."""
    if unicodedata.is_normalized("NFC", text):
        return text
    out: list[str] = []
    pos = 0
    for m in _COMPAT_IDEOGRAPH.finditer(text):
        out += [unicodedata.normalize("NFC", text[pos : m.start()]), m.group()]
        pos = m.end()
    out.append(unicodedata.normalize("NFC", text[pos:]))
    return "".join(out)


class Cleaned(Record):
    """A value as printed and what was changed on the way."""

    _fields = ("text", "bad", "no_variant", "rtl")

    def __init__(self, text: str, bad: list[str] | None = None, no_variant: list[str] | None = None,
                 rtl: bool = False) -> None:
        self.text = text
        self.bad: list[str] = [] if bad is None else bad  # printed as 〓
        self.no_variant: list[str] = [] if no_variant is None else no_variant  # base + selector printed as the base
        self.rtl = rtl  # right-to-left letters, printed unshaped in logical order


class GlyphChecker:
    """Knows which code points every face used for values can draw.

    ``fallback``: a second face (DejaVu) for letters the Japanese faces lack (Arabic,
    Hebrew, …); ``variant``: ``(base, selector) → alias code`` of a variation
    sequence's glyph in every face, None when some face lacks it.
    """

    def __init__(self, charmaps: Iterable[dict[int, int]], fallback: dict[int, int] | None = None,
                 variant: Callable[[int, int], int | None] | None = None) -> None:
        self._maps = list({id(m): m for m in charmaps}.values())  # faces sharing one map (font_cache): once
        self._fallback = fallback or {}
        self._variant = variant
        self._cache: dict[str, bool] = {}
        self._fb: dict[str, bool] = {}
        self._known: set[str] = set()  # characters every Japanese face has (a fast superset test)

    def in_faces(self, c: str) -> bool:
        ok = self._cache.get(c)
        if ok is None:
            cat = unicodedata.category(c)
            if c in _KEEP or c == " ":
                ok = True
            elif cat in ("Cc", "Cs", "Cn") or is_selector(c):
                ok = False
            else:
                ok = all(ord(c) in m for m in self._maps)
            self._cache[c] = ok
            if ok:
                self._known.add(c)
        return ok

    def any_fallback(self, text: str) -> bool:
        """Does ``text`` hold a character printed from the fallback face?"""
        return not self._known.issuperset(text) and any(map(self.needs_fallback, text))

    def needs_fallback(self, c: str) -> bool:
        """Printed from the fallback face: not in the Japanese faces, but in the fallback."""
        fb = self._fb.get(c)
        if fb is None:
            fb = self._fb[c] = (not self.in_faces(c) and unicodedata.category(c)[0] in "LMNPZ"
                                and not is_selector(c) and ord(c) in self._fallback)  # letters, not emoji
        return fb

    def printable(self, c: str) -> bool:
        return self.in_faces(c) or self.needs_fallback(c)

    def check(self, text: str) -> Cleaned:
        """The text as printed: NFC, variation sequences kept where the faces have them."""
        text = nfc(text)
        if self._known.issuperset(text) or all(map(self.in_faces, set(text).difference(self._known))):  # fast path
            return Cleaned(text)
        res = Cleaned("")
        out: list[str] = []
        bad: dict[str, None] = {}
        chars = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", IDEOGRAPHIC_SPACE)
        i, n = 0, len(chars)
        while i < n:
            c = chars[i]
            if i + 1 < n and is_selector(chars[i + 1]) and not is_selector(c):
                alias = self._variant(ord(c), ord(chars[i + 1])) if self._variant else None
                if alias is not None:
                    out.append(chr(alias))
                else:
                    res.no_variant.append(c + chars[i + 1])
                    out.append(c if self.printable(c) else GETA)
                    if not self.printable(c):
                        bad[c] = None
                i += 2
                continue
            i += 1
            if c in _IGNORABLE or is_selector(c):
                continue
            if self.printable(c):
                out.append(c)
                if unicodedata.bidirectional(c) in ("R", "AL"):
                    res.rtl = True
            else:
                bad[c] = None
                out.append(GETA)
        res.text = "".join(out)
        res.bad = list(bad)
        return res

    def clean(self, text: str) -> tuple[str, list[str]]:
        """(text with 〓 substituted, the distinct replaced characters in order)."""
        r = self.check(text)
        return r.text, r.bad


def describe(chars: list[str]) -> str:
    """``U+1F600 😀，U+0007`` — control characters are shown by code only."""
    parts = []
    for c in chars:
        shown = "" if unicodedata.category(c) in ("Cc", "Cs", "Cn") else f" {c}"
        parts.append(f"U+{ord(c):04X}{shown}")
    return "，".join(parts)


def field_name(form: FormDef, field_id: str, limit: int = 40) -> str:
    """The label an officer sees (「1-1 当該機関の戦略目標…」), not the field id."""
    f = form.by_id.get(field_id)
    label = (f.display_label if f.number else f.label) if f else field_id
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1] + "…"


def finding(field_id: str, message: str, code: str) -> Finding:
    """A warning about printing; the validation module is loaded only when there is one."""
    from desktop.core.validation import Finding

    return Finding(field_id, "warning", message, code)


def glyph_finding(field_id: str, chars: list[str], label: str = "") -> Finding:
    return finding(field_id, _("「{label}」に印刷できない文字（{chars}）があります。{geta}で印刷します。").format(
        label=label or field_id, chars=describe(chars), geta=GETA), "glyph")


def preflight(form: FormDef, values: dict[str, Any], checker: GlyphChecker) -> tuple[dict[str, Any], list[Finding]]:
    """Values as printed (whitespace, NFC, unprintable characters replaced), and one
    warning per affected field and kind of change."""
    out: dict[str, Any] = {}
    findings: list[Finding] = []
    order = {fid: i for i, fid in enumerate(form.by_id)}
    for fid in sorted(values, key=lambda k: order.get(k, len(order))):
        v = values[fid]
        if isinstance(v, str):
            v = tidy_text(v)
        elif isinstance(v, list):
            v = tidy_lines(v)
        results: list[Cleaned] = []
        if isinstance(v, str):
            results.append(checker.check(v))
            v = results[0].text
        elif isinstance(v, list):
            cleaned = []
            for item in v:
                if isinstance(item, str):
                    results.append(checker.check(item))
                    item = results[-1].text
                cleaned.append(item)
            v = cleaned
        out[fid] = v
        bad = list(dict.fromkeys(c for r in results for c in r.bad))
        no_variant = list(dict.fromkeys(c for r in results for c in r.no_variant))
        label = field_name(form, fid)
        if bad:
            findings.append(glyph_finding(fid, bad, label))
        if no_variant:
            findings.append(finding(fid, _(
                "「{label}」の異体字（{chars}）はフォントにないため，通常の字形で印刷します。").format(
                    label=label, chars="，".join(no_variant)), "variant"))
        if any(r.rtl for r in results):
            findings.append(finding(fid, _(
                "「{label}」の右から左に書く文字（アラビア文字・ヘブライ文字など）は，字形をつなげず入力順のまま印刷します。"
            ).format(label=label), "rtl"))
    return out, findings
