"""The format's writing style (表記の約束): punctuation, the 「－」 of "not applicable", section numbers.

Each format file declares its conventions in ``[conventions]`` (令和元年度: 「，」「。」, 平成30年度: 「、」「。」);
text that follows another style is a *warning*, never an error, and :func:`fix_text` rewrites it. Marks
with a legitimate use elsewhere are left alone: a comma between digits (1,000 / １５，０１５), between
Latin words ("Smith, J."), a full stop after a digit (「４．」 as an item number).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from desktop.core.definition import Conventions
from desktop.core.i18n import _

COMMAS = ("，", "、")
FULL_STOPS = ("。", "．")
# What officers type for "nothing to report" instead of 「－」 (U+FF0D): hyphens, dashes, minus, 長音.
DASH_LOOKALIKES = frozenset("-‐‑‒–—―−ーｰ﹣─")
CODES = ("punctuation", "full_stop", "not_applicable_mark", "section_number")

# Kana, CJK ideographs (with extension A and the compatibility block), 々 and 〆 (ヶ is katakana).
# Compared by code point: as a regular expression's class this took 5 ms to compile at every start.
_JA_RANGES = ((0x3041, 0x309F), (0x30A0, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_JA_MARKS = frozenset("々〆")
_DIGITS = frozenset("0123456789０１２３４５６７８９")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_TO_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
_SECTION = re.compile(r"[(（]([0-9０-９])[)）]")

# (code, pattern, is the match at i wrong?, replacement, the characters a match starts with)
Rule = tuple[str, re.Pattern[str], Callable[[str, int], bool], Callable[[re.Match[str]], str], str]


def _at(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else ""


def is_japanese(char: str) -> bool:
    """Kana, a CJK ideograph, 々 or 〆 (one character; '' is not)."""
    if len(char) != 1:
        return False
    code = ord(char)
    return any(low <= code <= high for low, high in _JA_RANGES) or char in _JA_MARKS


def _after_japanese(text: str, i: int) -> bool:
    return is_japanese(_at(text, i - 1))


def _wrong_comma(text: str, i: int) -> bool:
    """「，」「、」 or ASCII ","; a comma is right unless it is a thousands separator or Latin punctuation."""
    mark, before, after = text[i], _at(text, i - 1), _at(text, i + 1)
    if mark == ",":
        return _after_japanese(text, i)
    if before in _DIGITS and after in _DIGITS:
        return False  # 1，000 / １５，０１５
    return not (before in _LATIN and (after == " " or after in _LATIN))  # "Smith， J."


def _wrong_stop(text: str, i: int) -> bool:
    """A full stop after Japanese text; after a digit it numbers an item (「４．」) and stays."""
    if text[i] == ".":
        return _after_japanese(text, i) and _at(text, i + 1) not in _LATIN
    return _after_japanese(text, i)


def _section_to_fix(text: str, i: int) -> bool:
    """(1) / （1） / (１) as a section number; not already （１）, not after Latin text ("Article 5(1)")."""
    if text[i + 1] in "０１２３４５６７８９" and text[i] == "（" and text[i + 2] == "）":
        return False
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return _at(text, j) not in _LATIN


def _section_repl(m: re.Match[str]) -> str:
    return f"（{m.group(1).translate(_TO_WIDE)}）"


def _mark(mark: str) -> Callable[[re.Match[str]], str]:
    return lambda _m: mark


@lru_cache(maxsize=16)  # per format, not per text checked (validation asks for every text field)
def _rules(conv: Conventions) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    if conv.comma:
        other = COMMAS[1] if conv.comma == COMMAS[0] else COMMAS[0]
        rules.append(("punctuation", re.compile(f"[{other},]"), _wrong_comma, _mark(conv.comma), other + ","))
    if conv.full_stop:
        other = FULL_STOPS[1] if conv.full_stop == FULL_STOPS[0] else FULL_STOPS[0]
        starts = other + "." if conv.full_stop == "。" else other
        rules.append(("full_stop", re.compile(f"[{starts}]"), _wrong_stop, _mark(conv.full_stop), starts))
    if conv.section_numbers == "full_width":
        rules.append(("section_number", _SECTION, _section_to_fix, _section_repl, "(（"))
    return tuple(rules)


@lru_cache(maxsize=16)
def _scan(conv: Conventions) -> tuple[re.Pattern[str], dict[str, int]]:
    """One character class of every character a rule's match starts with, and which rule each
    starts: validation reads a text in one C-level pass instead of one pass per rule (nearly
    every text has nothing to report). No rule's match spans another rule's starting character,
    so the rules' own matches at those places are exactly what each rule's pass would find."""
    rules = _rules(conv)
    owner = {c: i for i, rule in enumerate(rules) for c in rule[4]}
    assert len(owner) == sum(len(rule[4]) for rule in rules), "rules must start with different characters"
    return re.compile("[" + re.escape("".join(owner)) + "]" if owner else "(?!)"), owner


def _hits(rule: Rule, text: str) -> list[re.Match[str]]:
    _code, pattern, wrong, _repl, _starts = rule
    return [m for m in pattern.finditer(text) if wrong(text, m.start())]


def _apply(rule: Rule, text: str) -> str:
    hits = _hits(rule, text)
    for m in reversed(hits):
        text = text[:m.start()] + rule[3](m) + text[m.end():]
    return text


def _wrong_dash(conv: Conventions, text: str) -> bool:
    t = text.strip(" \u3000\t\n")
    return bool(conv.not_applicable) and t != conv.not_applicable and len(t) == 1 and t in DASH_LOOKALIKES


def problems(conv: Conventions, label: str, text: str) -> list[tuple[str, str]]:
    """``(code, message)`` per convention the text breaks, each message naming the field."""
    out: list[tuple[str, str]] = []
    if _wrong_dash(conv, text):
        out.append(("not_applicable_mark", _("「{label}」：該当なしは「{mark}」（全角）で書きます（入力：「{value}」）。").format(
            label=label, mark=conv.not_applicable, value=text.strip())))
        return out
    scan, owner = _scan(conv)
    rules = _rules(conv)
    counts = [0] * len(rules)
    first: list[re.Match[str] | None] = [None] * len(rules)
    for c in scan.finditer(text):
        i = owner[c.group()]
        rule, start = rules[i], c.start()
        m = rule[1].match(text, start)
        if m is not None and rule[2](text, start):
            if not counts[i]:
                first[i] = m
            counts[i] += 1
    for rule, n, found in zip(rules, counts, first, strict=True):
        if found is not None:
            out.append((rule[0], message(conv, rule, label, found, n)))
    return out


def message(conv: Conventions, rule: Rule, label: str, found: re.Match[str], n: int) -> str:
    """What the officer reads for ``n`` places breaking ``rule``, ``found`` the first of them."""
    code, example = rule[0], found.group(0)
    shown = example + _("（半角）") if example.isascii() and code != "section_number" else example
    if code == "punctuation":
        return _("「{label}」に読点「{wrong}」が {n} 箇所あります。この様式の読点は「{mark}」です。").format(
            label=label, wrong=shown, n=n, mark=conv.comma)
    if code == "full_stop":
        return _("「{label}」に句点「{wrong}」が {n} 箇所あります。この様式の句点は「{mark}」です。").format(
            label=label, wrong=shown, n=n, mark=conv.full_stop)
    return _("「{label}」の項目番号「{wrong}」は全角で「{fixed}」と書きます（{n} 箇所）。").format(
        label=label, wrong=example, fixed=rule[3](found), n=n)


def fix_text(conv: Conventions, text: str) -> str:
    """The text written in the format's style; marks with another legitimate use stay."""
    if _wrong_dash(conv, text):
        return conv.not_applicable
    for rule in _rules(conv):
        text = _apply(rule, text)
    return text


def fix_value(conv: Conventions, value: object) -> object:
    """A text field's value (a string, or a list of lines) with :func:`fix_text` applied."""
    if isinstance(value, str):
        return fix_text(conv, value)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [fix_text(conv, x) for x in value]
    return value
