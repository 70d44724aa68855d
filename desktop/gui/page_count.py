"""The live page count in the status bar: 「全 10 ページ／この項目は 3 ページ」.

The count comes from the printer's own layout (:mod:`desktop.pdf.pagemap`), which
holds the GIL for a few hundred milliseconds per sheet; in a thread that would make
typing stutter, so it runs in one long-lived worker *process*.

Why ``multiprocessing`` (spawn) and not QProcess running a hidden sub-command: its
pipe is a handle of its own, so it works in the windowed ``hyoka.exe``, which has no
console and no usable stdin/stdout; PyInstaller supports it through
``multiprocessing.freeze_support()`` in the entry points (``packaging/launcher.py``,
``desktop/__main__.py``), and the child imports only Qt-free modules
(``desktop/page_worker.py``). Spawn is also what Windows does, so Linux tests
exercise the same start-up. Answers are plain data: the app never imports ReportLab.

Requests are debounced (:data:`DEBOUNCE_MS` after the last edit); at most one is in
flight and only the newest waiting one is kept (the worker drops stale ones too). A
result is shown only if it belongs to the open sheet and its current values (the
request id is the edit generation). The worker starts at the first request (after the
first paint), is restarted when it dies or hangs, and stopped on exit. It never
blocks the UI: the pipe is polled by a timer. When it fails, the label says
「ページ数：—」 and the tooltip says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.core.i18n import _

from .controller import FormController

DEBOUNCE_MS = 700  # after the last edit
POLL_MS = 40  # how often the pipe is looked at while a request is out
HANG_S = 30.0  # a layout taking longer than this means the worker hangs: it is killed and restarted
MAX_RESTARTS = 2  # in a row without an answer; then 「ページ数：—」 until the next edit


class PageWorker:
    """One spawned worker process running :func:`desktop.pdf.pagemap.serve`."""

    def __init__(self) -> None:
        self.process: Any = None  # multiprocessing.context.SpawnProcess
        self.conn: Any = None  # multiprocessing.connection.Connection

    def start(self) -> None:
        import multiprocessing  # here: not on the way to the first paint

        from desktop.page_worker import run

        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=run, args=(theirs,), name="hyoka-pages", daemon=True)
        proc.start()
        theirs.close()
        self.process, self.conn = proc, ours

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self, wait: float = 1.0) -> None:
        """Ask the worker to end; terminate (then kill) it if it does not within ``wait`` s."""
        proc, conn = self.process, self.conn
        self.process = self.conn = None
        if proc is None:
            return
        try:
            conn.send(None)
        except (OSError, ValueError):
            pass
        proc.join(wait)
        if proc.is_alive():
            proc.terminate()
            proc.join(1.0)
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)
        conn.close()


class PageCountLabel(QLabel):
    """The status bar's page count for the open sheet and the field with the focus."""

    def __init__(self, controller: FormController, current_field: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageCount")
        self.setContentsMargins(0, 0, 12, 0)  # apart from the findings count beside it
        self.controller = controller
        self.current_field = current_field
        self.worker = PageWorker()
        self.generation = 0  # bumped by every edit, load and close: a request's id
        self.pending: tuple[int, str, dict[str, Any]] | None = None  # the newest request not yet sent
        self.in_flight: tuple[int, str, dict[str, Any]] | None = None
        self.sent_at = 0.0
        self.failures = 0
        self.restarts = 0
        self.ignored = 0  # stale results dropped (for the tests)
        self.pages = 0  # the last map of the open sheet: page count (0: none yet) …
        self.fields: dict[str, tuple[int, int]] = {}  # … and each field's (first, last) page
        self.shown_generation = -1
        self.error = ""
        self._closed = False
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.request_now)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.poll)
        controller.valuesChanged.connect(self._value_changed)
        controller.sheetLoaded.connect(self._loaded)
        controller.sheetClosed.connect(self._loaded)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # a bound slot: disconnected when this label goes
            app.focusChanged.connect(self._focus_changed)
        self.hide()

    def _value_changed(self, _field_id: str) -> None:
        self._changed()

    def _focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.refresh()  # the last map: no new layout

    # ------------------------------------------------------------ requests
    def _loaded(self) -> None:
        """Another sheet (or none): the old map says nothing about it."""
        self.pages, self.fields, self.error = 0, {}, ""
        self._changed()

    def _changed(self) -> None:
        self.generation += 1
        self.failures = 0
        if self.controller.form is None:
            self._debounce.stop()
            self.pending = None
            self.refresh()
            return
        self._debounce.start()
        self.refresh()

    def request_now(self) -> None:
        """Queue a layout of the open sheet as it is now (replacing any request not yet sent)."""
        self._debounce.stop()
        form = self.controller.form
        if form is None or self._closed:
            return
        self.pending = (self.generation, form.id, dict(self.controller.values))
        self._pump()

    def _pump(self) -> None:
        if self.in_flight is not None or self.pending is None or self._closed:
            return
        if not self.worker.alive():
            self.worker.stop(0)  # a dead one's pipe and process object
            try:
                self.worker.start()
            except (OSError, RuntimeError, ValueError) as exc:  # no process to be had: say so, go on
                self.pending, self.pages, self.fields = None, 0, {}
                self.error, self.shown_generation = str(exc).strip().splitlines()[0], self.generation
                self.refresh()
                return
        request, self.pending = self.pending, None
        try:
            self.worker.conn.send(request)
        except (OSError, ValueError):  # gone between the check and the send
            self.pending = request
            self._restart()
            return
        self.in_flight, self.sent_at = request, time.monotonic()
        self._poll.start()

    def poll(self) -> None:
        """Take the worker's answer, or notice that it died or hangs."""
        if self.in_flight is None:
            self._poll.stop()
            return
        try:
            ready = self.worker.conn.poll()
            answer = self.worker.conn.recv() if ready else None
        except (EOFError, OSError, ValueError):
            self._restart()
            return
        if answer is None:
            if not self.worker.alive() or time.monotonic() - self.sent_at > HANG_S:
                self._restart()
            return
        self._answered(*answer)

    def _answered(self, req_id: int, pages: int, fields: dict[str, tuple[int, int]], error: str) -> None:
        self.in_flight = None
        self.failures = 0
        if req_id != self.generation:  # another sheet, or values changed since: stale
            self.ignored += 1
        else:
            self.pages, self.fields, self.error = pages, dict(fields), error
            self.shown_generation = req_id
        self._pump()
        if self.in_flight is None:
            self._poll.stop()
        self.refresh()

    def _restart(self) -> None:
        """The worker died or hangs: a new one takes the request again (unless it is stale)."""
        request, self.in_flight = self.in_flight, None
        self.worker.stop(0)
        self.restarts += 1
        self.failures += 1
        if self.failures > MAX_RESTARTS:
            self._poll.stop()
            self.pending = None
            self.pages, self.fields = 0, {}
            self.error = _("印刷用のレイアウトを計算する処理が応答しません。")
            self.shown_generation = self.generation
            self.refresh()
            return
        if self.pending is None and request is not None and request[0] == self.generation:
            self.pending = request
        self._pump()
        if self.in_flight is None:
            self._poll.stop()

    def shutdown(self) -> None:
        """On exit: no more requests; the worker is asked to end and reaped."""
        self._closed = True
        self._debounce.stop()
        self._poll.stop()
        self.worker.stop()

    # ------------------------------------------------------------ display
    def refresh(self) -> None:
        """Show the last map for the open sheet, for the field with the focus (no new layout)."""
        if self.controller.form is None:
            self.hide()
            return
        self.show()
        outdated = self.shown_generation != self.generation
        if self.error:
            self.setText(_("ページ数：—"))
            self.setToolTip(_("印刷したときのページ数を計算できませんでした：{error}").format(error=self.error))
            self.setStyleSheet("color: #777;")
            return
        if not self.pages:
            self.setText(_("ページ数：…"))
            self.setToolTip(_("印刷したときのページ数を計算しています。"))
            self.setStyleSheet("color: #777;")
            return
        where = self.fields.get(self.current_field())
        if where is None:
            text = _("全 {n} ページ").format(n=self.pages)
        elif where[0] == where[1]:
            text = _("全 {n} ページ／この項目は {page} ページ").format(n=self.pages, page=where[0])
        else:
            text = _("全 {n} ページ／この項目は {first}～{last} ページ").format(n=self.pages, first=where[0], last=where[1])
        self.setText(text)
        self.setToolTip(_("印刷したときのページ数と，入力中の項目が載るページ（入力が止まってから約 1 秒で更新）"))
        self.setStyleSheet("color: #777;" if outdated else "")
