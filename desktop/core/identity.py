"""What makes two sheets "the same": defined once, here, for every part of hyoka.

- **The same contribution**: the same fiscal year and the same contribution name
  after NFKC and whitespace normalisation (全角／半角, leading and trailing spaces
  and spaces next to Japanese text or brackets do not matter; a run of spaces
  between Latin words counts as one).
- **The same organisation**: the same fiscal year and the same organisation name
  after the same normalisation, or names the office declared as aliases of one
  another (「国際移住機関（ＩＯＭ）」 = 「IOM」).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["AliasTable", "contribution_key", "normalize_name", "organization_key"]


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


class AliasTable:
    """Organisation names the office declared equal; each group resolves to one canonical name."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self._canon: dict[str, str] = {}
        for group in groups:
            self.add(group)

    def add(self, names: Iterable[str]) -> None:
        normal = [n for n in (normalize_name(x) for x in names) if n]
        if not normal:
            return
        # merge with any group a name already belongs to
        targets = {self._canon.get(n, n) for n in normal}
        canon = min(targets)
        for key, value in list(self._canon.items()):
            if value in targets:
                self._canon[key] = canon
        for n in normal:
            self._canon[n] = canon

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> AliasTable:
        """``{alias: name}`` pairs, as kept in the database's settings."""
        return cls([k, v] for k, v in mapping.items())

    def canonical(self, name: str | None) -> str:
        normal = normalize_name(name)
        return self._canon.get(normal, normal)


def organization_key(fiscal_year: int | None, organization: str | None,
                     aliases: AliasTable | None = None) -> tuple[int | None, str] | None:
    """The key two sheets about the same organisation share; ``None`` when the name is empty."""
    name = (aliases or AliasTable()).canonical(organization)
    return (fiscal_year, name) if name else None
