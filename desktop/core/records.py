"""The plain records a sheet's store keeps and interchange files carry: statuses, review
comments, and the store's errors. Apart from :mod:`desktop.core.store` so that reading a
file or printing one does not load SQLite and sqlite-utils (a tenth of ``hyoka pdf``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.i18n import _

STATUSES = ("draft", "complete")
# Interchange file versions (see desktop.core.interchange): here so that the command line can
# offer ``export --schema`` without loading the file reader.
SCHEMA_VERSION = 2
SUPPORTED_VERSIONS = (1, 2)


class StoreError(Exception):
    """A problem with the database file; the message is for the user."""


class ConflictError(StoreError):
    """A write based on a state that is no longer the sheet's current one.

    Raised instead of overwriting what the writer never read (another process,
    a CLI import while the app is open); the caller decides what to do.
    """

    def __init__(self, sheet_id: int, expected: str, current: str):
        super().__init__(_("シート {id} は読み込んだ後に別のところで変更されています。").format(id=sheet_id))
        self.sheet_id, self.expected, self.current = sheet_id, expected, current


COMMENT_STATUSES = ("open", "resolved")


@dataclass
class Comment:
    """A review comment (指摘) on one field (``field_id``) or on the whole sheet (``""``)."""

    id: str
    sheet_id: int
    field_id: str
    author: str
    created: str
    text: str
    status: str = "open"
    resolved: str = ""
    resolved_by: str = ""
    updated: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def as_dict(self) -> dict[str, Any]:
        """The comment as an interchange file's ``review`` entry (sheet not included)."""
        out: dict[str, Any] = {"id": self.id, "field": self.field_id or None, "author": self.author,
                               "created": self.created, "text": self.text, "status": self.status,
                               "updated": self.updated or self.created}
        if self.resolved:
            out["resolved"] = self.resolved
        if self.resolved_by:
            out["resolved_by"] = self.resolved_by
        return out
