"""JLREQ line breaking (禁則処理) for ReportLab paragraphs.

ReportLab's ``wordWrap='CJK'`` starts lines with ``。？！”``, ends lines with ``「（``,
hangs ``ー`` and small kana across cell borders, and mangles U+3000 (typography.md
§1.1–1.3). :class:`JaParagraph` replaces its line breaker with the JLREQ break table:

* no line starts with cl-02..07, cl-09..11 (closing brackets, hyphens, ``？！``,
  middle dots, full stops, commas, iteration marks, ``ー``, small kana);
* no line ends with cl-01 (opening brackets);
* ``——`` / ``……`` and Latin/number runs (``1,614,702,000``, ``SDGs``) are not split,
  unless a run is longer than half the line (URLs may break after ``/``);
* push-out (追い出し) by default; only ``、。，．`` may hang (ぶら下げ), whose ink
  stays inside the 6 pt cell padding.

It relies on private ReportLab helpers (``cjkU``, ``makeCJKParaLine``, ``FragLine``,
``ParaLines``), imported through :mod:`desktop.pdf.compat`; ``tests/test_pdf_linebreak.py``
guards the behaviour.
"""

from __future__ import annotations

from typing import Any
from unicodedata import category
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import Paragraph

from desktop.pdf.compat import FUZZ as _FUZZ
from desktop.pdf.compat import FragLine, ParaLines, cjkU, makeCJKParaLine
from desktop.pdf.compat import rl_paragraph as _rlp

NO_START = frozenset(
    "’”)〕]}〉》」』】⦆〙〗»〟）］｝｠｣"  # cl-02 closing brackets
    "‐〜゠–～"  # cl-03 hyphens
    "!?‼⁇⁈⁉！？"  # cl-04 dividing punctuation
    "・:;：；･"  # cl-05 middle dots
    "。.．｡"  # cl-06 full stops
    "、,，､"  # cl-07 commas
    "ヽヾゝゞ々〻"  # cl-09 iteration marks
    "ーｰ"  # cl-10 prolonged sound mark
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｯｬｭｮ"  # cl-11 small kana
)
NO_END = frozenset("‘“(〔[{〈《「『【⦅〘〖«〝（［｛｟｢")  # cl-01 opening brackets
HANG = frozenset("、。，．,.")
INSEPARABLE = frozenset("—―…‥")


def _wordish(c: str) -> bool:
    """Part of an unbreakable Latin/number run (ASCII or full-width alphanumerics)."""
    if not c:
        return False
    o = ord(c)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return True
    return o < 0x2E80 and c not in " ([" and category(c) != "Zs" and c not in INSEPARABLE


def breakable(chars: list[str]) -> list[bool]:
    """``ok[k]``: a line may break between ``chars[k-1]`` and ``chars[k]``."""
    ok = [True] * (len(chars) + 1)
    for k in range(1, len(chars)):
        a, b = chars[k - 1], chars[k]
        if not a or not b:
            continue
        ok[k] = not (
            b in NO_START
            or a in NO_END
            or (a in INSEPARABLE and b == a)
            or (_wordish(a) and _wordish(b) and a != "/")
        )
    return ok


def _fast_line(chars: list[Any], max_width: float, used: float, extra: float, lb: bool, bounds: bool) -> Any:
    """One line as fragment runs; avoids ``makeCJKParaLine``'s per-glyph ``sameFrag``."""
    if bounds or any(hasattr(u.frag, "cbDefn") for u in chars):
        return makeCJKParaLine(chars, max_width, used, extra, lb, bounds)
    words: list[Any] = []
    run: list[str] = []
    f0: Any = None
    size = asc = desc = 0.0
    for u in chars:
        f = u.frag
        if f is not f0:
            if run:
                w = f0.clone()
                w.text = "".join(run)
                words.append(w)
                run = []
            f0 = f
            a, d = getAscentDescent(f.fontName, f.fontSize)
            size, asc, desc = max(size, f.fontSize), max(asc, a), min(desc, d)
        run.append(u)
    if run:
        w = f0.clone()
        w.text = "".join(run)
        words.append(w)
    return FragLine(
        kind=1, extraSpace=extra, wordCount=1, words=words, fontSize=size, ascent=asc, descent=desc,
        maxWidth=max_width, currentWidth=used, lineBreak=lb, jaJustify=True,
    )


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def _chars(f: Any, text: str, encoding: str) -> list[Any]:
    """``cjkU`` per character like ReportLab, but with glyph widths cached per font and size.

    Measuring each glyph (``stringWidth``) was a third of the render time; a sheet
    reuses a few hundred distinct characters in two or three fonts.
    """
    if not text or hasattr(f, "cbDefn"):
        return [cjkU(c, f, encoding) for c in text] if text else [cjkU(text, f, encoding)]
    table = _WIDTHS.setdefault((f.fontName, f.fontSize), {})
    out = []
    for c in text:
        w = table.get(c)
        if w is None:
            w = table[c] = stringWidth(c, f.fontName, f.fontSize)
        u = str.__new__(cjkU, c)
        u._frag = f
        u._width = w
        out.append(u)
    return out


def ja_frag_split(frags: list[Any], max_widths: list[float], bounds: bool, hang: bool = True,
                  encoding: str = "utf8") -> Any:
    """Break fragments into lines following the JLREQ table above."""
    chars: list[Any] = []
    for f in frags:
        t = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        chars.extend(_chars(f, t, encoding))
    ok = breakable(chars)
    lines: list[Any] = []
    start, n = 0, len(chars)
    while start < n:
        mw = max_widths[min(len(lines), len(max_widths) - 1)]
        widths: list[float] = []
        used, j, end, lb = 0.0, start, None, False
        while j < n:
            u = chars[j]
            if hasattr(u.frag, "lineBreak"):
                end, lb = j + 1, True
                widths.append(0)
                break
            w = u.width
            if hasattr(w, "normalizedValue"):
                w._normalizer = mw
                w = w.normalizedValue(mw)
            if used + w > mw + _FUZZ and j > start:
                if hang and u in HANG and ok[j + 1]:
                    end = j + 1  # ぶら下げ
                    widths.append(w)
                else:
                    k = next((k for k in range(j, start, -1) if ok[k]), None)
                    if k is not None and sum(widths[: k - start]) < mw / 2 and all(map(_wordish, chars[k : j + 1])):
                        k = None  # an over-long word or URL: split it rather than leave half a line empty
                    if k is None:  # forced split; still avoid the worst starts and ends
                        k = j
                        while k > start + 1 and (chars[k] in NO_START or chars[k - 1] in NO_END):
                            k -= 1
                    end = k  # 追い出し
                break
            widths.append(w)
            used += w
            j += 1
        if end is None:
            end = n
        used = sum(widths[: end - start])
        lines.append(_fast_line(chars[start:end], mw, used, mw - used, lb, bounds))
        start = end
        while start < n and chars[start] == " ":
            start += 1
    return ParaLines(kind=1, lines=lines)


class JaParagraph(Paragraph):
    """A Paragraph whose CJK line breaking follows JLREQ (set ``wordWrap='CJK'``)."""

    hang = True

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        self.height = 0
        st = self.style
        if not self.frags:
            return ParaLines(kind=0, fontSize=st.fontSize, fontName=st.fontName, textColor=st.textColor,
                             lines=[], ascent=st.fontSize, descent=-0.2 * st.fontSize)
        al = getattr(self, "autoLeading", getattr(st, "autoLeading", ""))
        key = (tuple(maxWidths), al)
        cached = getattr(self, "_ja_lines", None)
        if cached is not None and cached[0] == key:
            return cached[1]  # tables wrap the same cell several times at the same width
        result = ja_frag_split(self.frags, list(maxWidths), al not in ("", "off"), hang=self.hang)
        self._ja_lines = (key, result)
        return result

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split as ReportLab does, but hand the second part the lines already broken.

        ReportLab rebuilds the second part from fragments and breaks it again; at
        every page of a long cell that re-broke all the text still to come, so
        printing time grew with the square of the text (issue 8).
        """
        parts = super().split(availWidth, availHeight)
        cached = getattr(self, "_ja_lines", None)
        if len(parts) == 2 and cached is not None:
            head, rest = parts
            widths = cached[0][0]
            if len(set(widths)) == 1:  # every line had the same width: the rest can reuse them
                done = len(head.blPara.lines)
                rest._ja_lines = (cached[0], ParaLines(kind=1, lines=cached[1].lines[done:]))
        return parts


def to_markup(text: str) -> str:
    """User text → paragraph markup: escaped, U+3000 and line breaks preserved."""
    s = escape(text.replace("\r\n", "\n").replace("\r", "\n"))
    s = s.replace("\u3000", "&#12288;")
    # Leading/adjacent ASCII spaces would be collapsed by the parser; keep them visible.
    s = s.replace("  ", " &#160;")
    return s.replace("\n", "<br/>")


# ---- justification (両端揃え) via character spacing --------------------------------
MAX_TC_EM = 0.15
_orig_justify = _rlp._justifyDrawParaLineX


def _ja_justify(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
    n = sum(len(w.text) for w in line.words if not hasattr(w, "cbDefn"))
    if (
        getattr(line, "jaJustify", False)
        and not last
        and not line.lineBreak
        and n > 1
        and 1e-3 < line.extraSpace <= MAX_TC_EM * line.fontSize * (n - 1)
    ):
        tx.setCharSpace(line.extraSpace / (n - 1))
        try:
            return _rlp._leftDrawParaLineX(tx, offset, line, last)
        finally:
            tx.setCharSpace(0)
    return _orig_justify(tx, offset, line, last)


def enable_justify() -> None:
    """Make ``TA_JUSTIFY`` work for CJK lines (ReportLab ignores it); idempotent."""
    _rlp._justifyDrawParaLineX = _ja_justify
