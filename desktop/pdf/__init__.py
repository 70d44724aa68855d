"""The printed evaluation sheet (ReportLab; no Qt here, see tests/test_boundary.py).

Public API::

    render_sheet(form, values, out, *, title_suffix="") -> RenderReport
    render_batch(items, out_dir, progress=None) -> list[Path]
    FontError  # no Japanese TrueType font; the message explains how to install one

The Qt app prints and previews the very bytes ``render_sheet`` writes.
"""

from __future__ import annotations

from desktop.pdf import compat  # noqa: F401  # first: ReportLab is imported with deferred work (see compat)
from desktop.pdf.fonts import FontError, FontSet, resolve_fonts
from desktop.pdf.render import RenderReport, load_sheet_file, render_batch, render_sheet

__all__ = ["FontError", "FontSet", "RenderReport", "load_sheet_file", "render_batch", "render_sheet", "resolve_fonts"]
