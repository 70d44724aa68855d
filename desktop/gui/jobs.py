"""Long work off the UI thread (Anki's ``CollectionOp`` in small).

:func:`run_job` runs ``fn(store, progress, cancelled)`` in a ``QThread`` with its
own :class:`Store` on the same database file (a sqlite3 connection belongs to the
thread that opened it), shows a progress dialog with Cancel, disables the given
actions meanwhile and hands the result (or the error message) back on the main
thread. ``progress(done, total, text)`` may be called from the worker; returning
``False`` from ``cancelled()``'s counterpart is how the work stops early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.core.i18n import _
from desktop.core.store import Store

Work = Callable[[Store, Callable[[int, int, str], None], Callable[[], bool]], Any]


class Job(QThread):
    """One piece of background work on its own Store; signals arrive on the thread that owns the Job."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, db_path: Path, fn: Work, parent: QObject | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.fn = fn
        self._cancel = False
        self.result: Any = None
        self.error = ""

    def cancel(self) -> None:
        self._cancel = True

    def cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:
        try:
            with Store(self.db_path) as store:
                self.result = self.fn(store, self.progressed.emit, self.cancelled)
        except Exception as exc:  # reported on the main thread
            self.error = " ".join(str(exc).split()) or type(exc).__name__
            self.failed.emit(self.error)
            return
        self.succeeded.emit(self.result)


def run_job(parent: QWidget, db_path: Path, fn: Work, *, title: str,
            on_done: Callable[[Any], None] | None = None, on_error: Callable[[str], None] | None = None,
            disable: Iterable[Any] = (), show_progress: bool = True) -> Job:
    """Start ``fn`` in the background; ``on_done(result)`` / ``on_error(message)`` run on the main thread."""
    job = Job(db_path, fn, parent)
    widgets = [w for w in disable if w is not None]
    for w in widgets:
        w.setEnabled(False)
    dialog: QProgressDialog | None = None
    if show_progress:
        dialog = QProgressDialog(title, _("中止"), 0, 0, parent)
        dialog.setObjectName("jobProgress")
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.cancel)

        def show(done: int, total: int, text: str) -> None:
            assert dialog is not None
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))
            dialog.setLabelText(f"{title}\n{done} / {total}　{text}")

        job.progressed.connect(show)

    def finish() -> None:
        for w in widgets:
            w.setEnabled(True)
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()

    def ok(result: Any) -> None:
        finish()
        if on_done is not None:
            on_done(result)

    def bad(message: str) -> None:
        finish()
        if on_error is not None:
            on_error(message)

    job.succeeded.connect(ok)
    job.failed.connect(bad)
    job.start()
    return job
