"""Printing from the app: ≤ 600 dpi greyscale pages, in a worker thread with progress and cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.pdf import load_sheet_file, render_sheet
from desktop.pdf.verify import DEMO_DIR


@pytest.fixture
def demo_pdf(tmp_path: Path) -> Path:
    out = tmp_path / "demo.pdf"
    render_sheet(*load_sheet_file(DEMO_DIR / "001_iom_h30.json"), out)
    return out


def pdf_printer(path: Path):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def images(path: Path) -> list:
    out = []
    for page in PdfReader(path).pages:
        xo = page["/Resources"].get("/XObject", {})
        out += [xo[k].get_object() for k in xo]
    return out


def test_print_job_is_600_dpi_greyscale(gui_app, demo_pdf: Path, tmp_path: Path) -> None:
    from PySide6.QtPdf import QPdfDocument

    from desktop.gui.printing import print_pdf

    doc = QPdfDocument()
    doc.load(str(demo_pdf))
    job = tmp_path / "job.pdf"
    printer = pdf_printer(job)
    assert printer.resolution() == 1200
    assert print_pdf(doc, printer)
    imgs = images(job)
    assert len(imgs) == doc.pageCount()
    for im in imgs:
        assert im["/Width"] <= 595 / 72 * 600 + 1, im["/Width"]
        assert im["/ColorSpace"] == "/DeviceGray"
    assert job.stat().st_size < 3_000_000 * doc.pageCount()


def test_print_runs_in_a_worker_with_progress_and_cancel(gui_app, qtbot, demo_pdf: Path, tmp_path: Path,
                                                          messages) -> None:
    from desktop.gui.dialogs import PreviewDialog

    dlg = PreviewDialog(demo_pdf, "x.pdf")
    qtbot.addWidget(dlg)
    seen: list[int] = []
    job = dlg.start_print(pdf_printer(tmp_path / "job.pdf"))
    job.progressed.connect(lambda done, _n: seen.append(done))
    assert dlg.progress.maximum() == dlg.page_count()
    qtbot.waitUntil(job.isFinished, timeout=60_000)
    qtbot.wait(10)
    assert job.ok and not job.error and (tmp_path / "job.pdf").stat().st_size > 0
    assert not dlg.progress.isVisible()

    job2 = dlg.start_print(pdf_printer(tmp_path / "job2.pdf"))
    from PySide6.QtWidgets import QPushButton

    dlg.progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
    qtbot.waitUntil(job2.isFinished, timeout=60_000)
    assert job2.cancelled and not job2.ok and not job2.error and messages == []



def test_saving_the_preview_where_it_cannot_be_written_says_so_and_keeps_the_old_file(
        gui_app, demo_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages) -> None:
    """「PDF として保存…」 into a folder that is gone, or onto a full disk, gives a one-line message
    naming the file (it raised out of the button's slot and the officer saw nothing); a file that
    was there is not left half written."""
    import errno
    import shutil

    from desktop.gui import dialogs, folders

    def save_to(path: Path) -> None:
        monkeypatch.setattr(folders, "save_file", lambda *_a, **_k: path)
        dlg.save_as()

    dlg = dialogs.PreviewDialog(demo_pdf, "demo.pdf")
    try:
        gone = tmp_path / "gone" / "out.pdf"
        save_to(gone)
        assert len(messages) == 1 and str(gone) in messages[-1][1] and "\n" not in messages[-1][1]
        assert not gone.parent.exists()

        old = tmp_path / "old.pdf"
        old.write_bytes(b"%PDF-old")
        real_copy = shutil.copyfile

        def full_disk(src: str, dst: str, **_kw: object) -> str:
            Path(dst).write_bytes(Path(src).read_bytes()[:100])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(shutil, "copyfile", full_disk)
        save_to(old)
        assert len(messages) == 2 and str(old) in messages[-1][1] and "ディスク" in messages[-1][1]
        assert old.read_bytes() == b"%PDF-old"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.pdf", "old.pdf"]  # no temp file left

        monkeypatch.setattr(shutil, "copyfile", real_copy)
        save_to(old)
        assert old.read_bytes() == demo_pdf.read_bytes() and len(messages) == 2
    finally:
        dlg.close()
