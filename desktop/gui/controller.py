"""The one object that owns the open sheet's values (the views only observe it).

Every edit goes ``widget → FormController.set_value`` and comes back as signals,
so there is no widget-to-widget wiring to get out of sync. Computed fields and
applicability are refreshed synchronously (cheap, and the officer sees them as
they type); validation is debounced; autosave writes through the core's store
shortly after typing pauses, and at the latest ``AUTOSAVE_MAX_MS`` after the first
unsaved keystroke, so steady typing is never more than about a second from disk.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core import validation
from desktop.core.definition import FormDef
from desktop.core.i18n import _
from desktop.core.store import IncompleteError, Sheet, Store, StoreError
from desktop.core.values import Computed, Values, applicability, compute, environment, normalize

VALIDATE_MS = 150
AUTOSAVE_IDLE_MS = 500
AUTOSAVE_MAX_MS = 700


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

    def __init__(self, store: Store, *, read_only: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.read_only = read_only
        self.sheet: Sheet | None = None
        self.form: FormDef | None = None
        self.values: Values = {}
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

        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._idle_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_IDLE_MS)
        self._idle_timer.timeout.connect(self.flush)
        self._max_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MAX_MS)
        self._max_timer.timeout.connect(self.flush)

    # ------------------------------------------------------------ loading
    @property
    def sheet_id(self) -> int | None:
        return self.sheet.id if self.sheet else None

    def load(self, sheet_id: int) -> None:
        """Make ``sheet_id`` current (saving the previous sheet first)."""
        self.flush()
        sheet = self.store.get_sheet(sheet_id)
        self.sheet = sheet
        self.form = sheet.form
        self.values = dict(sheet.values)
        self.carried = list(sheet.carried_fields)
        self._edited_carried.clear()
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
        self.findings = validation.validate(self.form, self.values)
        self.findingsChanged.emit(self.findings)
        self.validation_ms = (time.perf_counter() - t0) * 1000

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
                number = self.store.save_values(self.sheet.id, self.values, kind=kind)
                for fid in self._edited_carried:
                    self.store.clear_carried_mark(self.sheet.id, fid)
                for fid in self._edited_imported:
                    self.store.clear_imported_mark(self.sheet.id, fid)
        except StoreError as exc:
            self.storeError.emit(str(exc))
            return False
        self._edited_carried.clear()
        self._edited_imported.clear()
        self._set_dirty(False)
        self.last_saved = time.time()
        status = self.store.get_sheet(self.sheet.id).status
        if status != self.sheet.status:
            self.sheet.status = status
            self.statusChanged.emit(status)
        self.sheet.revision = number
        self.saved.emit(number, kind)
        return True

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
        if self.sheet is None or field_id not in self.carried or self.read_only:
            return
        self.carried.remove(field_id)
        try:
            self.store.clear_carried_mark(self.sheet.id, field_id)
        except StoreError as exc:
            self.storeError.emit(str(exc))
        self.carriedChanged.emit(self.carried)

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

    def status_text(self) -> str:
        if self.sheet is None:
            return ""
        return _("完了") if self.sheet.status == "complete" else _("作成中")
