"""Entry point of the page-count worker process (see ``desktop/gui/page_count.py``).

It sits outside ``desktop.pdf`` and ``desktop.gui`` on purpose: the app names it as the
process target without importing ReportLab (``desktop.pdf`` loads it), and the spawned
child runs it without importing Qt.
"""

from __future__ import annotations

from typing import Any


def run(conn: Any) -> None:
    """Serve page-map requests on ``conn`` until told to stop (:func:`desktop.pdf.pagemap.serve`)."""
    from desktop.pdf.pagemap import serve

    serve(conn)
