"""Turn a published sheet (PDF, text) or a Word file into a hyoka sheet.

``sources`` reads a file's text, ``plan`` derives from the format definition where
each field is printed, ``reader`` matches the plan against the text and reports
per field (recovered / empty / uncertain / missing) plus every piece of text that
found no field. See ``import_file`` for the one call the CLI and the app use.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.definition import FormDef, get_form
from desktop.core.i18n import _
from desktop.core.sheet_import.reader import (
    EMPTY,
    MISSING,
    RECOVERED,
    UNCERTAIN,
    FieldResult,
    ImportResult,
    agreement,
    detect,
    read_text,
)
from desktop.core.sheet_import.sources import SourceError, read_source

MIN_SCORE = 0.3

__all__ = [
    "EMPTY", "MISSING", "RECOVERED", "UNCERTAIN", "FieldResult", "ImportResult", "SourceError",
    "UnknownSheetError", "agreement", "detect", "import_file", "import_text", "read_source", "read_text",
]


class UnknownSheetError(ValueError):
    """The text is not recognizably a sheet of any installed format."""


def import_text(text: str, form_id: str | None = None) -> ImportResult:
    if form_id:
        form: FormDef = get_form(form_id)
        score = 1.0
    else:
        found, score = detect(text)
        if found is None or score < MIN_SCORE:
            raise UnknownSheetError(_("評価シートの様式を判別できません（ラベルが見つかりません）。--format で様式を指定してください。"))
        form = found
    result = read_text(text, form)
    result.score = score
    return result


def import_file(path: Path | str, form_id: str | None = None) -> ImportResult:
    """Read ``path`` (PDF, .docx or text); raises :class:`SourceError` or :class:`UnknownSheetError`."""
    _kind, text = read_source(path)
    return import_text(text, form_id)
