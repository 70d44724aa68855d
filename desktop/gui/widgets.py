"""Field editors, one class per field type, built from the form definition.

Nothing here knows a field id: :func:`create_editor` picks a class from the
field's ``type`` (and ``widget`` hint) so a new field in ``forms/*.toml`` gets an
editor without code. Editors only *report* edits (``edited``) and *show* what the
controller tells them; parsing, computing and validating stay in the core.

The contract for tests and automation: the widget that holds the value has
``objectName() == field.id`` (for checkbox / radio sets, their container).
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QShowEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import era, fieldtypes
from desktop.core.definition import Field, FormDef
from desktop.core.i18n import _, babel_locale
from desktop.core.validation import Finding
from desktop.core.values import normalize

from .look import emphasize, shade, tint

ERROR_COLOR = "#b00020"
WARNING_COLOR = "#8a5a00"
FINDING_ICONS = {"error": "✖", "warning": "⚠"}


def text_length(value: Any) -> int:
    """Characters as validation counts them (a ``lines`` list counts its items' text)."""
    if isinstance(value, list):
        return sum(len(x) for x in value)
    return len(value) if isinstance(value, str) else 0


class FieldEditor(QObject):
    """One field: the value widget, its unit / count / findings, inside ``container``.

    ``edited`` carries what the officer typed, verbatim; :meth:`set_value` shows a
    stored value without emitting (so loading a sheet never counts as an edit).
    """

    edited = Signal(str, object)
    wide: ClassVar[bool] = False  # editor gets the full row width, label above
    undoable: ClassVar[bool] = False  # edits go through the controller's QUndoStack (no undo of its own)

    def __init__(self, field: Field, form: FormDef, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self.form = form
        self._setting = False
        self.container = QWidget(parent)
        self.container.setObjectName(f"row:{field.id}")
        outer = QVBoxLayout(self.container)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setSpacing(6)
        outer.addLayout(self.row)
        self.widget = self.build()
        self.widget.setObjectName(field.id)
        tip = field.hint
        if tip:
            self.widget.setToolTip(tip)
        self.widget.setAccessibleName(field.display_label)
        self.findings_label = QLabel(self.container)
        self.findings_label.setObjectName(f"findings:{field.id}")
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.PlainText)
        # the line is always there (empty when all is well), so a finding appearing or going
        # away while the officer types never moves the fields below under the pointer
        self.findings_label.setMinimumHeight(self.findings_label.fontMetrics().lineSpacing())
        beside = self.beside_findings()
        if not beside:
            outer.addWidget(self.findings_label)
            return
        line = QHBoxLayout()  # only where needed: a layout per field costs when a tab is built
        line.setSpacing(6)
        line.addWidget(self.findings_label, 1)
        for extra in beside:
            line.addWidget(extra, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(line)

    # -- subclass API -----------------------------------------------------
    def build(self) -> QWidget:
        raise NotImplementedError

    def show_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widgets(self) -> list[QWidget]:
        """Focusable widgets in Tab order (for the sheet-wide Tab chain)."""
        return [self.widget]

    def beside_findings(self) -> list[QWidget]:
        """Widgets at the right end of the findings line under the value (a counter there takes
        no width from the value's row)."""
        return []

    # -- common -----------------------------------------------------------
    def emit(self, raw: Any) -> None:
        if not self._setting:
            self.edited.emit(self.field.id, raw)

    def set_value(self, value: Any) -> None:
        self._setting = True
        try:
            self.show_value(value)
        finally:
            self._setting = False

    def set_computed(self, text: str) -> None:  # only computed editors care
        pass

    def set_unit(self, unit: str) -> None:  # numbers with a unit from another field
        pass

    def set_applicable(self, applicable: bool) -> None:
        self.container.setEnabled(applicable)

    def set_findings(self, findings: list[Finding]) -> None:
        if not findings:
            self.findings_label.clear()
            self.widget.setProperty("severity", "")
        else:
            worst = "error" if any(f.severity == "error" for f in findings) else "warning"
            self.findings_label.setText("\n".join(f"{FINDING_ICONS[f.severity]} {f.message}" for f in findings))
            color = ERROR_COLOR if worst == "error" else WARNING_COLOR
            tint(self.findings_label, color)
            self.widget.setProperty("severity", worst)
        # no style sheet selects on the property (the colours are set above), so the widget is not
        # polished again: that re-ran the style for every field at every check, and made QStyle's
        # Python wrapper (10 ms) on the way to the first window

    def focus(self) -> None:
        w = self.focus_widgets()[0] if self.focus_widgets() else self.widget
        w.setFocus(Qt.FocusReason.OtherFocusReason)


class WheelSafeComboBox(QComboBox):
    """A drop-down the mouse wheel changes only after the officer clicked into it.

    Over an unfocused one the wheel event is ignored, so Qt hands it on to the
    parent and the page scrolls instead of the value behind the pointer changing
    (and being autosaved) — 会計年度の開始月, the ratings.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel does not take focus either

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
            return
        area = self.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is None:
            event.ignore()  # Qt hands it on to the parent
            return
        # handed to the page explicitly (Qt does not propagate synthesized wheel events)
        viewport = area.viewport()
        pos = viewport.mapFromGlobal(event.globalPosition())
        QApplication.sendEvent(viewport, QWheelEvent(
            pos, event.globalPosition(), event.pixelDelta(), event.angleDelta(), event.buttons(),
            event.modifiers(), event.phase(), event.inverted()))
        event.accept()


class _Counted(FieldEditor):
    """Adds the live "n / max 字" count under text editors."""

    def add_counter(self) -> None:
        self.counter = QLabel(self.container)
        self.counter.setObjectName(f"count:{self.field.id}")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.counter.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.counter.setMinimumWidth(90)
        self.update_count(0)

    def update_count(self, n: int) -> None:
        limit = self.field.max_length
        if limit:
            self.counter.setText(_("{n} / {max} 字").format(n=f"{n:,}", max=f"{limit:,}"))
            tint(self.counter, ERROR_COLOR if n > limit else "#555")
        else:
            self.counter.setText(_("{n} 字").format(n=f"{n:,}"))
            tint(self.counter, "#555")


class TextEditor(_Counted):
    """Multi-line text: QPlainTextEdit keeps undo/redo and IME composition intact."""

    wide = True

    def build(self) -> QWidget:
        limit = self.field.max_length or 1000
        edit = GrowingTextEdit(4 if limit <= 1000 else 6 if limit <= 3000 else 9, self.container)
        edit.setTabChangesFocus(True)  # keyboard-only use: Tab moves on, it never inserts
        edit.textChanged.connect(self._changed)
        self.row.addWidget(edit, 1)
        self.add_counter()
        foot = QHBoxLayout()
        foot.setSpacing(6)
        self.enlarge = QToolButton(self.container)
        self.enlarge.setObjectName(f"enlarge:{self.field.id}")
        self.enlarge.setText(_("大きく編集…"))
        self.enlarge.setAutoRaise(True)
        self.enlarge.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the shortcut (Ctrl+Shift+L) is the keyboard's way
        self.enlarge.setToolTip(_("この欄を大きな画面で編集します（Ctrl+Shift+L）"))
        self.enlarge.clicked.connect(self.open_large)
        foot.addStretch(1)
        foot.addWidget(self.enlarge)
        foot.addWidget(self.counter)
        self.container.layout().addLayout(foot)
        return edit

    def open_large(self) -> QDialog:
        """The larger editor: the very same text box moves into a dialog and back, so its
        undo history, IME state and the autosave path (``edited``) are the box's own."""
        dlg = LargeTextDialog(self, self.container.window())
        dlg.open()
        self.large_dialog = dlg
        return dlg

    def _changed(self) -> None:
        text = self.widget.toPlainText()
        self.update_count(self._length(text))
        self.emit(text)

    def _length(self, text: str) -> int:
        if self.field.type == "lines":
            return sum(len(line.strip()) for line in text.split("\n"))
        return len(text)

    def show_value(self, value: Any) -> None:
        if isinstance(value, list):
            text = "\n".join(str(x) for x in value)
        else:
            text = "" if value is None else str(value)
        if text != self.widget.toPlainText():
            self.widget.setPlainText(text)
        self.update_count(self._length(text))


class GrowingTextEdit(QPlainTextEdit):
    """A text box as tall as its text (at least ``min_lines``), at most 80 % of the visible
    page, then it scrolls inside: a 6,000-character answer is read without a 9-line slot."""

    CAP = 0.8

    def __init__(self, min_lines: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.min_lines = min_lines
        self.growing = True
        self._watched: QWidget | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(lambda _s: self.fit())
        self.fit()

    def _page(self) -> QAbstractScrollArea | None:
        area = self.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        return area

    def cap(self) -> int:
        area = self._page()
        height = area.viewport().height() if area is not None and area.isVisible() else 560
        return max(int(height * self.CAP), self.min_height())

    def _chrome(self) -> int:
        margins = self.contentsMargins()
        return margins.top() + margins.bottom() + int(2 * self.document().documentMargin()) + 2

    def min_height(self) -> int:
        return self.min_lines * self.fontMetrics().lineSpacing() + self._chrome()

    def content_height(self) -> int:
        """Height of the wrapped text (the plain-text layout counts lines)."""
        lines = max(1, int(self.document().documentLayout().documentSize().height()))
        return lines * self.fontMetrics().lineSpacing() + self._chrome()

    def fit(self) -> None:
        if not self.growing:
            return
        height = max(self.min_height(), min(self.content_height(), self.cap()))
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        area = self._page()
        viewport = area.viewport() if area is not None else None
        if viewport is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            if viewport is not None:
                viewport.installEventFilter(self)
            self._watched = viewport
        self.fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit()  # zoomed: the lines are taller

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self.fit()  # a taller or shorter window: a new cap
        return False


class LargeTextDialog(QDialog):
    """One answer in a large window (most of the screen): the field's own text box is
    moved in while the dialog is open and put back when it closes."""

    def __init__(self, editor: TextEditor, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        box = editor.widget
        assert isinstance(box, GrowingTextEdit)
        self.box = box
        self.setObjectName("largeTextDialog")
        self.setWindowTitle(editor.field.display_label)
        v = QVBoxLayout(self)
        title = QLabel(self.windowTitle(), self)
        title.setWordWrap(True)
        emphasize(title)
        v.addWidget(title)
        self._index = editor.row.indexOf(box)
        box.growing = False
        box.setMinimumHeight(0)
        box.setMaximumHeight(16777215)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        v.addWidget(box, 1)
        foot = QHBoxLayout()
        self.count = QLabel(editor.counter.text(), self)
        box.textChanged.connect(self._count)
        foot.addWidget(self.count)
        foot.addStretch(1)
        close = QPushButton(_("閉じる"), self)
        close.setDefault(False)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        foot.addWidget(close)
        v.addLayout(foot)
        screen = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        if area is not None:
            self.resize(min(960, int(area.width() * 0.9)), int(area.height() * 0.85))
        self.finished.connect(self._put_back)
        box.setFocus()

    def _count(self) -> None:
        self.count.setText(self.editor.counter.text())

    def _put_back(self, _result: int) -> None:
        box = self.box
        box.textChanged.disconnect(self._count)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.editor.row.insertWidget(max(self._index, 0), box, 1)
        box.growing = True
        box.fit()
        box.setFocus()


class ShortEditor(_Counted):
    """One-line text, with the definition's suggestions (e.g. currencies) as completions."""

    def build(self) -> QWidget:
        edit = QLineEdit(self.container)
        if self.field.suggestions:
            completer = QCompleter(list(self.field.suggestions), edit)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            edit.setCompleter(completer)
            edit.setPlaceholderText(_("例：{example}").format(example="，".join(self.field.suggestions[:3])))
            edit.setMinimumWidth(text_width(edit, edit.placeholderText()))
        edit.textChanged.connect(self._changed)
        self.row.addWidget(edit, 1)
        if self.field.max_length:
            self.add_counter()
        return edit

    def beside_findings(self) -> list[QWidget]:
        # under the box, as a text box's count is: beside it, it took 96 px from the value
        # (「マネジメント，人事，財政，…」 was cut at 1280×720)
        return [self.counter] if self.field.max_length else []

    def _changed(self, text: str) -> None:
        if self.field.max_length:
            self.update_count(len(text))
        self.emit(text)

    def show_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.widget.text():
            self.widget.setText(text)
        if self.field.max_length:
            self.update_count(len(text))


def text_width(edit: QLineEdit, text: str) -> int:
    """Width a line edit needs to show ``text`` whole (frame and text margins included)."""
    margins = edit.textMargins()
    return edit.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right() + 20


# The widest way a period is usually written: a date box grows to show it whole, and no further
_WIDEST_PERIOD = "平成29年10月～平成30年10月"


def fit_width(edit: QLineEdit, text: str, least: int) -> None:
    """A period or date box as wide as its placeholder or value (「例：2018-06，令和元年6月」,
    「2018年1月～2018年12月」 were cut at a fixed 240 px), never narrower than ``least``; a longer
    text (a sentence pasted from a report) scrolls inside the box, as in any line edit, instead of
    widening the page past the view."""
    widest = max(text_width(edit, _WIDEST_PERIOD), text_width(edit, edit.placeholderText()))
    width = max(least, min(text_width(edit, text), widest))
    edit.setMinimumWidth(width)
    edit.setMaximumWidth(width)


def unit_of(field: Field, form: FormDef) -> str:
    if field.unit:
        return field.unit
    if field.type == "pct":
        return form.percent_sign
    return ""


class NumberEditor(FieldEditor):
    """Numbers typed any way the officer likes (１５，０１５ too); tidied on leaving the field."""

    def build(self) -> QWidget:
        edit = QLineEdit(self.container)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(220)
        edit.textChanged.connect(self._changed)
        edit.editingFinished.connect(self._tidy)
        self.row.addWidget(edit)
        self.unit_label = QLabel(unit_of(self.field, self.form), self.container)
        self.unit_label.setObjectName(f"unit:{self.field.id}")
        self.row.addWidget(self.unit_label)
        self.row.addStretch(1)
        return edit

    def set_unit(self, unit: str) -> None:
        self.unit_label.setText(unit)

    def _changed(self, text: str) -> None:
        self.emit(text)

    def _tidy(self) -> None:
        value = normalize(self.field, self.widget.text(), self.form)
        if value is not None and fieldtypes.is_canonical(self.field, value, self.form.grades):
            self.set_value(value)

    def show_value(self, value: Any) -> None:
        if value is None:
            text = ""
        elif fieldtypes.is_canonical(self.field, value, self.form.grades):
            text = fieldtypes.display(self.field, value, percent_sign=self.form.percent_sign)
            text = text.removesuffix(self.form.percent_sign) if self.field.type == "pct" else text
        else:
            text = str(value)
        if text != self.widget.text():
            self.widget.setText(text)


class ComputedEditor(FieldEditor):
    """Read-only result of ``compute =``; the core computes, this only shows the text."""

    def build(self) -> QWidget:
        edit = QLineEdit(self.container)
        edit.setReadOnly(True)
        edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab skips what cannot be typed into
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(220)
        shade(edit, "#eef1f5", "#222")
        edit.setPlaceholderText(_("（自動計算）"))
        edit.setToolTip(_("自動計算の項目です。入力はできません。"))
        self.row.addWidget(edit)
        note = QLabel(_("自動計算"), self.container)
        tint(note, "#666")
        self.row.addWidget(note)
        self.row.addStretch(1)
        return edit

    def focus_widgets(self) -> list[QWidget]:
        return []

    def set_computed(self, text: str) -> None:
        self.widget.setText(text)

    def show_value(self, value: Any) -> None:
        pass


class PeriodEditor(FieldEditor):
    """Year-month / fiscal year / period typed as text, echoed back as understood.

    A text box (not a calendar popup) because officers copy dates from reports in
    any notation: ``2018-06``, ``2018年6月``, ``令和元年6月``, ``H30.6`` all work.
    """

    EXAMPLES: ClassVar[dict[str, str]] = {
        "ym": "2018-06，令和元年6月",
        "fy": "2019，令和元年度",
        "fy_or_period": "2017，2017-07/2018-06",
    }

    def build(self) -> QWidget:
        edit = QLineEdit(self.container)
        edit.setPlaceholderText(_("例：{example}").format(example=self.EXAMPLES.get(self.field.type, "")))
        fit_width(edit, edit.placeholderText(), 240)
        edit.textChanged.connect(self._changed)
        self.row.addWidget(edit)
        self.echo = QLabel(self.container)
        self.echo.setObjectName(f"echo:{self.field.id}")
        # the echo wraps beside the box instead of widening the row: 「→ 2017 年度（平成29年度）」 on one
        # line pushed 評価基準３'s nested audit boxes past the right edge at 1366×768
        self.echo.setWordWrap(True)
        tint(self.echo, "#2a5d2a")
        self.row.addWidget(self.echo)
        self.row.addStretch(1)
        return edit

    def _echo(self, text: str) -> None:
        value = normalize(self.field, text, self.form)
        if value is None or not fieldtypes.is_canonical(self.field, value, self.form.grades):
            self.echo.setText("")
            return
        shown = fieldtypes.display(self.field, value, locale=babel_locale())
        if self.field.type == "fy" and isinstance(value, int) and babel_locale().startswith("ja"):
            try:
                shown += f"（{era.fiscal_year_era_text(value)}度）"
            except ValueError:
                pass
        self.echo.setText("→ " + shown)

    def _changed(self, text: str) -> None:
        fit_width(self.widget, max(text, self.widget.placeholderText(), key=self.widget.fontMetrics().horizontalAdvance), 240)
        self._echo(text)
        self.emit(text)

    def show_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.widget.text():
            self.widget.setText(text)
        self._echo(text)


class ComboEditor(FieldEditor):
    """A pick list with an explicit empty entry (an unanswered field stays unanswered)."""

    undoable = True

    def items(self) -> list[tuple[str, Any]]:
        if self.field.type == "month":
            return [(_("{m} 月").format(m=m), m) for m in range(1, 13)]
        return [(c, c) for c in fieldtypes.options(self.field, self.form.grades)]

    def build(self) -> QWidget:
        box = WheelSafeComboBox(self.container)
        box.addItem(_("（未選択）"), None)
        for text, data in self.items():
            box.addItem(text, data)
        box.setMinimumWidth(140)
        box.currentIndexChanged.connect(lambda _i: self.emit(box.currentData()))
        self.row.addWidget(box)
        self.row.addStretch(1)
        return box

    def show_value(self, value: Any) -> None:
        idx = self.widget.findData(value) if value is not None else 0
        if idx < 0:  # a stored value not in the list (old format): show it as typed
            self.widget.addItem(str(value), value)
            idx = self.widget.count() - 1
        self.widget.setCurrentIndex(idx)


class RatingEditor(ComboEditor):
    """Grade selector; the scale's "not rated" mark is offered as "－ 評価なし"."""

    def items(self) -> list[tuple[str, Any]]:
        scale = self.form.grades[self.field.scale]
        not_rated = _("{mark} 評価なし").format(mark=scale.not_rated)
        return [(v, v) for v in scale.values] + [(not_rated, scale.not_rated)]


class RadioEditor(FieldEditor):
    """Few exclusive options shown at once (拠出形態, 有/無): one click, visible state."""

    undoable = True

    def build(self) -> QWidget:
        box = QWidget(self.container)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(box)
        self.buttons: list[QRadioButton] = []
        for i, choice in enumerate(fieldtypes.options(self.field, self.form.grades)):
            b = QRadioButton(choice, box)
            b.setObjectName(f"{self.field.id}:{choice}")
            self.group.addButton(b, i)
            self.buttons.append(b)
            lay.addWidget(b)
        lay.addStretch(1)
        self.group.idToggled.connect(self._toggled)
        self.row.addWidget(box, 1)
        return box

    def _toggled(self, idx: int, checked: bool) -> None:
        if checked:
            self.emit(self.buttons[idx].text())

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons)

    def show_value(self, value: Any) -> None:
        self.group.setExclusive(False)
        for b in self.buttons:
            b.setChecked(b.text() == value)
        self.group.setExclusive(True)


class FlagEditor(FieldEditor):
    undoable = True

    def build(self) -> QWidget:
        box = QCheckBox(_("該当"), self.container)
        box.toggled.connect(self.emit)
        self.row.addWidget(box)
        self.row.addStretch(1)
        return box

    def show_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class ChecksEditor(FieldEditor):
    """Checkbox set laid out as the definition's ``grid``; "その他" carries its text box."""

    wide = True
    undoable = True

    def build(self) -> QWidget:
        box = QWidget(self.container)
        self.grid = QGridLayout(box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(14)
        rows = self.field.grid or tuple((c,) for c in self.field.choices)
        self.boxes: dict[str, QCheckBox] = {}
        for r, row in enumerate(rows):
            for c, choice in enumerate(row):
                cb = QCheckBox(choice, box)
                cb.setObjectName(f"{self.field.id}:{choice}")
                cb.toggled.connect(self._toggled)
                self.boxes[choice] = cb
                self.grid.addWidget(cb, r, c)
        self.grid.setColumnStretch(max(len(r) for r in rows), 1)
        self.other_row = {choice: r for r, row in enumerate(rows) for choice in row}
        self.other_editor: FieldEditor | None = None
        self.row.addWidget(box, 1)
        return box

    def embed_other(self, editor: FieldEditor) -> None:
        """Put the "その他" text field right after its checkbox, as on the paper sheet."""
        self.other_editor = editor
        choice = self.field.other_choice
        r = self.other_row.get(choice, len(self.boxes))
        self.grid.addWidget(editor.container, r, 1, 1, 3)
        editor.widget.setPlaceholderText(_("その他の内容"))

    def _toggled(self, _checked: bool) -> None:
        self.emit([c for c in self.field.choices if self.boxes[c].isChecked()])

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for choice in self.field.choices:
            out.append(self.boxes[choice])
            if self.other_editor is not None and choice == self.field.other_choice:
                out.extend(self.other_editor.focus_widgets())
        return out

    def show_value(self, value: Any) -> None:
        picked = set(value) if isinstance(value, list) else set()
        for choice, cb in self.boxes.items():
            cb.setChecked(choice in picked)


EDITORS: dict[str, type[FieldEditor]] = {
    "short": ShortEditor,
    "text": TextEditor,
    "lines": TextEditor,
    "int": NumberEditor,
    "money": NumberEditor,
    "decimal": NumberEditor,
    "pct": NumberEditor,
    "ym": PeriodEditor,
    "fy": PeriodEditor,
    "fy_or_period": PeriodEditor,
    "month": ComboEditor,
    "choice": ComboEditor,
    "yn": RadioEditor,
    "flag": FlagEditor,
    "checks": ChecksEditor,
    "rating": RatingEditor,
}


def create_editor(field: Field, form: FormDef, parent: QWidget | None = None) -> FieldEditor:
    """The editor for ``field``, chosen by its type (the only dispatch on types in the GUI)."""
    if field.computed:
        cls: type[FieldEditor] = ComputedEditor
    elif field.type == "choice" and (field.widget in ("checkboxes", "radio") or len(field.choices) <= 3):
        cls = RadioEditor
    else:
        cls = EDITORS[field.type]
    return cls(field, form, parent)
