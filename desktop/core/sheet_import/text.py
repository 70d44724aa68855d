"""Text as PDF extraction leaves it, made matchable and turned back into field values.

``Doc`` holds the extracted text and a normalized copy (NFKC per character, so
full- and half-width variants compare equal) with a map back to the original, so
values are always cut from the original characters. Parts already used by a field
are blanked in the normalized copy: patterns tolerate whitespace, so a consumed
label never matches twice and never blocks a neighbour.
"""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z]+)[^<>]{0,400}>")
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "li", "br", "div", "tr", "td", "th", "table"})
FOOTER = re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$")  # the printer's page numbers "n / N"
CONTINUED = ("（続き）", "(続き)")


def strip_markup(text: str) -> str:
    """HTML fragments some extractors leave (``<p>``, ``<ul …>``): block tags become line breaks."""
    if "<" not in text:
        return text
    return _TAG.sub(lambda m: "\n" if m.group(1).lower() in _BLOCK_TAGS else "", text)


def prepare(text: str) -> str:
    """Line endings, tabs (table cells in extracted text) and markup, before anything is matched."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\x00", "")
    text = strip_markup(text).replace("\t", "\n")
    # "- ・ item" (a list rendered as Markdown) is the item
    return re.sub(r"(?m)^[ \u3000]*[-*][ \u3000]+(?=・)", "", text)


class Doc:
    """The original text, its normalized copy and which characters are already used."""

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(text):
            n = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
            if ch in "\u3000\t":
                n = " "
            for c in n or " ":
                chars.append(c)
                where.append(i)
        self.norm = "".join(chars)
        self.where = [*where, len(text)]
        self.work = list(self.norm)  # consumed characters become spaces

    def working(self) -> str:
        return "".join(self.work)

    def consume(self, start: int, end: int) -> None:
        for i in range(start, end):
            if self.work[i] != "\n":
                self.work[i] = " "

    def original(self, start: int, end: int) -> str:
        """The original characters behind normalized positions [start, end)."""
        if end <= start:
            return ""
        return self.text[self.where[start]: self.where[end - 1] + 1]

    def remaining(self, start: int, end: int) -> str:
        """Original text of [start, end) with the consumed parts left out (line breaks kept)."""
        out: list[str] = []
        i = start
        while i < end:
            if self.work[i] == " " and self.norm[i] != " ":
                i += 1
                continue
            j = i
            while j < end and not (self.work[j] == " " and self.norm[j] != " "):
                j += 1
            out.append(self.original(i, j))
            i = j
        return "".join(out)


def squeeze(text: str) -> str:
    """Normalized and without whitespace: how labels and values are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def literal_regex(text: str) -> str:
    """A label as a regex over normalized text: any whitespace between its characters."""
    chars = [c for c in unicodedata.normalize("NFKC", text) if not c.isspace()]
    return r"\s*".join(re.escape(c) for c in chars)


# ------------------------------------------------------------------ values from text
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_CJK_LEFT = re.compile(rf"(?<=[{_CJK}]) +(?=[0-9A-Za-z(\[（【「『])")
_SPACE_CJK_RIGHT = re.compile(rf"(?<=[0-9A-Za-z)\]%.,）】」』]) +(?=[{_CJK}])")
_SPACE_CJK_BOTH = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")
_NEW_PARAGRAPH = re.compile(r"^(?:・|【|■|●|◆|○|（\d+）|\(\d+\)|[①-⑳]|\d+[．.]\s)")


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def tidy_spaces(line: str) -> str:
    """Spaces PDF extraction puts between scripts (「2018 年 6 月」) go; spaces between words stay."""
    line = line.replace("\u3000", " ").strip()
    line = re.sub(r" {2,}", " ", line)
    line = _SPACE_CJK_LEFT.sub("", line)
    line = _SPACE_CJK_RIGHT.sub("", line)
    return re.sub(r"(?<=・) +", "", line)


def clean_lines(text: str, labels: frozenset[str] = frozenset()) -> list[str]:
    """Lines without page footers, 「（続き）」 continuation labels and blank lines."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or FOOTER.match(line):
            continue
        if line.endswith(CONTINUED):
            head = squeeze(line[: -len("（続き）")])
            if not head or any((head and lab.endswith(head)) or head.endswith(lab) for lab in labels if lab):
                continue
        out.append(line)
    return out


def paragraphs(text: str, labels: frozenset[str] = frozenset()) -> str:
    """Lines wrapped at the column width joined back into paragraphs.

    A line starts a new paragraph when it begins with 「・」, 【…】 and the like, or
    when the line before it ended well short of the column (the last line of a paragraph).
    Items run together on one line (「… ・次の項目」) are split.
    """
    lines = [tidy_spaces(x) for x in clean_lines(text, labels)]
    split: list[str] = []
    for line in lines:
        parts = re.split(r"(?<=\S) +(?=・)", line)
        split.extend(p for p in parts if p)
    if not split:
        return ""
    width = max(_width(x) for x in split)
    out: list[str] = []
    prev_short = True
    for line in split:
        if out and not prev_short and not _NEW_PARAGRAPH.match(line):
            joiner = " " if re.search(r"[A-Za-z]$", out[-1]) and re.match(r"[A-Za-z]", line) else ""
            out[-1] = out[-1] + joiner + line
        else:
            out.append(line)
        prev_short = _width(line) < width * 0.8 or len(split) == 1
    return "\n".join(out)


def single_line(text: str, labels: frozenset[str] = frozenset()) -> str:
    """A short value printed over several lines: joined without the breaks."""
    lines = [tidy_spaces(x) for x in clean_lines(text, labels)]
    out = ""
    for line in lines:
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", line):
            out += " "
        out += line
    return out


def excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
