"""Printing the previewed PDF: pages rasterised in a worker thread, with progress and cancel.

QtPdf turns each page into an image for the printer. At the printer's own
resolution (``QPrinter.HighResolution``: 1200 dpi) a page is ~140 MB of pixels, so
the images are rendered at no more than :data:`MAX_DPI` and sent in greyscale when
the page has no colour. The work happens in :class:`PrintJob` (a ``QThread``) so the
window stays responsive; painting onto a ``QPrinter`` and a ``QImage`` outside the
GUI thread is supported by Qt.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QThread, Signal
from PySide6.QtGui import QImage, QPainter

MAX_DPI = 600


def page_image(document: object, index: int, size: QSize) -> QImage:
    """One page on white (QtPdf renders on transparent), greyscale if it has no colour."""
    rendered = document.render(index, size)  # type: ignore[attr-defined]
    page = QImage(size, QImage.Format.Format_RGB32)
    page.fill(Qt.GlobalColor.white)
    p = QPainter(page)
    p.drawImage(0, 0, rendered)
    p.end()
    if page.allGray():
        page = page.convertToFormat(QImage.Format.Format_Grayscale8)
    return page


def all_grey(document: object, dpi: int = 36) -> bool:
    """Whether no page has colour (checked on small renderings: cheap, and enough for text)."""
    for i in range(document.pageCount()):  # type: ignore[attr-defined]
        pt = document.pagePointSize(i)  # type: ignore[attr-defined]
        size = QSize(max(1, round(pt.width() * dpi / 72)), max(1, round(pt.height() * dpi / 72)))
        if not page_image(document, i, size).isGrayscale():
            return False
    return True


def print_pdf(document: object, printer: object, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> bool:
    """Paint each page of a loaded QPdfDocument onto a QPrinter; False if cancelled or refused."""
    from PySide6.QtPrintSupport import QPrinter

    if printer.colorMode() == QPrinter.ColorMode.Color and all_grey(document):  # type: ignore[attr-defined]
        printer.setColorMode(QPrinter.ColorMode.GrayScale)  # type: ignore[attr-defined]
    painter = QPainter()
    if not painter.begin(printer):  # type: ignore[arg-type]
        return False
    try:
        n = document.pageCount()  # type: ignore[attr-defined]
        device_dpi = printer.resolution()  # type: ignore[attr-defined]
        scale = min(device_dpi, MAX_DPI) / device_dpi
        for i in range(n):
            if cancelled is not None and cancelled():
                printer.abort()  # type: ignore[attr-defined]
                return False
            if i:
                printer.newPage()  # type: ignore[attr-defined]
            rect = printer.pageLayout().paintRectPixels(device_dpi)  # type: ignore[attr-defined]
            size = QSize(max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale)))
            painter.drawImage(QRectF(QPointF(0, 0), rect.size().toSizeF()), page_image(document, i, size))
            if progress is not None:
                progress(i + 1, n)
        return True
    finally:
        painter.end()


class PrintJob(QThread):
    """Prints a PDF file onto a printer in the background; ``cancel()`` stops between pages."""

    progressed = Signal(int, int)

    def __init__(self, pdf_path: Path, printer: object, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.pdf_path = Path(pdf_path)
        self.printer = printer
        self.ok = False
        self.error = ""
        self.seconds = 0.0
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    @property
    def cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:
        from PySide6.QtPdf import QPdfDocument

        start = time.perf_counter()
        document = QPdfDocument()  # created, used and dropped in this thread
        try:
            document.load(str(self.pdf_path))
            self.ok = print_pdf(document, self.printer, self.progressed.emit, lambda: self._cancel)
        except Exception as exc:  # reported on the GUI thread by the caller
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            document.close()
            self.seconds = time.perf_counter() - start
