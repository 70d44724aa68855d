"""Qt alone drawing what hyoka's first window shows: the yardstick between the bare window and hyoka.

Issue 11 item 12 compares hyoka's cold start with a bare PySide6 window showing one label.
This script builds, with PySide6 only (no hyoka code, no database, no format building), a
window with the same parts and about the same text as hyoka's first window on the demo sheet:
menus with shortcuts, a tool bar, the sheet list and findings docks, the title line, six tabs,
and the first tab's fields (labels with hints, line edits, the long answers in text boxes,
radio buttons and check boxes) in BIZ UDPGothic. ``bench_gui.py`` times it in the same turns:
what it costs over the bare window is Qt's own work for that content, which no change to hyoka
can remove. It prints ``startup_ms=`` when painted, as the other two do.
"""

import json
import re
import sys
import time

T0 = time.perf_counter()
ROOT = sys.argv[1] if len(sys.argv) > 1 else "."

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QCheckBox,
    QDockWidget,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

app = QApplication(sys.argv[:1])
font_id = QFontDatabase.addApplicationFont(f"{ROOT}/resources/fonts/BIZUDPGothic-Regular.ttf")
ui_font = QFont(QFontDatabase.applicationFontFamilies(font_id)[0], 10)
ui_font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # as hyoka's app font (gui/app.py)
app.setFont(ui_font)
with open(f"{ROOT}/resources/demo/000_iom_r01.json", encoding="utf-8") as fh:
    values = json.load(fh)["values"]
with open(f"{ROOT}/forms/mofa-r01.toml", encoding="utf-8") as fh:
    labels = re.findall(r'^\s*label = "(.*)"\s*$', fh.read(), re.M)

window = QMainWindow()
for title in ("ファイル(&F)", "編集(&E)", "評価室(&O)", "表示(&V)", "ヘルプ(&H)"):
    menu = window.menuBar().addMenu(title)
    for i in range(8):
        action = QAction(f"{title[:-4]}の項目{i}…", window)
        action.setShortcut(QKeySequence(f"Ctrl+Shift+{i}"))
        menu.addAction(action)
tools = window.addToolBar("main")
for text in ("新規", "前年度から作成", "保存", "履歴", "印刷 / PDF", "次の指摘", "完了にする"):
    tools.addAction(QAction(text, window))

listing = QWidget()
v = QVBoxLayout(listing)
v.addWidget(QLineEdit(placeholderText="全文検索（拠出金名・本文）"))
table = QTableWidget(2, 3)
table.setHorizontalHeaderLabels(["年度", "状態", "拠出金名"])
for r, year in enumerate(("2019", "2018")):
    for c, text in enumerate((year, "完了", values["contribution_name"])):
        table.setItem(r, c, QTableWidgetItem(text))
v.addWidget(table)
for area, title, widget in ((Qt.DockWidgetArea.LeftDockWidgetArea, "シート一覧", listing),
                            (Qt.DockWidgetArea.RightDockWidgetArea, "指摘（エラー 0・注意 0）", QListWidget())):
    dock = QDockWidget(title, window)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)

central = QWidget()
v = QVBoxLayout(central)
v.addWidget(QLabel(f"<b>{values['contribution_name']}</b> 令和元年（2019 年）度 令和元年度様式 ［完了］"))
tabs = QTabWidget()
page = QWidget()
grid = QGridLayout(page)
grid.addWidget(QLabel("<b>■ 拠出金の概要</b>"), 0, 0, 1, 2)
for row, (label, (field, value)) in enumerate(zip(labels[13:], list(values.items())[:12], strict=False), start=1):
    text = QLabel(f"{row} {label} ＊<br>（{field}）題名に「令和元年（2019 年）度」の形で印刷されます。")
    text.setWordWrap(True)
    text.setFixedWidth(220)
    grid.addWidget(text, row, 0)
    if isinstance(value, list):
        box = QWidget()
        g = QGridLayout(box)
        for i, name in enumerate(("安全保障", "軍縮不拡散・科学", "国際経済・資源エネルギー", "司法", "教育・文化", "開発・人道")):
            g.addWidget(QCheckBox(name, checked=name in value), i // 3, i % 3)
        grid.addWidget(box, row, 1)
    elif value in ("イヤマーク", "ノンイヤマーク"):
        box = QWidget()
        g = QGridLayout(box)
        for i, name in enumerate(("ノンイヤマーク", "イヤマーク")):
            g.addWidget(QRadioButton(name, checked=name == value), 0, i)
        grid.addWidget(box, row, 1)
    elif isinstance(value, str) and len(value) > 60:
        grid.addWidget(QPlainTextEdit(value), row, 1)
    else:
        grid.addWidget(QLineEdit(str(value)), row, 1)
scroll = QScrollArea()
scroll.setWidgetResizable(True)
scroll.setWidget(page)
tabs.addTab(scroll, "拠出金の概要")
for title in ("評価基準１", "評価基準２", "評価基準３", "評価基準４", "総合評価"):
    tabs.addTab(QScrollArea(), title)
v.addWidget(tabs)
window.setCentralWidget(central)
for text in ("ページ数：…", "エラー 0 件・注意 0 件", "保存済み 2019-07-10 01:00"):
    window.statusBar().addPermanentWidget(QLabel(text))
window.resize(1366, 768)
window.show()
app.processEvents()
window.repaint()
print(f"startup_ms={(time.perf_counter() - T0) * 1000:.0f}", flush=True)
if len(sys.argv) > 2:
    window.grab().save(sys.argv[2])
