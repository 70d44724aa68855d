"""Every private ReportLab API the printer relies on, in one place.

ReportLab is pinned (``reportlab==5.1.*`` in pyproject.toml); importing this module
checks the major/minor version so an upgrade fails loudly here rather than printing
subtly wrong PDFs. The tests in ``tests/test_pdf_*.py`` guard each use.

* paragraph internals for the JLREQ line breaker (:mod:`desktop.pdf.linebreak`);
* table internals for splitting a row and labelling its continuation (``layout.Block``);
* :func:`patch_tounicode`: ReportLab writes a code point outside the BMP into the
  ToUnicode CMap as ``<%04X>`` (``<20B9F>`` for 𠮟), which readers take as a BMP
  character or drop; PDF wants the UTF-16BE surrogate pair (``<D842DF9F>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from desktop.lazy import LazyPattern as LazyPattern  # re-exported for the tests
from desktop.lazy import lazy_module, lazy_patterns

# Regular expressions compiled at import by ReportLab (or the standard modules it imports) for
# work a printed sheet never does, compiled on first use instead
# (a pattern starting with one of these; the type must match):
DEFERRED_PATTERNS: tuple[str | bytes, ...] = (
    "(^(?:[a-z0-9\\.\\-\\+]*)://)",  # paragraph.uri_pat (~35 ms: case-insensitive ranges to U+FFFF), uriWasteReduce
    "([\u2e80-\uffff])",  # textsplit.rx, for bytes text in an old splitter
    "\n        ( # any whitespace",  # textwrap.TextWrapper.wordsep_re (imported by ReportLab)
    b"(__libc_init)",  # platform._libc_search, for platform.libc_ver()
    "[ \t]*[A-Za-z_][A-Za-z_0-9.]*",  # PyFontify.idRE, Python code listings
    "#[^\\n]*|(^|",  # PyFontify.matchRE
    "\\b(?:",  # rl_safe_eval's unsafe names (~3.5 ms), for <evalString> and friends
    "^(.?[<>=^])?", "^(\\d+|\\w+)(\\.\\w+",  # logging's str.format-style validation (~1 ms)
    "([0-9]+|[._+-])", "(?:([\\w ]+) ([\\w.]+) .*", "IronPython", "([\\d.]+)\\s*\\(IronPython",  # platform's
    "([\\w.+]+)\\s*\\(#?([^,]+),", "^(?P<name>[a-zA-Z0-9_]+)=", "\\\\([\\\\\\$",  # parsers of other systems
    "^['\"([{", "[]'\")}?!", "^[A-Za-z\u00c0", "^[-\u00adA-Za-z", "([-\u00ad])",  # paragraph's hyphenation
    "^[a-zA-Z][-+a-zA-Z0-9]+$",
    "\\{(m{1,5}", "(\\d\\d\\d\\d|\\d\\d)-",  # normalDate
    "^\\(\\s*([^)/]*)",  # colors: CSS-like "(r, g, b / a)" arguments
    "^\\s*(.*)\\s*\\*\\s*(P|L|f|F)", "^\\s*(.*)(i|in|cm|mm|pt|pica)",  # paraparser's lengths in markup
)
# reportlab.lib.utils imports Pillow at once (~15 ms) for bitmaps the sheet never holds.
DEFERRED_MODULES = ("PIL.Image",)


@contextmanager
def deferred_work() -> Iterator[None]:
    """While ReportLab is imported: :data:`DEFERRED_PATTERNS` compile lazily
    (:func:`desktop.lazy.lazy_patterns`) and :data:`DEFERRED_MODULES` load lazily
    (:class:`importlib.util.LazyLoader`: run on first attribute use). Nothing changes for a
    module or pattern already loaded."""
    for name in DEFERRED_MODULES:
        try:
            lazy_module(name)
        except ImportError:  # not installed: nothing to defer
            continue
    with lazy_patterns(DEFERRED_PATTERNS):
        yield


with deferred_work():
    import reportlab
    import reportlab.platypus.paragraph as rl_paragraph
    from reportlab.pdfbase import ttfonts
    from reportlab.platypus.paragraph import FragLine, ParaLines, cjkU, makeCJKParaLine
    from reportlab.rl_config import _FUZZ as FUZZ

PINNED = (5, 1)
if tuple(int(x) for x in reportlab.Version.split(".")[:2]) != PINNED:  # pragma: no cover
    raise ImportError(f"hyoka needs ReportLab {PINNED[0]}.{PINNED[1]}.x (private APIs), found {reportlab.Version}")


# ---- Table internals (desktop.pdf.layout.Block splits rows and relabels the rest)
def table_cells(table: Any) -> list[list[Any]]:
    """The table's cell contents, row by row (mutable until the table is wrapped)."""
    cells: list[list[Any]] = table._cellvalues
    return cells


def table_row_heights(table: Any) -> list[float]:
    """Row heights measured by the last wrap."""
    heights: list[float] = table._rowHeights
    return heights


def table_height(table: Any) -> float | None:
    """Total height measured by the last wrap, None before any wrap."""
    return getattr(table, "_height", None)


def remeasure_row(table: Any, row: int) -> None:
    """Make the next wrap measure ``row`` from its contents again."""
    table._argH[row] = None


# Code points standing for a glyph that has no code point of its own (a variation
# sequence's glyph, 葛󠄀 = U+845B U+E0100): private-use code → the text it stands for.
ALIASES: dict[int, str] = {}


def add_glyph_alias(font_name: str, code: int, glyph: int, text: str) -> None:
    """Make ``chr(code)`` draw ``glyph`` of a registered TrueType font, and extract as ``text``.

    Writes into the face's private ``charToGlyph`` / ``charWidths`` tables (ReportLab
    subsets by code point), after copying them: faces loaded from the font cache share
    equal tables (font_cache); :func:`make_tounicode_cmap` maps the code back to ``text``.
    """
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font_name).face
    if not face.__dict__.get("_own_tables"):
        face.charToGlyph = dict(face.charToGlyph)
        face.charWidths = dict(face.charWidths)
        face._own_tables = True
    face.charToGlyph[code] = glyph
    base = ord(text[0])
    face.charWidths[code] = face.charWidths.get(base, face.defaultWidth)
    ALIASES[code] = text


def font_table(font_name: str, tag: str) -> bytes | None:
    """A raw table of a registered TrueType font (None when the font has none)."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font_name).face
    try:
        return bytes(face.get_table(tag))
    except KeyError:
        return None


# ---- Text output with per-character positioning (linebreak's 四分アキ and 約物詰め)
def text_out_adjusted(tx: Any, text: str, adjust: dict[int, float], t_star: bool) -> None:
    """``tx._textOut(text)`` with ``adjust[i]`` points of extra advance after character ``i``.

    Written as character spacing (``Tc``) around the adjusted glyphs, not as ``TJ``
    offsets or space characters: extractors (pypdf) read a ``TJ`` gap as a space, a
    ``Tc`` change as none. For an embedded TrueType font (ReportLab's 256-glyph subsets,
    one byte per character) the operators are written directly; other fonts go through
    ``_textOut`` piece by piece.
    """
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfbase import pdfmetrics

    base = getattr(tx, "_charSpace", 0.0)
    canv = tx._canvas
    font = pdfmetrics.getFont(tx._fontname)
    if not getattr(font, "_dynamicFont", False) or getattr(font, "shapable", False):
        s = 0
        for i in sorted(adjust):
            if i > s:
                tx._textOut(text[s:i], 0)
            tx.setCharSpace(base + adjust[i])
            tx._textOut(text[i], 0)
            tx.setCharSpace(base)
            s = i + 1
        tx._textOut(text[s:], t_star)
        return
    esc = canv._escape
    code = tx._code
    tmpl = f"{fp_str(tx._fontsize)} Tf {fp_str(tx._leading)} TL"
    current = base
    keys = sorted(adjust)
    ki = 0
    pos = 0
    for subset, t in font.splitString(text, canv._doc):
        if subset != tx._curSubset:
            code.append(f"{font.getSubsetInternalName(subset, canv._doc)} {tmpl}")
            tx._curSubset = subset
        n = len(t)
        s = 0
        while ki < len(keys) and keys[ki] < pos + n:
            i = keys[ki] - pos
            want = base + adjust[keys[ki]]
            ki += 1
            if i > s:
                if current != base:
                    code.append(f"{fp_str(base)} Tc")
                    current = base
                code.append(f"({esc(t[s:i])}) Tj")
            if want != current:
                code.append(f"{fp_str(want)} Tc")
                current = want
            code.append(f"({esc(t[i : i + 1])}) Tj")
            s = i + 1
        if s < n:
            if current != base:
                code.append(f"{fp_str(base)} Tc")
                current = base
            code.append(f"({esc(t[s:])}) Tj")
        pos += n
    if current != base:
        code.append(f"{fp_str(base)} Tc")
    if t_star:
        code.append("T*")


def utf16_hex(code_point: int) -> str:
    """A code point as the hex of its UTF-16BE code units (a surrogate pair above the BMP);
    an alias from :func:`add_glyph_alias` as the text it stands for. A BMP code point is
    its one code unit, written at once (a CMap has a line for each character printed)."""
    text = ALIASES.get(code_point)
    if text is None:
        if code_point < 0x10000:
            return f"{code_point:04X}"
        text = chr(code_point)
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def make_tounicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ``makeToUnicodeCMap`` with UTF-16 destinations (PDF 32000-1 §9.10.3)."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def patch_tounicode() -> None:
    """Replace ReportLab's CMap writer (looked up as a module global at save time); idempotent."""
    ttfonts.makeToUnicodeCMap = make_tounicode_cmap


_rl_subset_name = ttfonts.TTFont.getSubsetInternalName


def subset_name(font: Any, subset: int, doc: Any) -> str:
    """``TTFont.getSubsetInternalName`` remembered in the document: asked again at every change
    of subset while drawing (thousands of times a sheet, as kanji of one line fall in different
    subsets), it looked the font's state up and formatted the name each time. The first call
    per font and subset is ReportLab's own, which also registers the font with the document."""
    names: dict[tuple[str, int], str] | None = doc.__dict__.get("hyoka_subset_names")
    if names is None:
        names = doc.hyoka_subset_names = {}
    key = (font.fontName, subset)
    name = names.get(key)
    if name is None:
        name = names[key] = _rl_subset_name(font, subset, doc)
    return name


def patch_subset_names() -> None:
    """Use :func:`subset_name` for every TrueType font; idempotent."""
    ttfonts.TTFont.getSubsetInternalName = subset_name


__all__ = [
    "ALIASES",
    "DEFERRED_MODULES",
    "DEFERRED_PATTERNS",
    "FUZZ",
    "CachedFace",
    "FragLine",
    "GlyphMetrics",
    "LazyPattern",
    "ParaLines",
    "TableSlices",
    "add_glyph_alias",
    "binary_streams",
    "cjkU",
    "compress_streams",
    "deferred_work",
    "font_table",
    "makeCJKParaLine",
    "patch_subset_names",
    "patch_tounicode",
    "remeasure_row",
    "rl_paragraph",
    "subset_name",
    "table_cells",
    "table_height",
    "table_row_heights",
    "text_out_adjusted",
    "utf16_hex",
]


def binary_streams() -> None:
    """Write compressed streams as binary, not ASCII85 (ReportLab's default for 7-bit mail):
    a fifth smaller and no pure-Python encoding pass over every font subset and page."""
    from reportlab import rl_config

    rl_config.useA85 = 0


STREAM_LEVEL = 3  # zlib's fastest kind of matching at its best; ReportLab leaves zlib's default (6)


def compress_streams(level: int = STREAM_LEVEL) -> None:
    """Deflate streams (pages, font subsets, CMaps) at ``level``. At zlib's default, deflating
    the glyph outlines of the font subsets, which hardly compress, was 7 % of ``hyoka pdf``;
    level 3 takes three fifths of that time for a file 4 % larger, and every stream inflates to
    the very bytes it did before. Idempotent."""
    import zlib

    from reportlab.pdfbase import pdfdoc

    def encode(self: Any, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, level)

    pdfdoc.PDFStreamFilterZCompress.encode = encode


class GlyphMetrics:
    """A face's ``hmetrics`` kept as two arrays (advance, left side bearing per glyph): loaded
    from the cache without building a tuple per glyph; indexed as ReportLab's subsetter does."""

    def __init__(self, advances: Sequence[float], bearings: Sequence[int]) -> None:
        self.advances = advances
        self.bearings = bearings

    def __len__(self) -> int:
        return len(self.advances)

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        return self.advances[glyph], self.bearings[glyph]


class TableSlices:
    """A table of the font file read slice by slice (the subsetter takes a few hundred glyphs
    out of a 'glyf' table of several MB), instead of a copy of the whole table per subset."""

    def __init__(self, data: Any, start: int, length: int) -> None:
        self.data = data
        self.start = start
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, part: slice) -> bytes:
        lo, hi, _step = part.indices(self.length)
        return bytes(self.data[self.start + lo : self.start + max(lo, hi)])


class CachedFace(ttfonts.TTFontFace):  # type: ignore[misc]  # ReportLab has no type hints
    """A face rebuilt from saved attributes (font_cache). An attribute in ``_deferred``
    (the file's bytes, the glyph → characters map only shaping uses) is loaded on first
    use; the 'glyf' table is sliced where it lies (:class:`TableSlices`)."""

    def __getattr__(self, name: str) -> Any:
        load = self.__dict__.get("_deferred", {}).pop(name, None)
        if load is None:
            raise AttributeError(name)
        value = self.__dict__[name] = load()
        return value

    def get_table(self, tag: str) -> Any:
        if tag != "glyf":
            return super().get_table(tag)
        pos, length = self.get_table_pos(tag)
        return TableSlices(self._ttf_data, pos, length)


def font_from_face(name: str, state: dict[str, Any], deferred: dict[str, Callable[[], Any]]) -> Any:
    """A ``TTFont`` built from a parsed face's saved attributes without parsing (what ``TTFont.__init__``
    / ``TTFontFile.extractInfo`` would have set; see font_cache); ``deferred`` attributes
    (``_ttf_data`` at least) are loaded by their function when first used."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config

    face = CachedFace.__new__(CachedFace)
    face.__dict__.update(state)
    face._deferred = dict(deferred)
    factor: float = 1000 / int(face.unitsPerEm)

    def scale(x: float) -> float:
        return x * factor

    face._pdfScale = scale
    for attr in ("charToGlyph", "charWidths", "glyphPos", "hmetrics", "table", "name", "_ttf_data"):
        if attr not in face.__dict__ and attr not in face._deferred:
            raise ValueError(f"cached font lacks {attr}")
    font = ttfonts.TTFont.__new__(ttfonts.TTFont)
    font.fontName = name
    font.face = face
    font.encoding = ttfonts.TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, g) for g in rl_config.unShapedFontGlob)
    return font
