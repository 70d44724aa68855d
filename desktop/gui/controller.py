"""The one object that owns the open sheet's values (the views only observe it).

Every edit goes ``widget → FormController.set_value`` and comes back as signals,
so there is no widget-to-widget wiring to get out of sync. Computed fields and
applicability are refreshed synchronously (cheap, and the officer sees them as
they type); validation is debounced; autosave writes through the core's store
shortly after typing pauses, and at the latest ``AUTOSAVE_MAX_MS`` after the first
unsaved keystroke, so steady typing is never more than about a second from disk.

Writes from other processes (a CLI import or restore while the app is open) are
noticed through ``PRAGMA data_version`` — on a timer, when the window is
activated and before every write — and every write names the digest of the state
it was based on (``expected=``), so the app never writes over a state it did not
read: with no unsaved edits the sheet is reloaded; with unsaved edits
:attr:`FormController.resolve_conflict` decides (the window shows the
ConflictDialog). After writes settle the WAL is checkpointed into the main file.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.core import conventions, validation
from desktop.core.definition import FormDef
from desktop.core.i18n import _
from desktop.core.store import ConflictError, IncompleteError, NotFoundError, Sheet, Store, StoreError
from desktop.core.values import Computed, Values, applicability, compute, environment, normalize

VALIDATE_MS = 150
AUTOSAVE_IDLE_MS = 500
AUTOSAVE_MAX_MS = 700
WATCH_MS = 1500  # how often another process's writes are looked for (one PRAGMA, microseconds)
CHECKPOINT_IDLE_MS = 2000  # WAL → main file once writes have settled

# (stored sheet, local values, base values) -> ("merge", values) | ("both", None) | (None, None)
ConflictResolver = Callable[[Sheet, Values, Values], tuple[str | None, Values | None]]


class FormController(QObject):
    """Values, computed fields, findings and saving for the sheet being edited."""

    sheetLoaded = Signal()  # a different sheet (or a reloaded one) is now current
    sheetClosed = Signal()
    valuesChanged = Signal(str)  # field id; "" after a load
    fieldsReset = Signal(object)  # field ids the controller itself changed: widgets must re-show them
    computedChanged = Signal(object)  # {field_id: Computed}
    applicabilityChanged = Signal(object)  # {field_or_group_id: bool}
    findingsChanged = Signal(object)  # list[Finding]
    saved = Signal(int, str)  # revision number, kind
    dirtyChanged = Signal(bool)
    statusChanged = Signal(str)
    carriedChanged = Signal(object)  # list of field ids still marked 前年度から
    importedChanged = Signal(object)  # list of field ids still marked 取り込み (read from a published sheet)
    storeError = Signal(str)
    databaseChanged = Signal()  # another process wrote to the database (any sheet)
    reloadedFromOutside = Signal()  # the open sheet was changed elsewhere and shown again
    keptBoth = Signal(int, int)  # conflict resolved as two sheets: (the stored one, the new copy of the edits)

    def __init__(self, store: Store, *, read_only: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.read_only = read_only
        self.sheet: Sheet | None = None
        self.form: FormDef | None = None
        self.values: Values = {}
        self.loaded_values: Values = {}
        self.computed: dict[str, Computed] = {}
        self.applicable: dict[str, bool] = {}
        self.findings: list[validation.Finding] = []
        self.carried: list[str] = []
        self.previous_values: Values = {}
        self.dirty = False
        self.last_saved: float | None = None
        self._edited_carried: set[str] = set()
        self.imported: list[str] = []
        self._edited_imported: set[str] = set()
        self.validation_ms = 0.0  # cost of the last validate+emit, for the benchmark
        self.base_digest = ""  # digest of the stored state the editor's values are based on
        self.resolve_conflict: ConflictResolver | None = None
        self._seen_version: int | None = None
        # Undo for the editors without their own (choices, check boxes, ratings); text
        # boxes keep Qt's per-widget undo, which is what IME composition relies on.
        self.undo_stack = QUndoStack(self)
        self._handling_outside = False

        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._idle_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_IDLE_MS)
        self._idle_timer.timeout.connect(self.flush)
        self._max_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MAX_MS)
        self._max_timer.timeout.connect(self.flush)
        self._poll_timer = QTimer(self, interval=WATCH_MS)
        self._poll_timer.timeout.connect(self.check_outside_changes)
        self._poll_timer.start()
        self._checkpoint_timer = QTimer(self, singleShot=True, interval=CHECKPOINT_IDLE_MS)
        self._checkpoint_timer.timeout.connect(self.checkpoint)

    # ------------------------------------------------------------ loading
    @property
    def sheet_id(self) -> int | None:
        return self.sheet.id if self.sheet else None

    def load(self, sheet_id: int) -> None:
        """Make ``sheet_id`` current (saving the previous sheet first)."""
        self.flush()
        sheet = self.store.get_sheet(sheet_id)
        self._remember_version()
        self.sheet = sheet
        self.base_digest = sheet.digest
        self.form = sheet.form
        self.values = dict(sheet.values)
        self.carried = list(sheet.carried_fields)
        self._edited_carried.clear()
        self.undo_stack.clear()
        self.imported = list(sheet.imported_fields)
        self._edited_imported.clear()
        self.previous_values = {}
        if sheet.carried_from is not None:
            try:
                self.previous_values = dict(self.store.get_sheet(sheet.carried_from).values)
            except StoreError:
                self.previous_values = {}
        else:
            prev = self.store.previous_sheet(sheet)
            self.previous_values = dict(prev.values) if prev else {}
        self._set_dirty(False)
        self._refresh_derived()
        self._apply_defaults({})
        self.loaded_values = dict(self.values)  # the base of the edits, for a three-way comparison
        self.findings = validation.validate(self.form, self.values)
        self.sheetLoaded.emit()
        self.valuesChanged.emit("")
        self.computedChanged.emit(self.computed)
        self.applicabilityChanged.emit(self.applicable)
        self.findingsChanged.emit(self.findings)
        self.carriedChanged.emit(self.carried)
        self.importedChanged.emit(self.imported)
        self.statusChanged.emit(sheet.status)

    def close_sheet(self) -> None:
        self.flush()
        self.sheet = None
        self.base_digest = ""
        self.undo_stack.clear()
        self.form = None
        self.values = {}
        self.sheetClosed.emit()

    def reload(self) -> None:
        if self.sheet is not None:
            self._set_dirty(False)
            self.load(self.sheet.id)

    # ------------------------------------------------------------ editing
    def value(self, field_id: str) -> Any:
        return self.values.get(field_id)

    def set_value(self, field_id: str, raw: Any) -> None:
        """An edit from a widget: normalize through the core, then tell everyone."""
        if self.form is None or self.read_only:
            return
        field = self.form.field(field_id)
        value = normalize(field, raw, self.form)
        if value == self.values.get(field_id) and (value is not None or field_id not in self.values):
            return
        if value is None:
            self.values.pop(field_id, None)
        else:
            self.values[field_id] = value
        if field_id in self.carried:
            self.carried.remove(field_id)
            self._edited_carried.add(field_id)
            self.carriedChanged.emit(self.carried)
        if field_id in self.imported:
            self.imported.remove(field_id)
            self._edited_imported.add(field_id)
            self.importedChanged.emit(self.imported)
        self._set_dirty(True)
        before = self.applicable
        self._refresh_derived()
        reset = self._apply_defaults(before)
        self.valuesChanged.emit(field_id)
        if reset:
            self.fieldsReset.emit(reset)
        self.computedChanged.emit(self.computed)
        self.applicabilityChanged.emit(self.applicable)
        self._validate_timer.start()
        self._idle_timer.start()
        if not self._max_timer.isActive():
            self._max_timer.start()

    def set_value_undoable(self, field_id: str, raw: Any) -> None:
        """An edit from an editor without its own undo: recorded on :attr:`undo_stack`."""
        if self.form is None or self.read_only:
            return
        new = normalize(self.form.field(field_id), raw, self.form)
        old = self.values.get(field_id)
        if new == old:
            return
        self.undo_stack.push(_SetValue(self, field_id, old, new))

    def fix_conventions(self, field_ids: list[str] | None = None) -> int:
        """Rewrite text fields in the format's writing style (``desktop/core/conventions.py``): the
        given fields, or every one. One undo step; saved like any edit. Returns how many changed."""
        if self.form is None or self.read_only:
            return 0
        changes = []
        for f in self.form.input_fields:
            if f.type not in ("short", "text", "lines") or (field_ids is not None and f.id not in field_ids):
                continue
            old = self.values.get(f.id)
            new = normalize(f, conventions.fix_value(self.form.conventions, old), self.form)
            if old is not None and new != old:
                changes.append((f.id, old, new))
        if not changes:
            return 0
        self.undo_stack.beginMacro(_("表記を直す（{n} 項目）").format(n=len(changes)))
        for fid, old, new in changes:
            self.undo_stack.push(_SetValue(self, fid, old, new, shown=False))
        self.undo_stack.endMacro()
        self.validate_now()
        return len(changes)

    def _apply_defaults(self, before: dict[str, bool]) -> list[str]:
        """A pre-filled default (e.g. 報告の別 = 受領) follows its field in and out of
        applicability, so switching to ノンイヤマーク does not leave an error in a
        disabled field; values the officer typed are never dropped."""
        assert self.form is not None
        changed = []
        for fid, ok in self.applicable.items():
            f = self.form.by_id.get(fid)
            if f is None or f.default is None:
                continue
            if not ok and self.values.get(fid) == f.default:
                self.values.pop(fid)
                changed.append(fid)
            elif ok and before.get(fid) is False and fid not in self.values:
                self.values[fid] = f.default
                changed.append(fid)
        if changed:
            self._refresh_derived()
        return changed

    def _refresh_derived(self) -> None:
        assert self.form is not None
        env = environment(self.form, self.values)
        self.computed = compute(self.form, self.values, env)
        self.applicable = applicability(self.form, env)

    def validate_now(self) -> None:
        if self.form is None:
            return
        t0 = time.perf_counter()
        self.findings = validation.validate(self.form, self.values) + self.review_findings()
        self.findingsChanged.emit(self.findings)
        self.validation_ms = (time.perf_counter() - t0) * 1000

    def review_findings(self) -> list[validation.Finding]:
        """Copied values nobody has looked at yet: a warning each (an imported one is an error,
        the store refuses 完了 for it), in the order of the sheet."""
        if self.form is None:
            return []
        out = []
        order = {f.id: i for i, f in enumerate(self.form.fields)}
        for fid in sorted(self.imported, key=lambda x: order.get(x, 0)):
            out.append(validation.Finding(fid, "error", _("取り込んだ値がまだ確認されていません（「取り込み」の印）。"),
                                          code="imported_unreviewed"))
        for fid in sorted(self.carried, key=lambda x: order.get(x, 0)):
            out.append(validation.Finding(
                fid, "warning", _("前年度から写した値がまだ確認されていません。編集するか，比較するか，「前年度から」の印を押して確認済みにしてください。"),
                code="carried_unreviewed"))
        return out

    def error_count(self) -> int:
        return len(validation.errors(self.findings))

    # ------------------------------------------------------------ saving
    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirtyChanged.emit(dirty)
        if not dirty:
            self._idle_timer.stop()
            self._max_timer.stop()

    def flush(self) -> bool:
        """Autosave now if anything is unsaved. Returns False if the write failed."""
        if not self.dirty or self.sheet is None:
            return True
        if self._handling_outside:
            return False  # the comparison is open: its outcome decides what is written
        self.check_outside_changes()
        if not self.dirty or self.sheet is None:
            return True  # the comparison wrote (or moved) the edits
        return self._write("autosave")

    def save(self) -> bool:
        """An explicit save (Ctrl+S): always a revision of its own."""
        if self.sheet is None:
            return True
        self._validate_timer.stop()
        self.validate_now()
        return self._write("save")

    def _write(self, kind: str) -> bool:
        assert self.sheet is not None
        if self.read_only:
            return False
        try:
            with self.store.transaction():
                number = self.store.save_values(self.sheet.id, self.values, kind=kind, expected=self.base_digest)
                for fid in self._edited_carried:
                    self.store.clear_carried_mark(self.sheet.id, fid)
                for fid in self._edited_imported:
                    self.store.clear_imported_mark(self.sheet.id, fid)
        except ConflictError:
            # changed elsewhere between the check and this write: compare instead of overwriting
            self._remember_version(force_check=True)
            return self._outside_change() and not self.dirty
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return False
        self._edited_carried.clear()
        self._edited_imported.clear()
        self._set_dirty(False)
        self.loaded_values = dict(self.values)
        self.last_saved = time.time()
        stored = self.store.get_sheet(self.sheet.id)
        self.base_digest = stored.digest
        self._remember_version()
        if stored.status != self.sheet.status:
            self.sheet.status = stored.status
            self.statusChanged.emit(stored.status)
        self.sheet.revision = number
        self._checkpoint_timer.start()
        self.saved.emit(number, kind)
        return True

    def checkpoint(self) -> None:
        """Writes have settled: move the WAL into the main file (a copy of it alone is complete)."""
        try:
            self.store.checkpoint()
        except StoreError:
            pass  # retried after the next write and on close

    # ------------------------------------------------------------ other writers
    def stop_watching(self) -> None:
        """The store is about to close: no more polling or checkpoints."""
        self._poll_timer.stop()
        self._checkpoint_timer.stop()

    def start_watching(self) -> None:
        self._remember_version()
        self._poll_timer.start()

    def _remember_version(self, *, force_check: bool = False) -> None:
        try:
            self._seen_version = None if force_check else self.store.data_version()
        except sqlite3.Error:  # a closed store: nothing to watch
            self._seen_version = None

    def check_outside_changes(self) -> bool:
        """Look for a write by another process; returns True if the open sheet changed.

        Cheap (``PRAGMA data_version``): called every WATCH_MS, when the window is
        activated, and before every autosave.
        """
        if self._handling_outside:
            return False
        try:
            version = self.store.data_version()
        except sqlite3.Error:  # the store was closed (window closing)
            return False
        if version == self._seen_version:
            return False
        self._seen_version = version
        self.databaseChanged.emit()
        if self.sheet is None:
            return False
        try:
            digest = self.store.sheet_digest(self.sheet.id)
        except StoreError:
            return False
        if digest == self.base_digest:
            return False
        return self._outside_change()

    def _outside_change(self) -> bool:
        """The open sheet is not what the editor was based on any more."""
        assert self.sheet is not None
        try:
            stored = self.store.get_sheet(self.sheet.id)
        except NotFoundError:
            return False
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return False
        if not self.dirty:
            self._reload_from_outside()
            return True
        incoming = self._as_shown(stored)
        if incoming == self.values:  # both sides made the same change
            self.base_digest = stored.digest
            self._set_dirty(False)
            return True
        self._handling_outside = True
        self._idle_timer.stop()
        self._max_timer.stop()
        try:
            outcome, merged = (None, None)
            if self.resolve_conflict is not None:
                outcome, merged = self.resolve_conflict(
                    Sheet(**{**stored.__dict__, "values": incoming}), dict(self.values), dict(self.loaded_values))
            if outcome == "merge" and merged is not None:
                self.values = dict(merged)
                self.base_digest = stored.digest
                self._handling_outside = False
                if self._write("save"):
                    self._reload_from_outside(note=False)
            else:  # "both", or no decision possible (closing, cancelled): never lose either side
                self._keep_both(stored)
        finally:
            self._handling_outside = False
        return True

    def _as_shown(self, sheet: Sheet) -> Values:
        """``sheet``'s values as the editor shows them after a load (a pre-filled default
        of a field that does not apply is dropped, see :meth:`_apply_defaults`)."""
        form = sheet.form
        values = dict(sheet.values)
        ok = applicability(form, environment(form, values))
        for fid, applies_ in ok.items():
            f = form.by_id.get(fid)
            if f is not None and f.default is not None and not applies_ and values.get(fid) == f.default:
                values.pop(fid)
        return values

    def _reload_from_outside(self, *, note: bool = True) -> None:
        assert self.sheet is not None
        self._set_dirty(False)
        self.load(self.sheet.id)
        if note:
            self.reloadedFromOutside.emit()

    def _keep_both(self, stored: Sheet) -> None:
        """The stored sheet stays as it is; the unsaved edits become a new sheet."""
        assert self.sheet is not None
        local = dict(self.values)
        try:
            new_id = self.store.create_sheet(stored.format, local, kind="duplicate")
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return
        self._set_dirty(False)
        self._edited_carried.clear()
        self._edited_imported.clear()
        self.load(new_id)
        self.keptBoth.emit(stored.id, new_id)

    def mark_complete(self) -> list[validation.Finding]:
        """Try to mark the sheet 完了; returns the blocking errors (empty on success)."""
        if self.sheet is None or self.read_only:
            return []
        if not self.flush():
            return []
        try:
            self.store.set_status(self.sheet.id, "complete")
        except IncompleteError as exc:
            return list(exc.findings)
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return []
        self.sheet.status = "complete"
        self.statusChanged.emit("complete")
        self.saved.emit(self.store.get_sheet(self.sheet.id).revision, "status")
        return []

    def mark_draft(self) -> None:
        if self.sheet is None or self.read_only:
            return
        self.flush()
        try:
            self.store.set_status(self.sheet.id, "draft")
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return
        self.sheet.status = "draft"
        self.statusChanged.emit("draft")

    def restore(self, number: int) -> int | None:
        """Bring back revision ``number`` as a new revision and show it."""
        if self.sheet is None or self.read_only:
            return None
        self.flush()
        try:
            new = self.store.restore_revision(self.sheet.id, number)
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return None
        self.load(self.sheet.id)
        self.saved.emit(new, "restore")
        return new

    def accept_carried(self, field_id: str) -> None:
        """The officer reviewed a carried value and keeps it: drop the 前年度から mark."""
        self.accept_carried_many([field_id])

    def accept_carried_many(self, field_ids: list[str]) -> int:
        """「確認済み」 for several carried values at once (a whole tab); returns how many."""
        if self.sheet is None or self.read_only:
            return 0
        chosen = [fid for fid in field_ids if fid in self.carried]
        if not chosen:
            return 0
        try:
            with self.store.transaction():
                for fid in chosen:
                    self.store.clear_carried_mark(self.sheet.id, fid)
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return 0
        for fid in chosen:
            self.carried.remove(fid)
        self.carriedChanged.emit(self.carried)
        self._validate_timer.start()
        return len(chosen)

    def accept_imported(self, field_id: str) -> None:
        """The officer checked an imported value against the source and keeps it: drop the 取り込み mark."""
        if self.sheet is None or field_id not in self.imported or self.read_only:
            return
        self.imported.remove(field_id)
        try:
            self.store.clear_imported_mark(self.sheet.id, field_id)
        except StoreError as exc:
            self.storeError.emit(str(exc))
        self.importedChanged.emit(self.imported)
        self._validate_timer.start()

    def status_text(self) -> str:
        if self.sheet is None:
            return ""
        return _("完了") if self.sheet.status == "complete" else _("作成中")


class _SetValue(QUndoCommand):
    """One value of one field; undo puts the previous value back (and the widget shows it)."""

    def __init__(self, controller: FormController, field_id: str, old: Any, new: Any, *, shown: bool = True):
        super().__init__(field_id)
        self.controller, self.field_id, self.old, self.new = controller, field_id, old, new
        self._first = shown  # False: the widget does not show the new value yet (a fix made for it)

    def _apply(self, value: Any) -> None:
        c = self.controller
        c.set_value(self.field_id, value)
        c.fieldsReset.emit([self.field_id])

    def redo(self) -> None:
        if self._first:  # pushed: the widget already shows the new value
            self._first = False
            self.controller.set_value(self.field_id, self.new)
            return
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)
