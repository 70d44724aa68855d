"""ヘルプ: the keyboard shortcuts, the meaning of each grade, and the About box.

The shortcut list is read from the window's actual QActions (a shortcut added or
changed in code shows up here without editing a list); the grade meanings come
from the format files' ``[grades.*] meanings``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.definition import FormDef
from desktop.core.i18n import _
from desktop.core.resources import resource_dir

LICENCES = (
    ("BIZ UD ゴシック / BIZ UD 明朝", "SIL Open Font License 1.1", "BIZUD-LICENSE.txt"),
    ("DejaVu Sans", "Bitstream Vera / DejaVu License", "DejaVu-LICENSE.txt"),
)


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, action text) of every action that has a shortcut, in the order given."""
    rows = []
    for act in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty()]
        if keys:
            rows.append((" / ".join(keys), act.text().replace("&", "").rstrip("…")))
    return rows


def grade_rows(form: FormDef) -> list[tuple[str, str, str]]:
    """(scale name, grade, meaning) for every grade of the format's scales."""
    return [(name, grade, scale.meanings.get(grade, ""))
            for name, scale in form.grades.items() for grade in scale.all]


def _table(parent: QWidget, headers: list[str], rows: list[tuple[str, ...]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    header = table.horizontalHeader()
    for c in range(len(headers) - 1):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    return table


class HelpDialog(QDialog):
    """F1: the shortcuts of this window and the grades of the open sheet's format (or all formats)."""

    def __init__(self, actions: list[QAction], forms: list[FormDef], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(_("ヘルプ"))
        self.resize(640, 520)
        v = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.shortcuts = _table(self, [_("キー"), _("操作")], shortcut_rows(actions), "shortcutTable")
        self.tabs.addTab(self.shortcuts, _("キーボード操作"))
        rows: list[tuple[str, ...]] = []
        for form in forms:
            names = {"criteria": _("評価基準"), "overall": _("総合評価")}
            rows.extend((form.name, names.get(scale, scale), grade, meaning)
                        for scale, grade, meaning in grade_rows(form))
        self.grades = _table(self, [_("様式"), _("評価"), _("記号"), _("意味")], rows, "gradeTable")
        self.tabs.addTab(self.grades, _("評価の意味"))
        v.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)


def about_html(version: str, db_path: str) -> str:
    import html

    from PySide6 import __version__ as pyside_version

    fonts = resource_dir("fonts")
    items = "".join(
        f"<li>{html.escape(name)} — {html.escape(licence)}<br><small>{html.escape(str(fonts / file))}</small></li>"
        for name, licence, file in LICENCES)
    items += "<li>" + html.escape(_("Qt / PySide6 {v} — GNU LGPL v3（動的リンク）").format(v=pyside_version)) + "</li>"
    items += "<li>ReportLab — BSD License</li>"
    # the texts outside the f-string: message extraction does not look inside f-strings
    what = html.escape(_("国際機関等への拠出金等に対する評価シートの作成"))
    database = html.escape(_("データベース"))
    licences = html.escape(_("ライセンス"))
    return (f"<h3>hyoka {html.escape(version)}</h3><p>{what}</p>"
            f"<p><b>{database}</b><br>{html.escape(db_path)}</p>"
            f"<p><b>{licences}</b></p><ul>{items}</ul>")


class AboutDialog(QDialog):
    """Version, the licences of what is shipped, and which database file is open."""

    def __init__(self, version: str, db_path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_("hyoka について"))
        self.resize(560, 420)
        v = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("aboutText")
        self.text.setOpenLinks(False)
        self.text.setHtml(about_html(version, db_path))
        v.addWidget(self.text)
        note = QLabel(_("フォントのライセンス全文は上のファイルにあります。"), self)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hyoka")
    except PackageNotFoundError:
        return "0.1.0"
