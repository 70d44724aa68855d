"""Headless checks of a produced PDF, shared by the tests and the benchmark.

pypdf / pdfplumber are test-time dependencies, so they are imported lazily.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.core.resources import resource_dir
from desktop.pdf.linebreak import NO_END, NO_START

DEMO_DIR = resource_dir("demo")
_WS = re.compile(r"\s+")


def squash(s: str) -> str:
    """Text with all whitespace (incl. U+3000, NBSP) removed, for round-trip comparison."""
    return _WS.sub("", s)


def strip_continued(text: str, form: object) -> str:
    """Squashed ``text`` without the 「label（続き）」 heads of cells continued on a new page."""
    labels = {f.display_label for f in form.fields} | {f.label for f in form.fields}  # type: ignore[attr-defined]
    labels |= {c.label for g in form.groups.values() for row in g.rows for c in row}  # type: ignore[attr-defined]
    labels |= {x for g in form.groups.values() for x in (g.display_label, g.label)}  # type: ignore[attr-defined]
    for label in sorted(labels, key=len, reverse=True):
        text = text.replace(squash(label + "（続き）"), "")
    return text


_FOOTER = re.compile(r"\s*\d+\s*/\s*\d+\s*$")


def pdf_text(path: Path | str, *, footers: bool = False) -> str:
    """The text of all pages (pypdf keeps U+3000); page footers "n / N" removed unless asked."""
    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
    if not footers:
        pages = [_FOOTER.sub("", p) for p in pages]
    return "".join(pages)


def paragraph_starts(texts: Iterable[str], n: int = 8) -> set[str]:
    """First characters of every paragraph: a bullet ``・`` may begin a paragraph."""
    out = set()
    for t in texts:
        for para in t.split("\n"):
            sq = squash(para)
            if sq:
                out.add(sq[:n])
    return out


def kinsoku_violations(path: Path | str, starts: Iterable[str] = (), gap: float = 8,
                       tol: float = 2) -> list[tuple[int, str]]:
    """Visual lines (split into cell runs at gaps > ``gap`` pt) that start or end badly.

    typography.md §5(b): group chars by baseline, sort by x, split runs at gaps. A run
    that begins a paragraph (its text starts with one of ``starts``, see
    :func:`paragraph_starts`) may start with any character: the rule is about wrapping.
    """
    starts = tuple(starts)
    import pdfplumber

    bad: list[tuple[int, str]] = []
    with pdfplumber.open(str(path)) as pdf:
        for pno, page in enumerate(pdf.pages, 1):
            chars = sorted(page.chars, key=lambda c: c["bottom"])
            rows: list[list[dict[str, Any]]] = []
            cur: list[dict[str, Any]] = []
            for c in chars:
                if cur and abs(c["bottom"] - cur[-1]["bottom"]) > tol:
                    rows.append(cur)
                    cur = []
                cur.append(c)
            if cur:
                rows.append(cur)
            for row in rows:
                row.sort(key=lambda c: c["x0"])
                run = [row[0]]
                for a, b in zip(row, [*row[1:], None], strict=True):
                    if b is None or b["x0"] - a["x1"] > gap:
                        s = "".join(c["text"] for c in run).strip()
                        sq = squash(s)
                        para = any(sq.startswith(p) or p.startswith(sq) for p in starts)
                        bad_start = s and s[0] in NO_START and not para
                        if s and (bad_start or s[-1] in NO_END):
                            bad.append((pno, s))
                        run = [b] if b else []
                    else:
                        run.append(b)
    return bad


def unembedded_fonts(path: Path | str) -> list[str]:
    """Base names of fonts without an embedded font program (checked through pypdf)."""
    from pypdf import PdfReader

    bad: list[str] = []
    seen = 0
    for page in PdfReader(str(path)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            seen += 1
            desc = font.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                bad.append(str(font.get("/BaseFont")))
    if not seen:
        bad.append("(no fonts at all)")
    return bad
