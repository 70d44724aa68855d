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

import re
from collections.abc import Callable
from typing import Any, cast
from unicodedata import category
from weakref import WeakKeyDictionary

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import Paragraph

from desktop.pdf.compat import FUZZ as _FUZZ
from desktop.pdf.compat import FragLine, ParaLines, cjkU, makeCJKParaLine, text_out_adjusted
from desktop.pdf.compat import rl_paragraph as _rlp


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` as entities for ReportLab's paragraph markup (what xml.sax.saxutils.escape
    does, without its import of urllib.request / http.client / email: 45 ms of every ``hyoka pdf``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
    """Part of an unbreakable Latin/number run (half-width; full-width letters are cl-19 ideographs)."""
    if not c:
        return False
    return ord(c) < 0x2E80 and c not in " ([" and category(c) != "Zs" and c not in INSEPARABLE


# 分離禁止 (JLREQ 3.1.10): a number, with its sign, separators and a following unit, and a
# date 「2018 年 6 月」 never break inside, not even at a space typed between them.
_NUM = r"[0-9０-９]+(?:[,.，．][0-9０-９]+)*"
_UNIT = (r"(?:[％%‰‱℃℉°′″Å\u3380-\u33ff]|千円|万円|億円|円|ドル|ユーロ|人|名|件|回|歳|倍|か国|カ国|ヵ国|か所|箇所"
         r"|年度|年|月|日|時|分|秒|万|億|兆|千|割|点|位)")
_SP = "[ \u00a0]?"
_INSEPARABLE_RE = re.compile(
    rf"[△▲−＋￥¥＄$€£+-]?(?:{_NUM}{_SP}年{_SP}{_NUM}{_SP}月(?:{_SP}{_NUM}{_SP}日)?"
    rf"|{_NUM}{_SP}月{_SP}{_NUM}{_SP}日|{_NUM}(?:{_SP}{_UNIT})?)"
)


_EXT, _RI, _NS, _NE, _WORD, _INS, _SLASH = 1, 2, 4, 8, 16, 32, 64
_FLAGS: dict[str, int] = {"": 0}  # "" is a line break's placeholder


def _flags(c: str) -> int:
    """The break properties of one character, cached (the breaker looks at every character)."""
    f = _FLAGS.get(c)
    if f is None:
        o = ord(c)
        f = 0
        if (category(c) in ("Mn", "Mc", "Me") or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF
                or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F or c == "\u200d"):
            f |= _EXT  # continues the grapheme cluster before it (UAX #29: marks, selectors, ZWJ…)
        if 0x1F1E6 <= o <= 0x1F1FF:
            f |= _RI  # regional indicator: flags are pairs
        if c in NO_START:
            f |= _NS
        if c in NO_END:
            f |= _NE
        if _wordish(c):
            f |= _WORD
        if c in INSEPARABLE:
            f |= _INS
        if c == "/":
            f |= _SLASH
        _FLAGS[c] = f
    return f


def break_tables(chars: list[str]) -> tuple[list[bool], list[bool], list[bool]]:
    """(``ok``, ``hard``, ``unit``) per position k (between ``chars[k-1]`` and ``chars[k]``).

    ``ok``: a line may break there; ``hard``: never, not even to force an over-long
    word onto lines (inside a grapheme cluster); ``unit``: inside a number or date.
    """
    n = len(chars)
    ok = [True] * (n + 1)
    hard = [False] * (n + 1)
    unit = [False] * (n + 1)
    text = "".join(c if c else "\0" for c in chars)
    for m in _INSEPARABLE_RE.finditer(text):
        for k in range(m.start() + 1, m.end()):
            unit[k] = True
    fget = _FLAGS.get
    rawf = [fget(c) for c in chars]
    flags: list[int] = ([f if f is not None else _flags(c) for f, c in zip(rawf, chars, strict=True)]
                        if None in rawf else cast("list[int]", rawf))
    ri = 0
    # Only a position next to a flagged character or inside a number can change; between
    # two plain characters (most of a Japanese text) nothing is set, and ``ri`` restarts
    # anyway at the next position visited (its left neighbour is plain).
    for k in [k for k, (a, b, u) in enumerate(zip(flags[:-1], flags[1:], unit[1:n], strict=True), 1) if a or b or u]:
        fa, fb = flags[k - 1], flags[k]
        if not chars[k - 1] or not chars[k]:
            ri = 0
            continue
        ri = ri + 1 if fa & _RI else 0
        if fb & _EXT or chars[k - 1] == "\u200d" or (ri % 2 == 1 and fb & _RI):
            hard[k] = True
            ok[k] = False
        elif (unit[k] or fb & _NS or fa & _NE or (fa & _INS and chars[k] == chars[k - 1])
              or (fa & _WORD and fb & _WORD and not fa & _SLASH)):
            ok[k] = False
    return ok, hard, unit


def breakable(chars: list[str]) -> list[bool]:
    """``ok[k]``: a line may break between ``chars[k-1]`` and ``chars[k]``."""
    return break_tables(chars)[0]


# ---- spacing: 四分アキ between scripts (JLREQ 3.2.4), 約物の連続 (JLREQ 3.1.4) ---------------
OPENING_FW = frozenset("（「『【〔［｛〈《〘〖｟")  # blank in the first half of the em
CLOSING_FW = frozenset("）」』】〕］｝〉》〙〗｠、。，．")  # blank in the second half
_KIND: dict[str, int] = {"": 0}
_JA, _LATIN, _OPEN, _CLOSE = 1, 2, 3, 4
# kind(a) * 5 + kind(b) → 1: a quarter em between scripts, 2: halve the meeting blanks
_ACTION = [0] * 25
_ACTION[_JA * 5 + _LATIN] = _ACTION[_LATIN * 5 + _JA] = 1
_ACTION[_CLOSE * 5 + _CLOSE] = _ACTION[_CLOSE * 5 + _OPEN] = _ACTION[_OPEN * 5 + _OPEN] = 2


def _kind(c: str) -> int:
    k = _KIND.get(c)
    if k is None:
        o = ord(c) if len(c) == 1 else 0
        if c in OPENING_FW:
            k = _OPEN
        elif c in CLOSING_FW:
            k = _CLOSE
        elif (0x3041 <= o <= 0x30FF and c not in "・゠") or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF \
                or 0x20000 <= o <= 0x3FFFF or c in "々〆〇" or 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A \
                or 0xFF41 <= o <= 0xFF5A:
            k = _JA
        elif 0 < o < 0x2E80 and category(c)[0] in "LN":
            k = _LATIN
        else:
            k = 0
        _KIND[c] = k
    return k


def spacing(chars: list[Any], sizes: list[float] | None = None, widths: list[float] | None = None) -> list[float]:
    """``adj[k]``: extra advance after ``chars[k]`` when ``chars[k+1]`` follows on the same line.

    A quarter em between Japanese (kana, kanji, full-width letters) and Latin letters or
    digits; minus half an em where the blanks of two full-width brackets or stops meet
    (「（「」 and 」）。 are set at half width). ``sizes`` and ``widths`` (font size and
    advance per character) default to those of ``cjkU`` characters.
    """
    n = len(chars)
    adj = [0.0] * n
    if n < 2:
        return adj
    get = _KIND.get
    raw = [get(c) for c in chars]
    kinds: list[int] = ([k if k is not None else _kind(c) for k, c in zip(raw, chars, strict=True)]
                        if None in raw else cast("list[int]", raw))
    act = _ACTION
    for k in range(n - 1):
        what = act[kinds[k] * 5 + kinds[k + 1]]
        if not what:
            continue
        size = sizes[k] if sizes is not None else chars[k].frag.fontSize
        if what == 1:
            adj[k] = 0.25 * size
        elif abs((widths[k] if widths is not None else chars[k].width) - size) < 1e-6:  # a full-width glyph
            adj[k] = -0.5 * size
    return adj


def _fast_line(chars: list[str], owners: list[Any], max_width: float, used: float, extra: float,
               lb: bool) -> Any:
    """One line as fragment runs (``owners[i]``: the fragment of ``chars[i]``); avoids
    ``makeCJKParaLine``'s per-glyph ``sameFrag``."""
    words: list[Any] = []
    f0: Any = None
    size = asc = desc = 0.0
    i0 = 0
    for i, f in enumerate(owners):
        if f is not f0:
            if i > i0:
                w = f0.clone()
                w.text = "".join(chars[i0:i])
                words.append(w)
                i0 = i
            f0 = f
            a, d = getAscentDescent(f.fontName, f.fontSize)
            size, asc, desc = max(size, f.fontSize), max(asc, a), min(desc, d)
    if len(chars) > i0:
        w = f0.clone()
        w.text = "".join(chars[i0:])
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


def _widths(f: Any, text: str) -> list[float]:
    """The advance of each character of a plain text fragment (cached per font and size)."""
    table = _WIDTHS.setdefault((f.fontName, f.fontSize), {})
    get = table.get
    out = [get(c) for c in text]
    if None in out:
        for i, c in enumerate(text):
            if out[i] is None:
                w = table.get(c)
                if w is None:
                    w = table[c] = stringWidth(c, f.fontName, f.fontSize)
                out[i] = w
    return cast("list[float]", out)


def ja_frag_split(frags: list[Any], max_widths: list[float], bounds: bool, hang: bool = True,
                  encoding: str = "utf8", phrases: list[bool] | None = None) -> Any:
    """Break fragments into lines following the JLREQ table above.

    ``phrases`` (one flag per position, as from :func:`breakable`) narrows the break
    opportunities to phrase boundaries (labels); a phrase longer than the line still breaks.
    """
    chars: list[Any] = []
    owners: list[Any] = []  # plain text: the fragment of each character (no cjkU object per character)
    breaks: set[int] = set()  # positions of a line break fragment (``<br/>``)
    plain = not bounds and not any(hasattr(f, "cbDefn") for f in frags)
    if plain:
        sizes: list[Any] = []
        font_sizes: list[float] = []
        for f in frags:
            t = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
            part = list(t) if t else [""]
            if hasattr(f, "lineBreak"):
                breaks.update(range(len(chars), len(chars) + len(part)))
            chars += part
            owners += [f] * len(part)
            font_sizes += [f.fontSize] * len(part)
            sizes += _widths(f, t) if t else [stringWidth("", f.fontName, f.fontSize)]
    else:
        for f in frags:
            t = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
            part = _chars(f, t, encoding)
            if hasattr(f, "lineBreak"):
                breaks.update(range(len(chars), len(chars) + len(part)))
            chars.extend(part)
        sizes = [u._width for u in chars]
    ok, hard, unit = break_tables(chars)
    if phrases is not None and len(phrases) == len(ok):
        ok = [x and y for x, y in zip(ok, phrases, strict=True)]
    adj = spacing(chars, font_sizes, sizes) if plain else [0.0] * len(chars)
    scaled = not plain and any(hasattr(w, "normalizedValue") for w in sizes)  # a callback's width in %
    lines: list[Any] = []
    start, n = 0, len(chars)
    while start < n:
        mw = max_widths[min(len(lines), len(max_widths) - 1)]
        limit = mw + _FUZZ
        widths: list[float] = []
        used, j, end, lb = 0.0, start, None, False
        while j < n:
            if j in breaks:
                end, lb = j + 1, True
                widths.append(0)
                break
            w = sizes[j]
            if scaled and hasattr(w, "normalizedValue"):
                w._normalizer = mw
                w = w.normalizedValue(mw)
            if j > start:
                w += adj[j - 1]
                if used + w > limit:
                    if hang and chars[j] in HANG and ok[j + 1]:
                        end = j + 1  # ぶら下げ
                        widths.append(w)
                    else:
                        k = next((k for k in range(j, start, -1) if ok[k]), None)
                        if (k is not None and sum(widths[: k - start]) < mw / 2
                                and all(map(_wordish, chars[k : j + 1])) and not any(unit[k + 1 : j + 1])):
                            k = None  # an over-long word or URL: split it rather than leave half a line empty
                        if k is None:  # forced split; still avoid the worst starts and ends
                            k = j
                            while k > start + 1 and (hard[k] or chars[k] in NO_START or chars[k - 1] in NO_END):
                                k -= 1
                            while k > start + 1 and hard[k]:
                                k -= 1
                        end = k  # 追い出し
                    break
            widths.append(w)
            used += w
            j += 1
        if end is None:
            end = n
        used = sum(widths[: end - start])
        line = _fast_line(chars[start:end], owners[start:end], mw, used, mw - used, lb) if plain else \
            makeCJKParaLine(chars[start:end], mw, used, mw - used, lb, bounds)
        if plain:
            line.jaAdj = {i: adj[start + i] for i in range(end - start - 1) if adj[start + i]}
        lines.append(line)
        start = end
        while start < n and chars[start] == " ":
            start += 1
    return ParaLines(kind=1, lines=lines)


# The markup to_markup writes for plain text: text runs, line breaks and the entities it escapes.
_PLAIN_MARKUP = re.compile(r"(?:[^<&]+|<br/>|&(?:amp|lt|gt|#[0-9]+);)*")
_TOKENS = re.compile(r"[^<&]+|<br/>|&(?:amp|lt|gt|#[0-9]+);")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_TEMPLATES: WeakKeyDictionary[Any, tuple[Any, Any]] = WeakKeyDictionary()


def plain_frags(markup: str, style: Any) -> tuple[str, list[Any]] | None:
    """(cleaned text, fragments) of :func:`to_markup`'s plain markup without ReportLab's XML
    parser (a tenth of a sheet's layout): what the parser makes, one fragment per text run,
    entity and ``<br/>``, cloned from the fragments it made once for this style; within a
    paragraph they share their ``link`` and ``us_lines`` lists as the parser's do. None for
    other markup (the fallback font's ``<font>``), which goes through the parser."""
    if not _PLAIN_MARKUP.fullmatch(markup) or getattr(style, "textTransform", None) \
            or getattr(style, "bulletText", None) is not None:
        return None
    templates = _TEMPLATES.get(style)
    if templates is None:
        parser = _rlp.ParaParser()
        parser.caseSensitive = 1
        _style, sample, _bullet = parser.parse("x<br/>x", style)
        if _style is not style or len(sample) != 3 or not getattr(sample[1], "lineBreak", False):
            return None
        templates = _TEMPLATES[style] = (sample[0], sample[1])
    text_frag, br_frag = templates
    text = _rlp.cleanBlockQuotedText(markup)
    shared: dict[str, list[Any]] = {"link": [], "us_lines": []}
    frags: list[Any] = []
    for token in _TOKENS.findall(text):
        if token == "<br/>":
            frags.append(br_frag.clone(**shared))
            continue
        if token[0] == "&":
            token = _ENTITIES.get(token) or chr(int(token[2:-1]))
        frags.append(text_frag.clone(text=token, **shared))
    return text, frags


class JaParagraph(Paragraph):  # type: ignore[misc]  # ReportLab has no type hints
    """A Paragraph whose CJK line breaking follows JLREQ (set ``wordWrap='CJK'``)."""

    hang = True
    phrases: list[bool] | None = None  # break opportunities narrowed to phrase boundaries (labels)
    fields: tuple[str, ...] = ()  # the field ids whose text this paragraph prints (see pagemap.py)

    def __init__(self, text: str, style: Any = None, bulletText: Any = None, frags: Any = None,
                 caseSensitive: int = 1, encoding: str = "utf8") -> None:
        """As Paragraph; plain markup skips the XML parser (:func:`plain_frags`)."""
        if frags is None and style is not None and bulletText is None and caseSensitive:
            plain = plain_frags(text, style)
            if plain is not None:
                text, frags = plain
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)

    def draw(self) -> None:
        """Draw, and note the page for :attr:`fields` when the canvas keeps a page map."""
        pages = getattr(self.canv, "field_pages", None)
        if self.fields and pages is not None:
            page = self.canv.getPageNumber()
            for fid in self.fields:
                pages.setdefault(fid, []).append(page)
        super().draw()

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
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
        result = ja_frag_split(self.frags, list(maxWidths), al not in ("", "off"), hang=self.hang,
                               phrases=self.phrases)
        self._ja_lines = (key, result)
        return result

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split as ReportLab does, but hand the second part the lines already broken.

        ReportLab rebuilds the second part from fragments and breaks it again; at
        every page of a long cell that re-broke all the text still to come, so
        printing time grew with the square of the text (issue 8).
        """
        parts = super().split(availWidth, availHeight)
        for part in parts:  # both pieces print the same fields (the page map's first and last page)
            part.fields = self.fields
        cached = getattr(self, "_ja_lines", None)
        if len(parts) == 2 and cached is not None:
            head, rest = parts
            widths = cached[0][0]
            if len(set(widths)) == 1:  # every line had the same width: the rest can reuse them
                done = len(head.blPara.lines)
                rest._ja_lines = (cached[0], ParaLines(kind=1, lines=cached[1].lines[done:]))
        out: list[Any] = parts
        return out


def to_markup(text: str, fallback: tuple[str, Callable[[str], bool], Callable[[str], bool]] | None = None) -> str:
    """User text → paragraph markup: escaped, U+3000 and line breaks preserved.

    ``fallback``: ``(font name, a character needs it, a text needs it)``: runs of
    characters the Japanese faces lack are set in that font (Arabic and Hebrew in
    DejaVu, in logical order).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fallback is not None and not text.isascii() and fallback[2](text):
        font, needs, _any = fallback
        out: list[str] = []
        run: list[str] = []
        state = False
        for c in [*text, ""]:
            now = bool(c) and needs(c)
            if c == "" or now != state:
                if run:
                    m = _markup("".join(run))
                    out.append(f'<font name="{font}">{m}</font>' if state else m)
                run = []
                state = now
            run.append(c)
        return "".join(out)
    return _markup(text)


def _markup(text: str) -> str:
    s = escape(text)
    s = s.replace("\u3000", "&#12288;")
    # Leading/adjacent ASCII spaces would be collapsed by the parser; keep them visible.
    s = s.replace("  ", " &#160;")
    return s.replace("\n", "<br/>")


# ---- drawing: justification (両端揃え) via character spacing, and the spacing above ------
MAX_TC_EM = 0.15
_orig = {name: getattr(_rlp, name) for name in
         ("_leftDrawParaLineX", "_centerDrawParaLineX", "_rightDrawParaLineX", "_justifyDrawParaLineX")}


def _draw_ja_line(tx: Any, offset: float, line: Any, last: int, char_space: float) -> Any:
    """Draw one line word by word with ``Tc`` = justification + the per-character spacing.

    Spacing is glyph positioning only (``Tc`` before a character's successor): no space
    character is added, so text extraction gives the characters as typed.
    """
    tx._x_offset = offset
    _rlp.setXPos(tx, offset)
    xs = tx.XtraState
    if tx._leading != xs.leading:
        tx.setLeading(xs.leading)
    adj: dict[int, float] = getattr(line, "jaAdj", {})
    if char_space:
        tx.setCharSpace(char_space)
    words = line.words
    pos = 0
    for wi, f in enumerate(words):
        if (tx._fontname, tx._fontsize) != (f.fontName, f.fontSize):
            tx._setFont(f.fontName, f.fontSize)
        if xs.textColor != f.textColor:
            xs.textColor = f.textColor
            tx.setFillColor(f.textColor)
        if xs.rise != f.rise:
            xs.rise = f.rise
            tx.setRise(f.rise)
        text = f.text
        n = len(text)
        here = {i - pos: d for i, d in adj.items() if pos <= i < pos + n} if adj else None
        if here:
            text_out_adjusted(tx, text, here, wi == len(words) - 1)
        else:
            tx._textOut(text, wi == len(words) - 1)
        pos += n
    if char_space:
        tx.setCharSpace(0)
    _rlp.setXPos(tx, -offset)
    return offset


def _simple(line: Any) -> bool:
    """A line :func:`_draw_ja_line` can draw: plain text runs, no links, underlines or images."""
    return getattr(line, "jaJustify", False) and not any(
        hasattr(w, "cbDefn") or getattr(w, "link", None) or getattr(w, "us_lines", None)
        or getattr(w, "backColor", None) for w in line.words)


def _ja_left(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
    if getattr(line, "jaAdj", None) and _simple(line):
        return _draw_ja_line(tx, offset, line, last, 0.0)
    return _orig["_leftDrawParaLineX"](tx, offset, line, last)


def _ja_center(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
    if getattr(line, "jaAdj", None) and _simple(line):
        return _draw_ja_line(tx, offset + 0.5 * line.extraSpace, line, last, 0.0)
    return _orig["_centerDrawParaLineX"](tx, offset, line, last)


def _ja_right(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
    if getattr(line, "jaAdj", None) and _simple(line):
        return _draw_ja_line(tx, offset + line.extraSpace, line, last, 0.0)
    return _orig["_rightDrawParaLineX"](tx, offset, line, last)


def _ja_justify(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
    if _simple(line):
        n = sum(len(w.text) for w in line.words)
        stretch = (not last and not line.lineBreak and n > 1
                   and 1e-3 < line.extraSpace <= MAX_TC_EM * line.fontSize * (n - 1))
        if stretch or getattr(line, "jaAdj", None):
            return _draw_ja_line(tx, offset, line, last, line.extraSpace / (n - 1) if stretch else 0.0)
    return _orig["_justifyDrawParaLineX"](tx, offset, line, last)


def enable_justify() -> None:
    """Make ``TA_JUSTIFY`` work for CJK lines (ReportLab ignores it) and draw the
    inter-character spacing of :func:`spacing` in every alignment; idempotent."""
    _rlp._leftDrawParaLineX = _ja_left
    _rlp._centerDrawParaLineX = _ja_center
    _rlp._rightDrawParaLineX = _ja_right
    _rlp._justifyDrawParaLineX = _ja_justify
