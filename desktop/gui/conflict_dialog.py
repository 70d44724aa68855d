"""Two versions of one sheet, field by field: the officer takes either side per field.

Used when a sheet changed in two places: the app's unsaved edits against a write
from another process (a CLI import while the app is open), and an imported file
against the local sheet. Only the fields that differ are listed; each row shows
both values side by side with the changed characters highlighted, and a pair of
radio buttons (default: the local side). The result is plain data:

* ``outcome`` — ``"merge"`` (use :meth:`merged_values`), ``"both"`` (keep both
  sheets) or ``None`` (cancelled);
* :meth:`merged_values` — the local values with the incoming side taken where chosen.

Each row starts on the local side; when the common ``base`` is given, a field that
only the incoming side changed starts on the incoming side.

Keyboard: Tab / ↑↓ walk the rows, ←/→ switch a row's side,
Alt+L / Alt+R take every row's local / incoming side, Enter merges.
"""

from __future__ import annotations

import difflib
import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop.core.definition import FormDef
from desktop.core.i18n import _
from desktop.core.values import Values, display_value, label_for

LOCAL, INCOMING = "local", "incoming"
LOCAL_MARK = "#ffc4c4"  # characters only on the local side
INCOMING_MARK = "#b6e8b6"  # characters only on the incoming side
CHOSEN_STYLE = "QFrame#%s { border: 2px solid #2f6fb3; background: #f3f8ff; border-radius: 3px; }"
OTHER_STYLE = "QFrame#%s { border: 1px solid #c8c8c8; background: #fafafa; border-radius: 3px; }"
LABEL_WIDTH = 200
MAX_SHOWN = 4000  # characters of one value shown (the sheet's longest fields are 3,000)


def differing_fields(form: FormDef, local: Values, incoming: Values) -> list[str]:
    """Fields whose values differ, in sheet order (then any keys the form does not know)."""
    known = [f.id for f in form.input_fields]
    extra = sorted((set(local) | set(incoming)) - set(known))
    return [fid for fid in known + extra if local.get(fid) != incoming.get(fid)]


def _shown(form: FormDef, field_id: str, values: Values) -> str:
    if field_id not in form.by_id:
        value = values.get(field_id)
        return "" if value is None else str(value)
    return display_value(form, field_id, values)


def highlighted(a: str, b: str) -> tuple[str, str]:
    """HTML of ``a`` and ``b`` with the characters that differ marked (a: removed, b: added)."""
    a, b = a[:MAX_SHOWN], b[:MAX_SHOWN]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        pa, pb = html.escape(a[i1:i2]), html.escape(b[j1:j2])
        if op == "equal":
            out_a.append(pa)
            out_b.append(pb)
            continue
        if pa:
            out_a.append(f"<span style='background:{LOCAL_MARK}'>{pa}</span>")
        if pb:
            out_b.append(f"<span style='background:{INCOMING_MARK}'>{pb}</span>")
    return _lines("".join(out_a)), _lines("".join(out_b))


def _lines(text: str) -> str:
    return text.replace("\n", "<br>")


class ConflictDialog(QDialog):
    """Field-by-field choice between ``local`` and ``incoming`` values of one sheet."""

    def __init__(
        self,
        form: FormDef,
        local: Values,
        incoming: Values,
        *,
        local_label: str | None = None,
        local_date: str = "",
        incoming_label: str | None = None,
        incoming_date: str = "",
        title: str | None = None,
        explanation: str = "",
        allow_cancel: bool = True,
        base: Values | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(title or _("変更の競合"))
        self.resize(1100, 680)
        self.form = form
        self.local = dict(local)
        self.incoming = dict(incoming)
        self.allow_cancel = allow_cancel
        self.outcome: str | None = None
        self.fields = differing_fields(form, self.local, self.incoming)
        # With the common base known, a field changed only on the incoming side starts on
        # that side (taking "local" there would undo a change nobody here made).
        self.base = dict(base) if base is not None else None
        self.groups: dict[str, QButtonGroup] = {}
        self._cells: dict[tuple[str, str], QFrame] = {}

        local_label = local_label or _("この端末")
        incoming_label = incoming_label or _("取り込むファイル")
        self.local_label, self.incoming_label = local_label, incoming_label
        lay = QVBoxLayout(self)
        intro = QLabel(self)
        intro.setObjectName("conflictIntro")
        intro.setWordWrap(True)
        intro.setText(explanation or _(
            "同じシートが二か所で変更されています。異なる {n} 項目について，使う内容を項目ごとに選んでください"
            "（既定は「{local}」）。"
        ).format(n=len(self.fields), local=local_label))
        lay.addWidget(intro)

        head = QGridLayout()
        head.setColumnStretch(1, 1)
        head.setColumnStretch(2, 1)
        head.setColumnMinimumWidth(0, LABEL_WIDTH)
        for col, (name, date) in enumerate(((local_label, local_date), (incoming_label, incoming_date)), start=1):
            text = f"<b>{html.escape(name)}</b>"
            if date:
                text += "<br><span style='color:#555'>" + html.escape(_("最終変更 {date}").format(date=date)) + "</span>"
            h = QLabel(text, self)
            h.setObjectName("conflictHeadLocal" if col == 1 else "conflictHeadIncoming")
            head.addWidget(h, 0, col)
        item = QLabel("<b>" + html.escape(_("項目")) + "</b>", self)
        item.setFixedWidth(LABEL_WIDTH)
        head.addWidget(item, 0, 0, Qt.AlignmentFlag.AlignBottom)
        lay.addLayout(head)

        scroll = QScrollArea(self)
        scroll.setObjectName("conflictScroll")
        scroll.setWidgetResizable(True)
        page = QWidget(scroll)
        self.grid = QGridLayout(page)
        self.grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.grid.setVerticalSpacing(10)
        previous: QWidget | None = None
        for row, fid in enumerate(self.fields):
            previous = self._add_row(row, fid, local_label, incoming_label, previous)
        if not self.fields:
            none = QLabel(_("異なる項目はありません。"), page)
            self.grid.addWidget(none, 0, 0, 1, 3)
        self.grid.setRowStretch(len(self.fields) + 1, 1)
        scroll.setWidget(page)
        self.scroll = scroll
        # the column headings stand over the scrolled columns
        m, fw = self.grid.contentsMargins(), scroll.frameWidth()
        bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        head.setContentsMargins(m.left() + fw, 0, m.right() + fw + bar, 0)
        head.setHorizontalSpacing(self.grid.horizontalSpacing())
        lay.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.all_local = QPushButton(_("すべて「{side}」(&L)").format(side=local_label), self)
        self.all_local.setObjectName("conflictAllLocal")
        self.all_local.clicked.connect(lambda: self.choose_all(LOCAL))
        self.all_incoming = QPushButton(_("すべて「{side}」(&R)").format(side=incoming_label), self)
        self.all_incoming.setObjectName("conflictAllIncoming")
        self.all_incoming.clicked.connect(lambda: self.choose_all(INCOMING))
        self.keep_both = QPushButton(_("両方のシートを残す(&B)"), self)
        self.keep_both.setObjectName("conflictKeepBoth")
        self.keep_both.setToolTip(_("どちらも変更せず，もう一方を別のシートとして残します"))
        self.keep_both.clicked.connect(self._both)
        self.merge = QPushButton(_("選んだ内容で保存(&S)"), self)
        self.merge.setObjectName("conflictMerge")
        self.merge.setDefault(True)
        self.merge.clicked.connect(self._merge)
        for btn in (self.all_local, self.all_incoming, self.keep_both, self.merge):
            btn.setAutoDefault(False)
        self.merge.setDefault(True)
        buttons.addWidget(self.all_local)
        buttons.addWidget(self.all_incoming)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_both)
        buttons.addWidget(self.merge)
        if allow_cancel:
            cancel = QPushButton(_("キャンセル"), self)
            cancel.setObjectName("conflictCancel")
            cancel.setAutoDefault(False)
            cancel.clicked.connect(self.reject)
            buttons.addWidget(cancel)
        lay.addLayout(buttons)
        self.summary = QLabel(self)
        self.summary.setObjectName("conflictSummary")
        lay.addWidget(self.summary)
        self._update_summary()
        if self.fields:
            self.groups[self.fields[0]].button(0).setFocus()

    # ------------------------------------------------------------------ rows
    def _add_row(self, row: int, fid: str, local_label: str, incoming_label: str,
                 previous: QWidget | None) -> QWidget:
        page = self.grid.parentWidget()
        field = self.form.by_id.get(fid)
        if field is not None:
            label = f"{field.number} {label_for(self.form, field, self.local)}".strip()
        else:
            label = fid
        only_there = self.base is not None and self.local.get(fid) == self.base.get(fid)
        name = QLabel(label, page)
        name.setObjectName(f"conflictLabel:{fid}")
        if only_there:
            name.setText(label + "\n" + _("（こちらでは変更なし）"))
        name.setWordWrap(True)
        name.setFixedWidth(LABEL_WIDTH)
        name.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.grid.addWidget(name, row, 0)
        a, b = _shown(self.form, fid, self.local), _shown(self.form, fid, self.incoming)
        html_a, html_b = highlighted(a, b)
        group = QButtonGroup(self)
        group.setExclusive(True)
        self.groups[fid] = group
        first: QWidget | None = None
        for col, (side, side_label, body) in enumerate(
            ((LOCAL, local_label, html_a), (INCOMING, incoming_label, html_b)), start=1
        ):
            cell = QFrame(page)
            cell.setObjectName(f"conflict-{side}-{row}")
            v = QVBoxLayout(cell)
            v.setContentsMargins(6, 4, 6, 6)
            v.setSpacing(2)
            radio = QRadioButton(_("「{side}」を使う").format(side=side_label), cell)
            radio.setObjectName(f"conflict:{fid}:{side}")
            radio.setAccessibleName(f"{label}：{side_label}")
            group.addButton(radio, 0 if side == LOCAL else 1)
            radio.installEventFilter(self)
            v.addWidget(radio)
            text = QLabel(cell)
            text.setObjectName(f"conflictValue:{fid}:{side}")
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            text.setText(body if body else "<span style='color:#888'>" + html.escape(_("（空欄）")) + "</span>")
            v.addWidget(text)
            self._cells[(fid, side)] = cell
            self.grid.addWidget(cell, row, col)
            if first is None:
                first = radio
            if previous is not None:
                QWidget.setTabOrder(previous, radio)
            previous = radio
        group.button(1 if only_there else 0).setChecked(True)
        group.idToggled.connect(lambda _i, _c, fid=fid: self._restyle(fid))
        self._restyle(fid)
        assert previous is not None
        return previous

    def _restyle(self, fid: str) -> None:
        chosen = self.choice(fid)
        for side in (LOCAL, INCOMING):
            cell = self._cells[(fid, side)]
            cell.setStyleSheet((CHOSEN_STYLE if side == chosen else OTHER_STYLE) % cell.objectName())
        self._update_summary()

    def _update_summary(self) -> None:
        if not hasattr(self, "summary"):
            return
        n = sum(1 for fid in self.fields if self.choice(fid) == INCOMING)
        self.summary.setText(_("{total} 項目のうち {n} 項目で「{side}」を使います。").format(
            total=len(self.fields), n=n, side=self.incoming_label))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """←/→ take a row's side, ↑/↓ move between rows (the radios sit in separate cells,
        so Qt's own arrow navigation between siblings does not apply)."""
        if event.type() == QEvent.Type.KeyPress and isinstance(obj, QRadioButton):
            key = event.key()  # type: ignore[attr-defined]
            fid = next((f for f, g in self.groups.items() if obj in g.buttons()), None)
            if fid is not None and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                side = LOCAL if key == Qt.Key.Key_Left else INCOMING
                self.choose(fid, side)
                self.groups[fid].button(0 if side == LOCAL else 1).setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if fid is not None and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                i = self.fields.index(fid) + (1 if key == Qt.Key.Key_Down else -1)
                if 0 <= i < len(self.fields):
                    target = self.groups[self.fields[i]].checkedButton()
                    if target is not None:
                        target.setFocus(Qt.FocusReason.OtherFocusReason)
                        self.scroll.ensureWidgetVisible(target.parentWidget())
                return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ API
    def choice(self, field_id: str) -> str:
        group = self.groups[field_id]
        return INCOMING if group.checkedId() == 1 else LOCAL

    def choose(self, field_id: str, side: str) -> None:
        self.groups[field_id].button(1 if side == INCOMING else 0).setChecked(True)

    def choose_all(self, side: str) -> None:
        for fid in self.fields:
            self.choose(fid, side)

    def merged_values(self) -> Values:
        """The local values with the incoming value taken for every field chosen so."""
        out: dict[str, Any] = dict(self.local)
        for fid in self.fields:
            if self.choice(fid) == INCOMING:
                if fid in self.incoming:
                    out[fid] = self.incoming[fid]
                else:
                    out.pop(fid, None)
        return out

    def _merge(self) -> None:
        self.outcome = "merge"
        self.accept()

    def _both(self) -> None:
        self.outcome = "both"
        self.accept()

    def reject(self) -> None:
        if not self.allow_cancel:
            return  # a decision is needed: Esc / the close box do nothing
        self.outcome = None
        super().reject()
