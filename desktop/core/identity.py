"""What makes two sheets "the same contribution": defined once, here, for every part of hyoka.

The same fiscal year and the same contribution name after NFKC and whitespace
normalisation (全角／半角, leading and trailing spaces and spaces next to Japanese
text or brackets do not matter; a run of spaces between Latin words counts as one).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["contribution_key", "normalize_name"]


_INNER_SPACE = re.compile(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])")


def normalize_name(text: str | None) -> str:
    """NFKC; whitespace (full-width spaces included) trimmed, a run of it kept as one space only
    between two Latin letters or digits (「IOM Development Fund」), dropped elsewhere
    (「国際機関　（ＩＯＭ）」 = 「国際機関(IOM)」)."""
    return _INNER_SPACE.sub("", " ".join(unicodedata.normalize("NFKC", text or "").split()))


def contribution_key(fiscal_year: int | None, contribution: str | None) -> tuple[int | None, str] | None:
    """The key two sheets of the same contribution share; ``None`` when the name is empty."""
    name = normalize_name(contribution)
    return (fiscal_year, name) if name else None
