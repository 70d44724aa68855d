"""The sheet editor: tabs, sections, groups and field rows generated from a FormDef.

One :class:`FormView` per format, built once and reused for every sheet of that
format. Layout follows the definition: tabs in ``form.tabs`` order, sections and
fields in print order (which is also the keyboard Tab order), groups as nested
group boxes. The view never talks to another widget: edits go to the
:class:`FormController`, and everything shown comes back from its signals.

A tab's widgets are built when it is first shown (building all six before the first
paint cost a quarter of the start-up): until then its page is empty and the signal
handlers skip its fields; building it replays the controller's current state (values,
computed cells, applicability, findings, marks, read-only) into the new editors.
Everything that needs a field's widgets goes through :meth:`FormView.editor`. After the
first paint the other tabs are built in idle time, one per event-loop turn, so a first
switch to 評価基準３ (0.15 s to build) does not stall either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import fieldtypes
from desktop.core.definition import Field, FormDef, Group
from desktop.core.i18n import _
from desktop.core.validation import Finding, count_by_tab
from desktop.core.values import label_for

from .controller import FormController
from .look import emphasize, escape_rich, tint
from .widgets import ChecksEditor, FieldEditor, create_editor

LABEL_WIDTH = 210
IDLE_BUILD_MS = 100  # after the first paint, before the first tab is built in idle time


class FormView(QWidget):
    """All tabs of one format. ``compareRequested(field_id)`` asks for the 前年比較 dialog."""

    idle_build = True  # build the tabs not shown yet after the first paint (tests of unbuilt tabs turn it off)

    compareRequested = Signal(str)
    commentsRequested = Signal(str)  # field id: show the review comments on it

    def __init__(self, form: FormDef, controller: FormController, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = form
        self.controller = controller
        self.setObjectName(f"form:{form.id}")
        self.editors: dict[str, FieldEditor] = {}
        self.group_boxes: dict[str, QGroupBox] = {}
        self.not_applicable_notes: dict[str, QLabel] = {}  # per group box, shown when the group does not apply
        self.field_labels: dict[str, QLabel] = {}
        self.carry_marks: dict[str, QToolButton] = {}
        self.import_marks: dict[str, QToolButton] = {}
        self.comment_counts: dict[str, int] = {}  # open review comments per field
        self.compare_buttons: dict[str, QToolButton] = {}
        self.scrolls: dict[str, QScrollArea] = {}
        self.tab_index: dict[str, int] = {}
        self._order = self._print_order()  # every field, built or not
        self._built_order: list[str] = []  # the fields whose editors exist, in print order
        self.built_tabs: list[str] = []  # in the order they were built
        self.read_only = False
        self.zoom = 100
        self._idle_started = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("sheetTabs")
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs)
        for tab in form.tabs:  # empty pages: a tab's widgets are built when it is first shown
            scroll = QScrollArea(self.tabs)
            # a viewport made in Python: a text box walking up to its page meets a widget Python
            # already wraps (Qt's own one made PySide6 wrap the whole QWidget family, ~17 ms)
            scroll.setViewport(QWidget(scroll))
            scroll.setObjectName(f"tab:{tab.id}")
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            self.tab_index[tab.id] = self.tabs.addTab(scroll, tab.label)
            self.scrolls[tab.id] = scroll
        self.tabs.currentChanged.connect(self._on_tab_shown)

        c = controller
        c.valuesChanged.connect(self._on_values)
        c.fieldsReset.connect(self._on_reset)
        c.computedChanged.connect(self._on_computed)
        c.applicabilityChanged.connect(self._on_applicability)
        c.findingsChanged.connect(self._on_findings)
        c.carriedChanged.connect(self._on_carried)
        c.importedChanged.connect(self._on_imported)

    # ------------------------------------------------------------------ build
    def _tab_sections(self, tab_id: str) -> list[tuple[Any, list[Field]]]:
        """The tab's sections with their fields in print order (a 「その他」 box embedded in
        its checks is left out here: it is built, and ordered, right after them)."""
        embedded = {
            f.other_field for f in self.form.fields_in_tab(tab_id) if f.type == "checks" and f.other_field
        }
        out = []
        for section in self.form.sections:
            fields = [f for f in section.fields if f.tab == tab_id and f.id not in embedded]
            if fields:
                out.append((section, fields))
        return out

    def _print_order(self) -> list[str]:
        """Every field id in the order the sheet prints (and Tab walks) them."""
        order = []
        for tab in self.form.tabs:
            for _section, fields in self._tab_sections(tab.id):
                for f in fields:
                    order.append(f.id)
                    if f.type == "checks" and f.other_field:
                        order.append(f.other_field)
        return order

    def _on_tab_shown(self, index: int) -> None:
        if 0 <= index < len(self.form.tabs):
            self.ensure_tab(self.form.tabs[index].id)

    def showEvent(self, event: Any) -> None:
        self._on_tab_shown(self.tabs.currentIndex())  # the tab on screen exists before it is painted
        super().showEvent(event)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._idle_started and self.idle_build:
            self._idle_started = True
            QTimer.singleShot(IDLE_BUILD_MS, self, self._build_next_idle)

    def _build_next_idle(self) -> None:
        """One tab not built yet, then back to the event loop (input and paints go first)."""
        rest = [t.id for t in self.form.tabs if t.id not in self.built_tabs]
        if rest and self.idle_build:
            self.ensure_tab(rest[0])
            if len(rest) > 1:
                QTimer.singleShot(0, self, self._build_next_idle)

    def is_built(self, tab_id: str) -> bool:
        return tab_id in self.built_tabs

    def editor(self, field_id: str) -> FieldEditor | None:
        """The field's editor, building its tab first if it has not been shown yet
        (None for an id this format does not have)."""
        if field_id not in self.editors and field_id in self.form.by_id:
            self.ensure_tab(self.form.field(field_id).tab)
        return self.editors.get(field_id)

    def ensure_tab(self, tab_id: str) -> None:
        """Build the tab's widgets (once) and show the open sheet's state in them."""
        if tab_id in self.built_tabs:
            return
        self.built_tabs.append(tab_id)
        new = self._build_tab(tab_id)
        self._built_order = [fid for fid in self._order if fid in self.editors]
        self._chain_focus()
        self._replay(new)

    def _build_tab(self, tab_id: str) -> list[str]:
        """The tab's page; returns the ids of the editors it made."""
        scroll = self.scrolls[tab_id]
        page = QWidget(scroll)
        vbox = QVBoxLayout(page)
        vbox.setContentsMargins(16, 12, 16, 16)
        vbox.setSpacing(10)
        before = set(self.editors)
        for section, fields in self._tab_sections(tab_id):
            if section.title:
                title = QLabel(section.title, page)
                title.setObjectName(f"section:{section.id}")
                title.setWordWrap(True)
                emphasize(title, point_size=13)
                title.setContentsMargins(0, 4, 0, 4)
                vbox.addWidget(title)
            grid = self._new_grid()
            vbox.addLayout(grid)
            grids: dict[str, QGridLayout] = {"": grid}
            for f in fields:
                target = self._grid_for(f.group, grids, page)
                editor = self._add_field(f, target, page)
                if isinstance(editor, ChecksEditor) and f.other_field:
                    other = create_editor(self.form.field(f.other_field), self.form, page)
                    self._register(other)
                    editor.embed_other(other)
        vbox.addStretch(1)
        scroll.setWidget(page)
        return [fid for fid in self.editors if fid not in before]

    def _replay(self, field_ids: list[str]) -> None:
        """What the controller has already said, for editors built just now."""
        if self._active():
            c = self.controller
            values = c.values
            only = set(field_ids)
            for fid in field_ids:
                f = self.form.field(fid)
                if not f.computed:
                    self.editors[fid].set_value(values.get(fid))
                if fid in self.field_labels:
                    self.field_labels[fid].setText(self._label_html(f, values))
            self._update_units(values)
            self._on_computed({k: v for k, v in c.computed.items() if k in only})
            self._on_applicability(c.applicable)
            self._show_findings(c.findings, only)
            self._on_carried(c.carried)
            self._on_imported(c.imported)
            self._show_comment_tips(only)
        if self.read_only:
            self._make_read_only(field_ids)

    @staticmethod
    def _new_grid() -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        grid.setColumnStretch(0, 0)
        grid.setColumnStretch(1, 1)
        return grid

    def _grid_for(self, group_id: str, grids: dict[str, QGridLayout], page: QWidget) -> QGridLayout:
        """The grid of ``group_id``'s box, creating the box (and its parents) on first use."""
        if group_id in grids:
            return grids[group_id]
        group = self.form.groups[group_id]
        outer = self._grid_for(group.parent, grids, page)
        box = QGroupBox(self._group_title(group), page)
        box.setObjectName(f"group:{group.id}")
        emphasize(box)  # the title; the fields inside are set back to normal weight on ``body``
        frame = QVBoxLayout(box)
        frame.setContentsMargins(10, 14, 10, 10)
        # 「（この拠出形態では該当しません）」 under the title, not in it: a group box's title never
        # wraps, and the English one with the note made 評価基準３ wider than a 1280×720 window
        note = QLabel(_("（この拠出形態では該当しません）"), box)
        note.setObjectName(f"notApplicable:{group.id}")
        note.setWordWrap(True)
        emphasize(note, bold=False)
        tint(note, "#555")
        note.hide()
        frame.addWidget(note)
        self.not_applicable_notes[group.id] = note
        body = QWidget(box)
        body.setObjectName(f"groupBody:{group.id}")
        emphasize(body, bold=False)
        frame.addWidget(body)
        inner = self._new_grid()
        inner.setContentsMargins(0, 0, 0, 0)
        body.setLayout(inner)
        if group.sublabel:
            sub = QLabel(group.sublabel, body)
            sub.setWordWrap(True)
            tint(sub, "#555")
            inner.addWidget(sub, 0, 0, 1, 2)
        outer.addWidget(box, outer.rowCount(), 0, 1, 2)
        self.group_boxes[group.id] = box
        grids[group_id] = inner
        return inner

    @staticmethod
    def _group_title(group: Group) -> str:
        return group.display_label

    def _label_widget(self, f: Field, page: QWidget) -> QWidget:
        cell = QWidget(page)
        v = QVBoxLayout(cell)
        v.setContentsMargins(0, 2, 0, 0)
        v.setSpacing(2)
        label = QLabel(page)
        label.setObjectName(f"label:{f.id}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.field_labels[f.id] = label
        label.linkActivated.connect(lambda _href, fid=f.id: self.commentsRequested.emit(fid))
        v.addWidget(label)
        if f.hint:
            hint = QLabel(f.hint, page)
            hint.setWordWrap(True)
            tint(hint, "#666")
            emphasize(hint, bold=None, point_size=9)
            v.addWidget(hint)
        row = QHBoxLayout()
        row.setSpacing(4)
        mark = _mark_button(page, f"carried:{f.id}", _("前年度から"), "#fff1b8", "#5a4500",
                            _("前年度のシートから写した値です。内容を確認し，よければこの印を押して確認済みにしてください。"),
                            lambda _c=False, fid=f.id: self.controller.accept_carried(fid))
        self.carry_marks[f.id] = mark
        row.addWidget(mark)
        imp = _mark_button(page, f"imported:{f.id}", _("取り込み"), "#dbeafe", "#1e3a8a",
                           _("既存のシートから読み取った値です。元の文書と照らして確認し，よければこの印を押して確認済みにしてください。"),
                           lambda _c=False, fid=f.id: self.controller.accept_imported(fid))
        self.import_marks[f.id] = imp
        row.addWidget(imp)
        if not f.computed and f.type in ("text", "lines", "short", "checks", "int", "money"):
            btn = QToolButton(page)
            btn.setObjectName(f"compare:{f.id}")
            btn.setText(_("前年と比較…"))
            btn.setAutoRaise(True)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab walks the fields; the dialog has a menu/shortcut
            btn.clicked.connect(lambda _c=False, fid=f.id: self.compareRequested.emit(fid))
            btn.hide()
            self.compare_buttons[f.id] = btn
            row.addWidget(btn)
        row.addStretch(1)
        v.addLayout(row)
        return cell

    def _label_html(self, f: Field, values: dict[str, Any]) -> str:
        text = escape_rich(label_for(self.form, f, values))
        number = f"<b>{escape_rich(f.number)}</b>&nbsp;" if f.number else ""
        mark = escape_rich(_("＊"))
        star = f"&nbsp;<span style='color:#b00020'>{mark}</span>" if f.required and not f.computed else ""
        sub = label_for(self.form, f, values, sublabel=True)
        sub_html = f"<br><span style='color:#444'>{escape_rich(sub)}</span>" if sub else ""
        n = self.comment_counts.get(f.id, 0)
        badge = (f"&nbsp;<a href='comment' style='background:#ffedd5; color:#9a3412; text-decoration:none'>"
                 f"&nbsp;{escape_rich(_('指摘 {n}').format(n=n))}&nbsp;</a>") if n else ""
        return f"{number}{text}{star}{badge}{sub_html}"

    def _add_field(self, f: Field, grid: QGridLayout, page: QWidget) -> FieldEditor:
        editor = create_editor(f, self.form, page)
        label = self._label_widget(f, page)
        r = grid.rowCount()
        if editor.wide:
            grid.addWidget(label, r, 0, 1, 2)
            grid.addWidget(editor.container, r + 1, 0, 1, 2)
        else:
            grid.addWidget(label, r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(editor.container, r, 1)
        self._register(editor)
        return editor

    def _register(self, editor: FieldEditor) -> None:
        self.editors[editor.field.id] = editor
        c = self.controller
        editor.edited.connect(c.set_value_undoable if editor.undoable else c.set_value)

    def _chain_focus(self) -> None:
        """Tab order = print order across the whole sheet (the paper's reading order)."""
        chain: list[QWidget] = []
        seen: set[str] = set()
        for fid in self._built_order:
            ed = self.editors[fid]
            if fid in seen:
                continue
            if isinstance(ed, ChecksEditor) and ed.other_editor is not None:
                seen.add(ed.other_editor.field.id)
            seen.add(fid)
            chain.extend(ed.focus_widgets())
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    # ------------------------------------------------------------------ updates
    def _active(self) -> bool:
        return self.controller.form is not None and self.controller.form.id == self.form.id

    def _on_values(self, field_id: str) -> None:
        if not self._active():
            return
        values = self.controller.values
        if field_id == "":
            for fid, ed in self.editors.items():
                if not ed.field.computed:
                    ed.set_value(values.get(fid))
        if field_id in ("", self.form.fiscal_year_field):
            for fid, label in self.field_labels.items():
                label.setText(self._label_html(self.form.field(fid), values))
        self._update_units(values)

    def _on_reset(self, field_ids: list[str]) -> None:
        if self._active():
            for fid in field_ids:
                if fid in self.editors:
                    self.editors[fid].set_value(self.controller.values.get(fid))

    def _update_units(self, values: dict[str, Any]) -> None:
        """Money in a table takes its unit from the table's 通貨 field (e.g. 米ドル)."""
        for ed in self.editors.values():
            f = ed.field
            if f.type != "money" or f.unit or not f.group:
                continue
            currency = next(
                (g for g in self.form.fields if g.group == f.group and g.id.endswith("currency")), None
            )
            if currency is not None:
                v = values.get(currency.id)
                ed.set_unit(v if isinstance(v, str) else "")

    def _on_computed(self, computed: dict) -> None:
        if not self._active():
            return
        for fid, c in computed.items():
            if fid in self.editors:
                self.editors[fid].set_computed(c.text)

    def _on_applicability(self, applicable: dict[str, bool]) -> None:
        if not self._active():
            return
        values = self.controller.values
        for key, ok in applicable.items():
            # A field that does not apply but still holds a value stays editable, so the
            # officer can clear what validation reports; empty ones are disabled.
            if key in self.editors:
                self.editors[key].set_applicable(ok or not fieldtypes.is_empty(values.get(key)))
            elif key in self.group_boxes:
                box = self.group_boxes[key]
                filled = any(not fieldtypes.is_empty(values.get(f.id)) for f in self.form.fields if f.group == key)
                box.setEnabled(ok or filled)
                self.not_applicable_notes[key].setVisible(not ok)

    def _on_findings(self, findings: list[Finding]) -> None:
        if not self._active():
            return
        self._show_findings(findings, set(self.editors))

    def _show_findings(self, findings: list[Finding], field_ids: set[str]) -> None:
        """Each editor's own findings under it, and the error count on every tab."""
        by_field: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            by_field[f.field_id].append(f)
        for fid in field_ids:
            self.editors[fid].set_findings(by_field.get(fid, []))
        errors = count_by_tab(self.form, findings)
        warnings = count_by_tab(self.form, findings, "warning")
        bar = self.tabs.tabBar()
        for tab in self.form.tabs:
            i = self.tab_index[tab.id]
            n = errors.get(tab.id, 0)
            self.tabs.setTabText(i, f"{tab.label} ({n})" if n else tab.label)
            bar.setTabTextColor(i, QColor("#b00020") if n else self.palette().color(self.foregroundRole()))
            self.tabs.setTabToolTip(i, _("エラー {e} 件，注意 {w} 件").format(e=n, w=warnings.get(tab.id, 0)))

    def _on_carried(self, carried: list[str]) -> None:
        if not self._active():
            return
        prev = self.controller.previous_values
        for fid, mark in self.carry_marks.items():
            mark.setVisible(fid in carried)
        for fid, btn in self.compare_buttons.items():
            btn.setVisible(not fieldtypes.is_empty(prev.get(fid)))

    def _on_imported(self, imported: list[str]) -> None:
        if not self._active():
            return
        for fid, mark in self.import_marks.items():
            mark.setVisible(fid in imported)

    def set_comment_marks(self, open_by_field: dict[str, int]) -> None:
        """「指摘 n」 in the label of every field with open review comments (a link to them)."""
        changed = {fid for fid in set(self.comment_counts) | set(open_by_field)
                   if self.comment_counts.get(fid, 0) != open_by_field.get(fid, 0)}
        self.comment_counts = {k: v for k, v in open_by_field.items() if k in self.form.by_id}
        values = self.controller.values
        for fid in changed:
            if fid in self.field_labels:
                self.field_labels[fid].setText(self._label_html(self.form.field(fid), values))
        self._show_comment_tips(changed)

    def _show_comment_tips(self, field_ids: set[str]) -> None:
        for fid in field_ids:
            label = self.field_labels.get(fid)
            if label is not None:
                label.setToolTip(_("この項目に評価室の未解決の指摘があります。「指摘」を押すと一覧を開きます。")
                                 if self.comment_counts.get(fid) else "")

    def set_read_only(self) -> None:
        """A database opened read-only: no editor takes input (tabs built later neither)."""
        self.read_only = True
        self._make_read_only(list(self.editors))

    def _make_read_only(self, field_ids: list[str]) -> None:
        for fid in field_ids:
            w = self.editors[fid].widget
            if hasattr(w, "setReadOnly"):
                w.setReadOnly(True)
            else:
                w.setEnabled(False)

    def comment_mark(self, field_id: str) -> str:
        """The 「指摘 n」 text shown in the field's label ('' when none)."""
        n = self.comment_counts.get(field_id, 0)
        return _("指摘 {n}").format(n=n) if n else ""

    def field_with_focus(self) -> str:
        """The field whose editor has the keyboard focus ('' when none)."""
        from PySide6.QtWidgets import QApplication

        w = QApplication.focusWidget()
        if w is None:
            return ""
        for fid, ed in self.editors.items():
            if ed.container is w or ed.container.isAncestorOf(w):
                return fid
        return ""

    # ------------------------------------------------------------------ navigation
    def tab_error_count(self, tab_id: str) -> int:
        return count_by_tab(self.form, self.controller.findings).get(tab_id, 0)

    def focus_field(self, field_id: str) -> None:
        """Show the field's tab, scroll it into view and put the cursor in it."""
        ed = self.editor(field_id)
        if ed is None:
            return
        tab = ed.field.tab
        self.tabs.setCurrentIndex(self.tab_index[tab])
        scroll = self.scrolls[tab]
        scroll.ensureWidgetVisible(ed.container, 20, 40)
        ed.focus()

    def current_tab_id(self) -> str:
        return self.form.tabs[self.tabs.currentIndex()].id

    # ------------------------------------------------------------------ zoom and find
    def set_zoom(self, percent: int) -> None:
        """The whole form's text at ``percent`` of the application font (Ctrl+plus/minus)."""
        from PySide6.QtWidgets import QApplication

        font = QApplication.font()
        font.setPointSizeF(max(font.pointSizeF(), 1.0) * percent / 100)
        self.setFont(font)
        self.zoom = percent

    def find(self, text: str) -> list[str]:
        """Fields whose label or value holds ``text`` (case-insensitive), in the sheet's order."""
        needle = text.casefold().strip()
        if not needle:
            return []
        values = self.controller.values
        hits = []
        for fid in self._order:
            f = self.form.field(fid)
            value = values.get(fid)
            shown = "\n".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)
            label = f"{f.number} {label_for(self.form, f, values)} {label_for(self.form, f, values, sublabel=True)}"
            if needle in label.casefold() or needle in shown.casefold():
                hits.append(fid)
        return hits

    def highlight(self, field_id: str) -> None:
        """Jump to a found field and mark it (a yellow frame until the next find)."""
        for ed in self.editors.values():
            if ed.container.property("found"):
                ed.container.setProperty("found", False)
                ed.container.setStyleSheet("")
        ed = self.editor(field_id)
        if ed is None:
            return
        ed.container.setProperty("found", True)
        ed.container.setStyleSheet(f"QWidget#row\\:{field_id} {{ background: #fff3a0; }}")
        ed.container.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.focus_field(field_id)


def _mark_button(page: QWidget, name: str, text: str, background: str, color: str, tip: str,
                 on_click: Callable[..., None]) -> QToolButton:
    """A hidden 「前年度から」/「取り込み」 mark beside a label: pressing it marks the value reviewed."""
    button = QToolButton(page)
    button.setObjectName(name)
    button.setText(text)
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setStyleSheet(f"QToolButton {{ background: {background}; color: {color}; border-radius: 3px; padding: 0 4px; }}")
    button.setToolTip(tip)
    button.clicked.connect(on_click)
    button.hide()
    return button
