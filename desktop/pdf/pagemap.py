"""Which page of the printed sheet each field lands on, from the printer's own layout.

:func:`page_map` lays the sheet out exactly as :func:`~desktop.pdf.render.render_sheet`
does (same story, same splits, same fallback), without writing the PDF, so its page
count is the PDF's. Each paragraph that prints a field notes the page it is drawn on
(``JaParagraph.fields``); a field split over pages maps to its first and last page.

:func:`serve` is the loop of the app's page-count worker process (ReportLab holds the
GIL for the whole layout, so it runs in a process of its own, see
``desktop/gui/page_count.py``). It imports no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from desktop.core.definition import FormDef, get_form
from desktop.core.values import Values
from desktop.pdf.fonts import FontSet


@dataclass(frozen=True)
class PageMap:
    """The printed sheet's page count and each printed field's (first, last) page."""

    pages: int
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)

    def pages_of(self, field_id: str) -> tuple[int, int] | None:
        return self.fields.get(field_id)


def page_map(form: FormDef, values: Values, *, fonts: FontSet | None = None) -> PageMap:
    """Lay the sheet out as the printer does and say where everything went."""
    from desktop.pdf.render import render_sheet

    report = render_sheet(form, values, None, fonts=fonts)
    return PageMap(report.pages, dict(report.field_pages))


class Connection(Protocol):
    """The part of ``multiprocessing.connection.Connection`` the worker uses."""

    def recv(self) -> Any: ...
    def send(self, obj: Any) -> None: ...
    def poll(self, timeout: float | None = ...) -> bool: ...


def serve(conn: Connection) -> None:
    """Answer ``(request id, format id, values)`` with ``(request id, page count, {field id:
    (first, last)}, error)`` until ``None`` arrives or the other end goes away. Answers are
    plain data, so the app reads them without importing ReportLab.

    Requests that queued up while a layout ran are stale: only the newest is laid out.
    An error (a missing font, a broken value) is an answer, not the end of the worker.
    """
    while True:
        try:
            request = conn.recv()
            while request is not None and conn.poll():
                request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        req_id, form_id, values = request
        try:
            pmap = page_map(get_form(form_id), values)
            result: tuple[Any, ...] = (req_id, pmap.pages, pmap.fields, "")
        except Exception as exc:  # reported to the app, which shows 「ページ数：—」
            result = (req_id, 0, {}, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        try:
            conn.send(result)
        except (BrokenPipeError, EOFError, OSError):
            return


__all__ = ["PageMap", "page_map", "serve"]
