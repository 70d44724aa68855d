"""The main window: sheet list, the editor of the open sheet, findings, actions.

Layout at 1366×768: the sheet list is a dock on the left, findings a dock on the
right, the generated form in the middle (each tab scrolls on its own). Actions
that tests and menus share are plain methods (``create_sheet``, ``open_sheet``,
``import_files`` …); the menu handlers only add the file/confirm dialogs.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QPoint, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import conventions, era, validation
from desktop.core.definition import DefinitionError, Field, FormDef, UnknownFormatError, form_registry, get_form
from desktop.core.i18n import _, current_language
from desktop.core.store import DamagedSheetError, Sheet, Store, StoreError
from desktop.core.values import Values, defaults, label_for
from desktop.lazy import lazy_module

from . import folders
from .comments_panel import CommentsPanel
from .controller import FormController
from .form_view import FormView
from .import_sheet import FILE_FILTER, ImportNotePanel, ImportPreviewDialog
from .labels import kind_label, local_time, status_label
from .look import escape_rich
from .page_count import PageCountLabel
from .session import DatabaseLock, PreviousSession, SessionMarker
from .sheet_list import SheetListPanel
from .wrapping import WrapAnywhereDelegate

if TYPE_CHECKING:
    from desktop.core import interchange

    from . import dialogs
    from .office import FolderImportDialog, YearOverviewDialog
else:  # loaded when first used: a dialog, a file to read or write (not on the way to the first window)
    dialogs = lazy_module("desktop.gui.dialogs")
    interchange = lazy_module("desktop.core.interchange")

MAX_RECENT = 8
INTEGRITY_DELAY_MS = 1500
AFTER_START_MS = 300  # work the first paint does not need (after it, before the officer's first click)


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        *,
        lock: DatabaseLock | None = None,
        session: SessionMarker | None = None,
        read_only: bool = False,
        settings: QSettings | None = None,
        previous_session: PreviousSession | None = None,
    ):
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.lock = lock
        self.session = session
        self.read_only = read_only
        self.settings = settings
        self.controller = FormController(store, read_only=read_only, parent=self)
        self.views: dict[str, FormView] = {}
        self._finding_pos = -1
        self._closed = False
        self._session_suspended = False

        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_status()
        self._wire_controller()
        self._remember_recent(store.path)
        self.refresh_list()
        self._update_title()
        self._update_actions()
        if previous_session is not None:
            self._show_recovery_note(previous_session)
        QTimer.singleShot(AFTER_START_MS, self._show_format_warnings)
        QTimer.singleShot(INTEGRITY_DELAY_MS, self.check_integrity)

    def _show_format_warnings(self) -> None:
        """Format files skipped or outranked (see desktop.core.registry): said in the status bar
        (the full list is in the log and in ``hyoka forms list``). Once the window is up: finding
        them means building every installed format, where the first window needs only the open
        sheet's."""
        if self._closed:
            return
        try:
            warnings = form_registry().warnings
        except DefinitionError as exc:  # a format file of the program itself: the installation is damaged
            message = " ".join(str(exc).split())
            self.statusBar().showMessage(message)
            dialogs.inform(self, _("様式ファイルに誤りがあります"), message + "\n\n" + _(
                "この様式は使えません。ほかの様式のシートはそのまま使えます。プログラムを入れ直してください。"), warning=True)
            return
        if warnings:
            self.statusBar().showMessage(_("様式ファイルの警告 {n} 件：{first}").format(n=len(warnings), first=warnings[0]))

    def check_integrity(self) -> bool:
        """The database's page check, once the window is up (off the way to the first paint)."""
        if self._closed:
            return True
        try:
            self.store.check_integrity()
        except StoreError as exc:
            self.statusBar().showMessage(str(exc))
            dialogs.inform(self, _("データベースが壊れています"), str(exc), warning=True)
            return False
        return True

    # ================================================================ build
    def _build_central(self) -> None:
        central = QWidget(self)
        v = QVBoxLayout(central)
        v.setContentsMargins(6, 4, 6, 0)
        v.setSpacing(4)
        self.banner = QWidget(central)
        self.banner.setObjectName("recoveryBanner")
        self.banner.setStyleSheet("#recoveryBanner { background: #fff4ce; border: 1px solid #e0c060; }")
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(8, 4, 4, 4)
        self.banner_label = QLabel(self.banner)
        self.banner_label.setWordWrap(True)
        bl.addWidget(self.banner_label, 1)
        close = QToolButton(self.banner)
        close.setText("×")
        close.setAutoRaise(True)
        close.clicked.connect(self.banner.hide)
        bl.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()
        v.addWidget(self.banner)
        self.header = QLabel(central)
        self.header.setObjectName("sheetHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(self.header)
        self.find_bar = QWidget(central)
        self.find_bar.setObjectName("findBar")
        fl = QHBoxLayout(self.find_bar)
        fl.setContentsMargins(0, 0, 0, 0)
        self.find_edit = QLineEdit(self.find_bar)
        self.find_edit.setObjectName("findEdit")
        self.find_edit.setPlaceholderText(_("シート内を検索"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.returnPressed.connect(lambda: self.find_next(+1))
        self.find_edit.textChanged.connect(lambda _t: self._reset_find())
        fl.addWidget(self.find_edit, 1)
        for text, step in ((_("前へ"), -1), (_("次へ"), +1)):
            b = QToolButton(self.find_bar)
            b.setText(text)
            b.clicked.connect(lambda _c=False, s=step: self.find_next(s))
            fl.addWidget(b)
        self.find_status = QLabel(self.find_bar)
        self.find_status.setObjectName("findStatus")
        fl.addWidget(self.find_status)
        close_find = QToolButton(self.find_bar)
        close_find.setText("×")
        close_find.setAutoRaise(True)
        close_find.clicked.connect(self.find_bar.hide)
        fl.addWidget(close_find)
        self.find_bar.hide()
        v.addWidget(self.find_bar)
        self._find_pos = -1
        self.stack = QStackedWidget(central)
        self.placeholder = QLabel(_("左の一覧からシートを選ぶか，「新規」でシートを作成してください。"), self.stack)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack.addWidget(self.placeholder)
        v.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        panel = SheetListPanel(self)
        self.sheet_list = panel
        self.search, self.table = panel.search, panel.table  # shortcuts used by tests and focus handling
        panel.sheetActivated.connect(self._list_selection_changed)
        panel.searchRequested.connect(lambda _text: self.refresh_list())
        self.list_dock = QDockWidget(_("シート一覧"), self)
        self.list_dock.setObjectName("sheetListDock")
        self.list_dock.setWidget(panel)
        self.list_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.list_dock)

        self.findings_list = QListWidget(self)
        self.findings_list.setObjectName("findingsList")
        self.findings_list.setWordWrap(True)
        self.findings_list.setResizeMode(QListWidget.ResizeMode.Adjust)  # re-measure wrapped rows when the dock resizes
        self.findings_list.setItemDelegate(WrapAnywhereDelegate(self.findings_list))
        self.findings_list.itemActivated.connect(self._finding_activated)
        self.findings_list.itemClicked.connect(self._finding_activated)
        self.findings_list.currentItemChanged.connect(lambda item, _prev: self._show_finding_message(item))
        self.findings_dock = QDockWidget(_("指摘"), self)
        self.findings_dock.setObjectName("findingsDock")
        self.findings_dock.setWidget(self._findings_panel())
        self.findings_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.findings_dock)
        self.resizeDocks([self.list_dock, self.findings_dock], [330, 250], Qt.Orientation.Horizontal)

        self.import_note = ImportNotePanel(self)
        self.import_note_dock = QDockWidget(_("取り込み時のメモ"), self)
        self.import_note_dock.setObjectName("importNoteDock")
        self.import_note_dock.setWidget(self.import_note)
        self.import_note_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                          | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.import_note_dock)
        self.import_note_dock.hide()

        self.comments = CommentsPanel(self)
        self.comments.read_only = self.read_only
        self.comments.current_field = self._focused_field
        self.comments.changed.connect(self._on_comments_changed)
        self.comments.fieldRequested.connect(self.focus_field)
        self.comments_dock = QDockWidget(_("評価室の指摘"), self)
        self.comments_dock.setObjectName("commentsDock")
        self.comments_dock.setWidget(self.comments)
        self.comments_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.comments_dock)
        self.comments_dock.hide()

    def _action(self, name: str, text: str, slot: object, shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        act = QAction(text, self)
        act.setObjectName(name)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        A = self._action
        self.act_new = A("actNew", _("新規…"), self.on_new, "Ctrl+N", _("様式と年度を選んで新しいシートを作成します"))
        self.act_from_prev = A("actNewFromPrevious", _("前年度から作成"), self.on_new_from_previous, "Ctrl+Shift+N",
                               _("選択中のシートの値を写して翌年度のシートを作成します"))
        self.act_import_sheet = A("actImportSheet", _("既存のシートから作成…"), self.on_import_sheet, None,
                                  _("公表された PDF や Word のシートを読み取って新しいシートを作成します"))
        self.act_duplicate = A("actDuplicate", _("複製"), self.on_duplicate, None, _("選択中のシートを複製します"))
        self.act_delete = A("actDelete", _("削除…"), self.on_delete, None, _("シートをごみ箱に移します（元に戻せます）"))
        self.act_trash = A("actTrash", _("ごみ箱…"), self.on_trash)
        self.act_import = A("actImport", _("取り込み…"), self.on_import, "Ctrl+I", _("交換ファイル（JSON）を取り込みます"))
        self.act_export = A("actExport", _("書き出し…"), self.on_export, "Ctrl+E", _("交換ファイル（JSON）に書き出します"))
        self.act_import_folder = A("actImportFolder", _("フォルダから取り込み…"), self.on_import_folder, None,
                                   _("フォルダの交換ファイル（*.json）をすべて取り込みます"))
        self.act_overview = A("actYearOverview", _("年度の一覧・確認・公表…"), self.on_year_overview, None,
                              _("年度のシートの一覧，まとめての確認，XLSX・CSV・PDF，公表用一式"))
        self.act_comment = A("actAddComment", _("指摘を追加…"), lambda: self.comments.on_add(), None,
                             _("カーソルのある項目（なければシート全体）に評価室の指摘を付けます"))
        self.act_author = A("actAuthor", _("指摘の記入者名…"), self.on_author)
        self.act_open_db = A("actOpenDb", _("データベースを開く…"), self.on_open_db, "Ctrl+O")
        self.act_restore_backup = A("actRestoreBackup", _("バックアップから復元…"), self.on_restore_backup, None,
                                    _("バックアップを新しいデータベースファイルとして復元します"))
        self.act_quit = A("actQuit", _("終了"), self.close, "Ctrl+Q")
        self.act_undo = A("actUndo", _("元に戻す"), self.on_undo, "Ctrl+Z",
                          _("直前の変更を元に戻します（文字の入力欄ではその欄の入力）"))
        self.act_redo = A("actRedo", _("やり直し"), self.on_redo, "Ctrl+Y", _("元に戻した変更をやり直します"))
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.act_save = A("actSave", _("保存"), self.on_save, "Ctrl+S", _("版として保存します（Ctrl+S）"))
        self.act_complete = A("actComplete", _("完了にする"), self.on_complete, "Ctrl+Shift+K",
                              _("エラーがなければシートを「完了」にします"))
        self.act_draft = A("actDraft", _("作成中に戻す"), self.on_draft)
        self.act_review_tab = A("actReviewTab", _("このタブの前年度項目を確認済みにする"), self.review_current_tab, None,
                                _("開いているタブの「前年度から」の印をすべて確認済みにします"))
        self.act_history = A("actHistory", _("履歴…"), self.on_history, "Ctrl+H", _("保存された版を一覧し，復元します"))
        self.act_next = A("actNextFinding", _("次の指摘"), lambda: self.goto_finding(+1), "F8")
        self.act_prev = A("actPrevFinding", _("前の指摘"), lambda: self.goto_finding(-1), "Shift+F8")
        self.act_print = A("actPrint", _("印刷 / PDF…"), self.on_print, "Ctrl+P", _("印刷プレビューを開きます（PDF 保存・印刷）"))
        self.act_large = A("actLargeEditor", _("大きく編集…"), self.on_large_editor, "Ctrl+Shift+L",
                           _("カーソルのある文章の欄を大きな画面で編集します"))
        self.act_find = A("actFind", _("シート内を検索…"), self.on_find, QKeySequence.StandardKey.Find,
                          _("開いているシートの項目名と入力内容を検索します"))
        self.act_zoom_in = A("actZoomIn", _("拡大"), lambda: self.zoom_by(+10), QKeySequence.StandardKey.ZoomIn)
        self.act_zoom_in.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+="), QKeySequence("Ctrl+;")])
        self.act_zoom_out = A("actZoomOut", _("縮小"), lambda: self.zoom_by(-10), QKeySequence.StandardKey.ZoomOut)
        self.act_zoom_out.setShortcuts([QKeySequence("Ctrl+-")])
        self.act_zoom_reset = A("actZoomReset", _("標準の大きさ"), lambda: self.set_zoom(100), "Ctrl+0")
        self.act_help = A("actHelp", _("ヘルプ…"), self.on_help, "F1", _("キーボード操作と評価の意味を表示します"))
        self.act_about = A("actAbout", _("hyoka について…"), self.on_about, None,
                           _("版，ライセンス，データベースの場所を表示します"))
        self.act_lang_ja = A("actLangJa", "日本語", lambda: self.set_language("ja"))
        self.act_lang_en = A("actLangEn", "English", lambda: self.set_language("en"))
        for act in (self.act_lang_ja, self.act_lang_en):
            act.setCheckable(True)
        (self.act_lang_ja if current_language() == "ja" else self.act_lang_en).setChecked(True)

        mb = self.menuBar()
        m = mb.addMenu(_("ファイル(&F)"))
        for act in (self.act_new, self.act_from_prev, self.act_import_sheet, self.act_duplicate, self.act_delete,
                    self.act_trash):
            m.addAction(act)
        m.addSeparator()
        m.addAction(self.act_import)
        m.addAction(self.act_import_folder)
        m.addAction(self.act_export)
        m.addSeparator()
        m.addAction(self.act_print)
        m.addSeparator()
        m.addAction(self.act_open_db)
        m.addAction(self.act_restore_backup)
        self.recent_menu = m.addMenu(_("最近使ったデータベース"))
        self.recent_menu.setObjectName("recentMenu")
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu(_("編集(&E)"))
        m.addAction(self.act_undo)
        m.addAction(self.act_redo)
        m.addSeparator()
        for act in (self.act_save, self.act_history, self.act_next, self.act_prev):
            m.addAction(act)
        m.addSeparator()
        m.addAction(self.act_review_tab)
        m.addSeparator()
        m.addAction(self.act_complete)
        m.addAction(self.act_draft)
        m.addSeparator()
        m.addAction(self.act_find)
        m.addAction(self.act_large)
        m = mb.addMenu(_("評価室(&O)"))
        for act in (self.act_overview, self.act_import_folder, self.act_comment, self.act_author):
            m.addAction(act)
        m = mb.addMenu(_("表示(&V)"))
        for dock, keys in ((self.list_dock, "Alt+1"), (self.findings_dock, "Alt+2")):
            toggle = dock.toggleViewAction()  # collapse / show again; saveState remembers it
            toggle.setShortcut(QKeySequence(keys))
            self.addAction(toggle)
            m.addAction(toggle)
        m.addAction(self.comments_dock.toggleViewAction())
        m.addSeparator()
        for act in (self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset):
            m.addAction(act)
        lang = m.addMenu(_("言語"))
        lang.addAction(self.act_lang_ja)
        lang.addAction(self.act_lang_en)
        m = mb.addMenu(_("ヘルプ(&H)"))
        m.addAction(self.act_help)
        m.addAction(self.act_about)

        tb = self.addToolBar(_("ツールバー"))
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        for act in (self.act_new, self.act_from_prev, self.act_save, self.act_history, self.act_print,
                    self.act_next, self.act_complete):
            tb.addAction(act)
        self._fill_recent_menu()
        self._build_list_actions()

    def _build_list_actions(self) -> None:
        """In the sheet list: Delete sends the selected sheet to the wastebasket (the menu's
        confirmation and path), and a context menu offers the sheet actions that exist."""
        self.act_list_delete = QAction(self.act_delete.text(), self.table)
        self.act_list_delete.setObjectName("actListDelete")
        self.act_list_delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.act_list_delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_list_delete.triggered.connect(lambda: self.act_delete.isEnabled() and self.on_delete())
        self.table.addAction(self.act_list_delete)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._list_context_menu)

    def list_menu(self) -> QMenu:
        """The sheet list's context menu, built from the window's own actions."""
        menu = QMenu(self)
        menu.setObjectName("sheetListMenu")
        for act in (self.act_from_prev, self.act_duplicate, None, self.act_export, self.act_print, self.act_history,
                    None, self.act_delete):
            if act is None:
                menu.addSeparator()
            else:
                menu.addAction(act)
        return menu

    def _list_context_menu(self, pos: QPoint) -> None:
        row = self.table.rowAt(pos.y())
        if row >= 0:
            self.table.selectRow(row)  # opens it: the menu's actions work on the open sheet
        self.list_menu().exec(self.table.viewport().mapToGlobal(pos))

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.findings_status = QLabel(sb)
        self.findings_status.setObjectName("findingsStatus")
        self.save_status = QLabel(sb)
        self.save_status.setObjectName("saveStatus")
        self.page_count = PageCountLabel(self.controller, self._focused_field, sb)  # in a worker process
        sb.addPermanentWidget(self.page_count)
        sb.addPermanentWidget(self.findings_status)
        sb.addPermanentWidget(self.save_status)
        if self.read_only:
            self.save_status.setText(_("読み取り専用"))
            self.save_status.setStyleSheet("color: #b00020; font-weight: bold;")

    def _wire_controller(self) -> None:
        c = self.controller
        c.findingsChanged.connect(self._on_findings)
        c.saved.connect(self._on_saved)
        c.dirtyChanged.connect(self._on_dirty)
        c.statusChanged.connect(lambda _s: (self._update_title(), self._update_actions()))
        c.carriedChanged.connect(lambda _c: self._update_title())
        c.importedChanged.connect(lambda _c: self._update_title())
        c.storeError.connect(lambda msg: dialogs.inform(self, _("保存できません"), msg, warning=True))
        c.valuesChanged.connect(self._on_value_changed)
        c.databaseChanged.connect(self.refresh_list)
        c.reloadedFromOutside.connect(self._on_reloaded_from_outside)
        c.keptBoth.connect(self._on_kept_both)
        c.resolve_conflict = self._resolve_outside_conflict
        c.sheetClosed.connect(self._on_sheet_closed)
        c.databaseChanged.connect(self._close_if_deleted)

    # ================================================================ sheet list
    def refresh_list(self) -> None:
        """Fill the list: all sheets, or the full-text search hits."""
        text = self.sheet_list.search_text()
        try:
            sheets = self.store.search(text) if text else self.store.list_sheets()
        except StoreError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self.sheet_list.show_sheets(sheets, self.controller.sheet_id)

    def _close_if_deleted(self) -> None:
        """The open sheet went to the wastebasket elsewhere (another window, the command line)."""
        sid = self.controller.sheet_id
        if sid is None:
            return
        try:
            gone = self.store.get_sheet(sid).deleted is not None
        except StoreError:
            gone = True
        if gone:
            self.controller.close_sheet()
            self.statusBar().showMessage(_("開いていたシートはごみ箱に移されたため，閉じました。"), 8000)

    def listed_ids(self) -> list[int]:
        return self.sheet_list.ids()

    def _list_selection_changed(self, sheet_id: int) -> None:
        if sheet_id != self.controller.sheet_id and not self.open_sheet_safely(sheet_id):
            if self.controller.sheet_id is not None:
                self.sheet_list.select(self.controller.sheet_id)

    def open_sheet_safely(self, sheet_id: int, *, interactive: bool = True) -> bool:
        """Open a sheet; a damaged record or a format not installed is explained, never fatal.

        A damaged sheet can be restored from its last good revision (offered when
        ``interactive``); every other sheet stays usable either way."""
        try:
            self.open_sheet(sheet_id)
            return True
        except UnknownFormatError as exc:
            if interactive:
                dialogs.inform(self, _("このシートは開けません"), str(exc), warning=True)
            self.statusBar().showMessage(str(exc), 10000)
        except DamagedSheetError as exc:
            number = self.store.last_good_revision(sheet_id)
            if not interactive or self.read_only or number is None:
                if interactive:
                    dialogs.inform(self, _("シートの記録が壊れています"), str(exc), warning=True)
                self.statusBar().showMessage(str(exc), 10000)
                return False
            question = str(exc) + "\n\n" + _("版 {n}（最後の正常な版）から復元しますか？ 壊れた記録は使われなくなり，履歴は残ります。").format(
                n=number)
            if dialogs.ask(self, _("シートの記録が壊れています"), question):
                try:
                    self.store.repair_sheet(sheet_id)
                    self.open_sheet(sheet_id)
                    self.statusBar().showMessage(_("シート {id} を版 {n} から復元しました。").format(id=sheet_id, n=number), 10000)
                    return True
                except StoreError as err:
                    dialogs.inform(self, _("復元できません"), str(err), warning=True)
        except StoreError as exc:
            if interactive:
                dialogs.inform(self, _("シートを開けません"), str(exc), warning=True)
            self.statusBar().showMessage(str(exc), 10000)
        return False

    def _update_row(self) -> None:
        sid = self.controller.sheet_id
        if sid is not None:
            self.sheet_list.update_sheet(self.store.get_sheet(sid))

    # ================================================================ opening sheets
    def view_for(self, form_id: str) -> FormView:
        view = self.views.get(form_id)
        if view is None:
            view = FormView(get_form(form_id), self.controller, self.stack)
            view.compareRequested.connect(self.compare_field)
            view.commentsRequested.connect(self.show_comments)
            if self.read_only:
                view.set_read_only()
            if self.zoom() != 100:
                view.set_zoom(self.zoom())
            self.views[form_id] = view
            self.stack.addWidget(view)
        return view

    def open_sheet(self, sheet_id: int) -> None:
        sheet = self.store.get_sheet(sheet_id)
        view = self.view_for(sheet.format)
        self.controller.load(sheet_id)
        self.stack.setCurrentWidget(view)
        self.sheet_list.select(sheet_id)
        self._finding_pos = -1
        if self.session is not None:
            self.session.update(sheet=sheet_id)
        self._update_title()
        self._update_actions()
        self._show_import_note()
        self._show_saved_stamp()
        self.comments.show_sheet(self.store, sheet_id, sheet.form)
        self._on_comments_changed()

    def _show_saved_stamp(self) -> None:
        """「保存済み」 with the open sheet's own last change (never another sheet's)."""
        sheet = self.controller.sheet
        if self.read_only or sheet is None:
            return
        from datetime import date

        stamp = local_time(sheet.updated, seconds=False)
        today = stamp.startswith(date.today().isoformat())
        self.save_status.setText(_("保存済み {time}").format(time=stamp[11:] if today and len(stamp) >= 16 else stamp))
        self.save_status.setToolTip(_("版 {n}").format(n=sheet.revision))
        self.save_status.setStyleSheet("color: #1d6b2a;")

    # ================================================================ review comments
    def _focused_field(self) -> str:
        view = self.current_view()
        return view.field_with_focus() if view is not None else ""

    def _on_comments_changed(self) -> None:
        by_field = self.comments.open_by_field()
        view = self.current_view()
        if view is not None:
            view.set_comment_marks(by_field)
        n = sum(by_field.values())
        self.comments_dock.setWindowTitle(_("評価室の指摘（未解決 {n}）").format(n=n) if n else _("評価室の指摘"))
        if self.comments.comments():
            self.comments_dock.show()
        self._on_findings(self.controller.findings)

    def show_comments(self, field_id: str = "") -> None:
        self.comments_dock.show()
        self.comments_dock.raise_()
        for i in range(self.comments.list.count()):
            item = self.comments.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole + 1) == field_id:
                self.comments.list.setCurrentItem(item)
                break

    def on_author(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, _("指摘の記入者名"), _("このデータベースで付ける指摘の記入者名："),
                                        text=self.store.author)
        if ok:
            self.store.set_setting("author", " ".join(name.split()) or None)

    # ================================================================ the office's year
    def on_import_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, _("取り込むフォルダ"))
        if folder:
            self.import_folder(Path(folder))

    def import_folder(self, folder: Path) -> FolderImportDialog:
        from .office import FolderImportDialog

        dlg = FolderImportDialog(self.store.path, self)
        dlg.finishedImport.connect(lambda _o: self.refresh_list())
        dlg.compareRequested.connect(lambda path: self.import_files([path]))
        dlg.show()
        dlg.start(folder)
        self.folder_import_dialog = dlg
        return dlg

    def on_year_overview(self) -> YearOverviewDialog:
        from .office import YearOverviewDialog

        sheet = self.controller.sheet
        dlg = YearOverviewDialog(self.store, self, year=sheet.fiscal_year if sheet is not None else None)
        dlg.openSheet.connect(self.open_sheet)
        dlg.show()
        self.year_overview_dialog = dlg
        return dlg

    def _show_import_note(self) -> None:
        sheet = self.controller.sheet
        note = sheet.import_note if sheet is not None else ""
        if note:
            self.import_note.show_note(sheet.import_source if sheet is not None else "", note)
        self.import_note_dock.setVisible(bool(note))

    def current_view(self) -> FormView | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, FormView) else None

    def show_tab(self, index: int) -> None:
        view = self.current_view()
        if view is not None:
            view.tabs.setCurrentIndex(max(0, min(index, view.tabs.count() - 1)))

    def _update_title(self) -> None:
        sheet = self.controller.sheet
        db = self.store.path.name
        suffix = "　" + _("［読み取り専用］") if self.read_only else ""
        if sheet is None or self.controller.form is None:
            self.setWindowTitle(f"hyoka — {db}{suffix}")
            self.header.setText("")
            return
        form = self.controller.form
        values = self.controller.values
        fy = values.get(form.fiscal_year_field)
        year = era.fiscal_year_title(fy) if isinstance(fy, int) and 1868 < fy < 2100 else ""
        name = values.get(form.contribution_field) or _("（無題）")
        status = status_label(sheet.status)
        color = "#1d6b2a" if sheet.status == "complete" else "#555"
        parts = [f"<b>{escape_rich(str(name))}</b>", f"{escape_rich(year)} {escape_rich(form.name)}",
                 f"<span style='color:{color}'>［{escape_rich(status)}］</span>"]
        if self.controller.carried:
            parts.append("<span style='background:#fff1b8'>" + escape_rich(
                _("前年度から写した項目が {n} 件あります（黄色の印）。内容を確認してください。").format(n=len(self.controller.carried))
            ) + "</span>")
        if self.controller.imported:
            parts.append("<span style='background:#dbeafe'>" + escape_rich(
                _("既存のシートから読み取った項目が {n} 件あります（青の印）。確認して印を押してください。").format(
                    n=len(self.controller.imported))) + "</span>")
        self.header.setText("　".join(parts))
        self.setWindowTitle(f"{name} — hyoka — {db}{suffix}[*]")

    def _on_value_changed(self, field_id: str) -> None:
        form = self.controller.form
        if form is not None and field_id in (form.fiscal_year_field, form.contribution_field):
            self._update_title()

    def _update_actions(self) -> None:
        has = self.controller.sheet is not None
        writable = not self.read_only
        for act in (self.act_new, self.act_import, self.act_trash, self.act_import_folder, self.act_author):
            act.setEnabled(writable)
        self.act_comment.setEnabled(has and writable)
        for act in (self.act_from_prev, self.act_duplicate, self.act_delete, self.act_save, self.act_review_tab):
            act.setEnabled(has and writable)
        for act in (self.act_history, self.act_export, self.act_print, self.act_next, self.act_prev):
            act.setEnabled(has)
        complete = has and self.controller.sheet is not None and self.controller.sheet.status == "complete"
        self.act_complete.setEnabled(has and writable and not complete)
        self.act_draft.setEnabled(has and writable and complete)

    # ================================================================ window layout
    def fit_to_screen(self, available: QRect | None = None) -> None:
        """The first start: the window fills most of the screen's available area (the taskbar
        excluded), never more, so the findings dock and the status bar are on screen at any
        scale; the docks get widths that leave the form its room."""
        if available is None:
            screen = self.screen() or QApplication.primaryScreen()
            available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)
        frame_w, frame_h = 16, 40  # title bar and borders the window manager adds
        w = max(min(int(available.width() * 0.96), available.width() - frame_w), 320)
        h = max(min(int(available.height() * 0.96), available.height() - frame_h), 240)
        self.resize(w, h)
        self.move(available.x() + (available.width() - w) // 2, available.y() + max((available.height() - h - frame_h) // 2, 0))
        left = max(220, min(330, w // 5))
        right = max(200, min(320, w // 5))
        self.resizeDocks([self.list_dock, self.findings_dock], [left, right], Qt.Orientation.Horizontal)

    def restore_layout(self) -> None:
        """Geometry and docks as they were last closed; fitted to the screen the first time
        (or when the saved geometry would not be on any screen now)."""
        geometry = self.settings.value("window/geometry") if self.settings is not None else None
        restored = False
        if isinstance(geometry, (bytes, bytearray, QByteArray)) and self.restoreGeometry(QByteArray(geometry)):
            screen = QApplication.screenAt(self.geometry().center())
            restored = screen is not None
        if not restored:
            self.fit_to_screen()
        state = self.settings.value("window/state") if self.settings is not None else None
        if isinstance(state, (bytes, bytearray, QByteArray)):
            self.restoreState(QByteArray(state))

    def restore_tab(self) -> None:
        tab = self.settings.value("window/tab") if self.settings is not None else None
        try:
            self.show_tab(int(tab) if tab is not None else 0)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            self.show_tab(0)

    def save_layout(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        view = self.current_view()
        if view is not None:
            self.settings.setValue("window/tab", view.tabs.currentIndex())
        self.settings.sync()

    # ================================================================ findings
    def _findings_panel(self) -> QWidget:
        """The findings list with the one-click fixes of the format's writing style under it."""
        panel = QWidget(self)
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.findings_list)
        row = QHBoxLayout()
        self.fix_field_button = QPushButton(_("この項目の表記を直す"), panel)
        self.fix_field_button.setObjectName("fixFieldStyle")
        self.fix_field_button.setToolTip(_("選んだ指摘の項目を様式の表記（読点・句点，「－」，項目番号）に直します（元に戻せます）。"))
        self.fix_field_button.clicked.connect(self.fix_style_of_field)
        self.fix_sheet_button = QPushButton(_("シート全体の表記を直す"), panel)
        self.fix_sheet_button.setObjectName("fixSheetStyle")
        self.fix_sheet_button.setToolTip(_("シートのすべての項目を様式の表記に直します。一度の「元に戻す」で戻せます。"))
        self.fix_sheet_button.clicked.connect(self.fix_style_of_sheet)
        row.addWidget(self.fix_field_button)
        row.addWidget(self.fix_sheet_button)
        box.addLayout(row)
        self.findings_list.currentItemChanged.connect(lambda _item, _prev: self._update_fix_buttons())
        self._update_fix_buttons()
        return panel

    def _style_findings(self) -> list[validation.Finding]:
        return [f for f in self.controller.findings if f.code in conventions.CODES]

    def _update_fix_buttons(self) -> None:
        item = self.findings_list.currentItem()
        editable = not self.controller.read_only
        self.fix_field_button.setEnabled(
            editable and item is not None and item.data(Qt.ItemDataRole.UserRole + 2) in conventions.CODES)
        self.fix_sheet_button.setEnabled(editable and bool(self._style_findings()))
        self.fix_field_button.setVisible(bool(self._style_findings()))
        self.fix_sheet_button.setVisible(bool(self._style_findings()))

    def fix_style_of_field(self) -> None:
        item = self.findings_list.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole + 2) in conventions.CODES:
            n = self.controller.fix_conventions([item.data(Qt.ItemDataRole.UserRole)])
            self.statusBar().showMessage(_("表記を直しました（{n} 項目）。Ctrl+Z で元に戻せます。").format(n=n), 8000)

    def fix_style_of_sheet(self) -> None:
        n = self.controller.fix_conventions()
        self.statusBar().showMessage(_("表記を直しました（{n} 項目）。Ctrl+Z で元に戻せます。").format(n=n), 8000)

    def _on_findings(self, findings: list[validation.Finding]) -> None:
        form = self.controller.form
        self.findings_list.clear()
        if form is None:
            return
        for f in findings:
            icon = "✖" if f.severity == "error" else "⚠"
            where, label = self.finding_place(f.field_id)
            item = QListWidgetItem(f"{icon} {where}｜{_short(label, 24)}：{_short(_first_sentence(f.message), 34)}")
            item.setToolTip(f"{where}｜{label}\n{f.message}")
            item.setStatusTip(f.message)
            item.setData(Qt.ItemDataRole.UserRole, f.field_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, f.message)
            item.setData(Qt.ItemDataRole.UserRole + 2, f.code)
            item.setForeground(Qt.GlobalColor.darkRed if f.severity == "error" else Qt.GlobalColor.darkYellow)
            self.findings_list.addItem(item)
        for c in self.comments.comments() if hasattr(self, "comments") else []:
            if c.is_open:
                item = QListWidgetItem("◆ " + _("評価室の指摘") + f"｜{_short(self.comments._field_label(c.field_id), 30)}\n"
                                       f"{c.text}")
                item.setData(Qt.ItemDataRole.UserRole, c.field_id)
                item.setForeground(Qt.GlobalColor.darkMagenta)
                self.findings_list.addItem(item)
        errors = len(validation.errors(findings))
        warnings = len(findings) - errors
        self.findings_status.setText(_("エラー {e} 件・注意 {w} 件").format(e=errors, w=warnings))
        self.findings_dock.setWindowTitle(_("指摘（エラー {e}・注意 {w}）").format(e=errors, w=warnings))
        self._update_fix_buttons()

    def finding_place(self, field_id: str) -> tuple[str, str]:
        """(where, label) of a finding: the sub-item (「3-2」, 「3-4(1)」) or the tab when the field
        has none, and the field's label, so 3-2's and 3-4's 「報告年月」 can be told apart."""
        form = self.controller.form
        field = form.by_id.get(field_id) if form is not None else None
        if form is None or field is None:
            return "", field_id
        label = (field.number + " " + label_for(form, field, self.controller.values)).strip()
        return sub_item(form, field) or {t.id: t.label for t in form.tabs}.get(field.tab, ""), label

    def _show_finding_message(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.statusBar().showMessage(str(item.data(Qt.ItemDataRole.UserRole + 1) or ""), 15000)

    def _finding_activated(self, item: QListWidgetItem) -> None:
        self._finding_pos = self.findings_list.row(item)
        self.focus_field(str(item.data(Qt.ItemDataRole.UserRole)))

    def focus_field(self, field_id: str) -> None:
        view = self.current_view()
        if view is not None:
            view.focus_field(field_id)

    def goto_finding(self, step: int) -> None:
        """F8 / Shift+F8: walk the findings in sheet order, wrapping around."""
        n = self.findings_list.count()
        if n == 0:
            self.statusBar().showMessage(_("指摘はありません。"), 4000)
            return
        self._finding_pos = (self._finding_pos + step) % n if self._finding_pos >= 0 or step > 0 else n - 1
        item = self.findings_list.item(self._finding_pos)
        self.findings_list.setCurrentItem(item)
        self.focus_field(str(item.data(Qt.ItemDataRole.UserRole)))

    # ================================================================ other writers
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate and not self._closed:
            self.controller.check_outside_changes()
        return super().event(event)

    def _on_reloaded_from_outside(self) -> None:
        self.statusBar().showMessage(
            _("このシートは別のところ（取り込みなど）で変更されたため，最新の内容を表示しました。"), 10000)
        self._update_title()
        self._update_actions()

    def _on_kept_both(self, stored_id: int, new_id: int) -> None:
        self.refresh_list()
        self.sheet_list.select(new_id)
        if self.session is not None:
            self.session.update(sheet=new_id)
        self._update_title()
        self._update_actions()
        self.statusBar().showMessage(_(
            "別のところで変更された内容はシート {old} に，この画面での変更は新しいシート {new} に残しました。"
        ).format(old=stored_id, new=new_id), 15000)

    def _resolve_outside_conflict(self, stored: Sheet, local: Values, base: Values) -> tuple[str | None, Values | None]:
        """Unsaved edits here, another state in the database: the officer compares and chooses."""
        from .conflict_dialog import ConflictDialog

        if self._closed:
            return None, None  # closing: keep both, ask nothing
        changed = local_time(stored.updated)
        dlg = ConflictDialog(
            stored.form, local, stored.values,
            local_label=_("この画面（未保存の変更）"), local_date="",
            incoming_label=_("データベース（別のところで保存）"), incoming_date=changed,
            title=_("シートが別のところで変更されました"),
            explanation=_(
                "このシートは，開いている間に別のところ（コマンドラインからの取り込みや復元など）で変更されました。"
                "この画面の未保存の変更と異なる {n} 項目について，使う内容を選んでください。"
                "「両方のシートを残す」では，この画面の内容を新しいシートとして保存します。"
            ).format(n=len([f for f in stored.values.keys() | local.keys() if stored.values.get(f) != local.get(f)])),
            allow_cancel=False, base=base, parent=self,
        )
        dlg.exec()
        if dlg.outcome == "merge":
            return "merge", dlg.merged_values()
        return dlg.outcome, None

    # ================================================================ saving
    def _on_saved(self, revision: int, kind: str) -> None:
        from datetime import datetime

        stamp = datetime.now().strftime("%H:%M:%S")
        self.save_status.setText(_("保存済み {time}").format(time=stamp))
        self.save_status.setToolTip(_("版 {n}（{kind}）").format(n=revision, kind=kind_label(kind)))
        self.save_status.setStyleSheet("color: #1d6b2a;")
        if self.session is not None:
            if self._session_suspended:  # the logout was cancelled: the session goes on
                self._session_suspended = False
                self.session.start()
                self.session.update(sheet=self.controller.sheet_id)
            self.session.update(last_save=datetime.now().isoformat(timespec="seconds"))
        self._update_row()

    def _on_dirty(self, dirty: bool) -> None:
        self.setWindowModified(dirty)
        if dirty:
            self.save_status.setText(_("入力中…"))
            self.save_status.setStyleSheet("color: #555;")

    # ================================================================ undo
    @staticmethod
    def _focused_text_box() -> QLineEdit | QPlainTextEdit | None:
        w = QApplication.focusWidget()
        if isinstance(w, (QLineEdit, QPlainTextEdit)) and not w.isReadOnly():
            return w
        return None

    def on_undo(self) -> None:
        """Ctrl+Z / 編集 → 元に戻す: the text box's own undo when the cursor is in one
        (its history knows IME compositions), else the sheet's choices/check boxes/ratings."""
        box = self._focused_text_box()
        if box is not None:
            box.undo()
        elif not self.read_only and self.controller.undo_stack.canUndo():
            stack = self.controller.undo_stack
            stack.undo()
            self._show_undone(stack.command(stack.index()))

    def on_redo(self) -> None:
        box = self._focused_text_box()
        if box is not None:
            box.redo()
        elif not self.read_only and self.controller.undo_stack.canRedo():
            stack = self.controller.undo_stack
            stack.redo()
            self._show_undone(stack.command(stack.index() - 1))

    def _show_undone(self, command: object) -> None:
        """Show the field an undo/redo changed (it may be on another tab)."""
        field_id = getattr(command, "field_id", None)
        if field_id:
            self.focus_field(field_id)
            self.statusBar().showMessage(_("元に戻す／やり直し：{label}").format(label=self._field_label(field_id)), 4000)

    def _field_label(self, field_id: str) -> str:
        form = self.controller.form
        if form is None or field_id not in form.by_id:
            return field_id
        f = form.field(field_id)
        return f"{f.number} {label_for(form, f, self.controller.values)}".strip()

    def on_save(self) -> None:
        if self.controller.save():
            self.statusBar().showMessage(_("保存しました（版 {n}）。").format(n=self.controller.sheet.revision), 4000)  # type: ignore[union-attr]

    def on_complete(self) -> None:
        """完了: refused with a list of the errors (then the first error is shown); with only
        warnings left (unreviewed copied values among them), the officer confirms."""
        c = self.controller
        if c.sheet is None or self.read_only:
            return
        if not c.flush():
            return
        c.validate_now()
        errors = validation.errors(c.findings)
        if errors:
            self.findings_dock.show()
            self.findings_dock.raise_()
            chosen = dialogs.show_findings(
                self, _("「完了」にできません"),
                _("エラーが {n} 件あるため「完了」にできません。直してから，もう一度「完了にする」を押してください。").format(
                    n=len(errors)),
                [(f.field_id, "error", *self.finding_place(f.field_id), f.message) for f in errors],
                accept=_("最初のエラーへ移動"), reject=_("閉じる"))
            target = chosen if chosen else None
            if target is not None:
                self._finding_pos = -1
                for i in range(self.findings_list.count()):
                    if self.findings_list.item(i).data(Qt.ItemDataRole.UserRole) == target:
                        self._finding_pos = i
                        self.findings_list.setCurrentRow(i)
                        break
                self.focus_field(target)
            self.statusBar().showMessage(
                _("エラーが {n} 件あるため「完了」にできません。F8 で次のエラーへ移動します。").format(n=len(errors)), 10000)
            return
        warnings = [f for f in c.findings if f.severity != "error"]
        if warnings:
            carried = sum(1 for f in warnings if f.code == "carried_unreviewed")
            intro = _("注意が {n} 件あります。このまま「完了」にしますか？").format(n=len(warnings))
            if carried:
                intro += "\n" + _("うち {n} 件は，前年度から写したまま確認していない項目です。").format(n=carried)
            chosen = dialogs.show_findings(
                self, _("注意が残っています"), intro,
                [(f.field_id, "warning", *self.finding_place(f.field_id), f.message) for f in warnings],
                accept=_("このまま完了にする"), reject=_("キャンセル"), accept_returns_field=False)
            if chosen is None:
                return
            if chosen:  # the officer picked one to look at
                self.focus_field(chosen)
                return
        refused = c.mark_complete()
        still_open = [f for f in refused if f.code == "open_comment"]
        if still_open:
            self.show_comments()
            self.statusBar().showMessage(_("未解決の指摘が {n} 件あるため「完了」にできません。").format(n=len(still_open)), 10000)
            return
        if refused:  # changed in between (another process): show what the store found
            self.statusBar().showMessage(
                _("エラーが {n} 件あるため「完了」にできません。F8 で次のエラーへ移動します。").format(n=len(refused)), 10000)
            return
        self.statusBar().showMessage(_("シートを「完了」にしました。"), 5000)

    def review_current_tab(self) -> int:
        """「このタブを確認済みにする」: every value copied from last year on the open tab is reviewed."""
        view = self.current_view()
        form = self.controller.form
        if view is None or form is None:
            return 0
        tab = view.current_tab_id()
        n = self.controller.accept_carried_many([f.id for f in form.fields_in_tab(tab)])
        self.statusBar().showMessage(_("このタブの前年度から写した項目 {n} 件を確認済みにしました。").format(n=n), 6000)
        return n

    def on_draft(self) -> None:
        self.controller.mark_draft()

    # ================================================================ sheet actions
    def create_sheet(self, form_id: str, fiscal_year: int) -> int:
        form = get_form(form_id)
        values = defaults(form)
        values[form.fiscal_year_field] = fiscal_year
        sid = self.store.create_sheet(form_id, values)
        self.refresh_list()
        self.open_sheet(sid)
        return sid

    def on_new(self) -> None:
        dlg = dialogs.NewSheetDialog(self)
        if dlg.exec():
            form_id, year = dlg.result_values()
            self.create_sheet(form_id, year)
            self.focus_field(get_form(form_id).contribution_field)

    def new_from_previous(self, src_id: int | None = None) -> int | None:
        """Next year's sheet from ``src_id``; when a sheet of the same contribution already exists
        for that year (:mod:`desktop.core.identity`), the officer is told and may open it instead."""
        src = src_id if src_id is not None else self.controller.sheet_id
        if src is None:
            return None
        self.controller.flush()
        year, name = self.store.next_year_target(src)
        existing = self.store.same_contribution(year, name)
        if existing:
            other = existing[0]
            answer = dialogs.choose(
                self, _("同じ拠出金のシートがあります"),
                _("「{name}」の {year} 年度のシートは既にあります（シート {id}，最終更新 {updated}）。"
                  "既にあるシートを開きますか？").format(
                    name=other.contribution, year=year, id=other.id,
                    updated=local_time(other.updated, seconds=False)),
                [_("既にあるシートを開く"), _("それでも新しく作成"), _("キャンセル")])
            if answer == 0:
                self.search.clear()
                self.refresh_list()
                self.open_sheet(other.id)
                return None
            if answer != 1:
                return None
        plan = self.store.carry_plan(src)
        if plan.src_form.id != plan.dst_form.id and not dialogs.confirm_carry(self, plan):
            return None
        sid = self.store.create_from_previous(src)
        self.search.clear()
        self.refresh_list()
        self.open_sheet(sid)
        return sid

    def on_new_from_previous(self) -> None:
        sid = self.new_from_previous()
        if sid is not None:
            self.statusBar().showMessage(
                _("前年度のシートから作成しました。黄色の「前年度から」の項目を確認してください。"), 10000)

    def on_duplicate(self) -> None:
        if self.controller.sheet_id is None:
            return
        self.controller.flush()
        sid = self.store.duplicate_sheet(self.controller.sheet_id)
        self.refresh_list()
        self.open_sheet(sid)

    def on_delete(self) -> None:
        sheet = self.controller.sheet
        if sheet is None:
            return
        name = self.controller.values.get(self.controller.form.contribution_field) if self.controller.form else ""
        if not dialogs.ask(self, _("シートの削除"), _("「{name}」をごみ箱に移しますか？\n（ファイル → ごみ箱 から元に戻せます）").format(
                name=name or _("（無題）"))):
            return
        self.delete_sheet(sheet.id)
        self.statusBar().showMessage(_("ごみ箱に移しました。"), 5000)

    def delete_sheet(self, sheet_id: int) -> None:
        """Move a sheet to the wastebasket; when it is the open one, every panel forgets it."""
        if sheet_id == self.controller.sheet_id:
            self.controller.close_sheet()
        self.store.delete_sheet(sheet_id)
        self.refresh_list()

    def _on_sheet_closed(self) -> None:
        """No sheet is open: the findings, the status bar and the header say nothing about one."""
        self.stack.setCurrentWidget(self.placeholder)
        self.findings_list.clear()
        self.findings_status.setText("")
        self.findings_dock.setWindowTitle(_("指摘"))
        self.save_status.setText(_("読み取り専用") if self.read_only else "")
        self.save_status.setToolTip("")
        self.import_note_dock.hide()
        self._finding_pos = -1
        self._update_title()
        self._update_actions()

    def on_trash(self) -> None:
        dlg = dialogs.TrashDialog(self.store, self)
        dlg.exec()
        if dlg.restored:
            self.refresh_list()

    def import_sheet_file(self, path: str, *, preview: bool = True) -> int | None:
        """「既存のシートから作成」: read a published PDF, Word file or text, preview, create a draft."""
        from desktop.core import sheet_import

        try:
            result = sheet_import.import_file(path)
        except (sheet_import.SourceError, sheet_import.UnknownSheetError) as exc:
            dialogs.inform(self, _("読み取れません"), str(exc), warning=True)
            return None
        name = Path(path).name
        if preview:
            dlg = ImportPreviewDialog(result, name, self)
            self.last_import_dialog = dlg
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
        self.controller.flush()
        sid = self.store.create_from_import(result, source=name)
        self.refresh_list()
        self.open_sheet(sid)
        self.statusBar().showMessage(
            _("{source} からシートを作成しました。青い「取り込み」の印の項目を確認してください。").format(source=name), 10000)
        return sid

    def on_import_sheet(self) -> None:
        path = folders.open_file(self, "import_sheet", _("既存のシートから作成"), FILE_FILTER)
        if path:
            self.import_sheet_file(path)

    def import_files(self, paths: list[str]) -> list[int]:
        """Import interchange files, each on its own; returns the ids of the sheets imported.

        A known sheet changed here since the file was exported is a conflict: the
        comparison opens (merge per field, or keep both sheets). What happened to
        each file is in :attr:`import_report` as ``(path, status, message)``.
        """
        self.controller.flush()
        ids: list[int] = []
        self.import_report: list[tuple[str, str, str]] = []
        for path in paths:
            try:
                doc = interchange.load_file(path)
                result = interchange.import_document(self.store, doc)
                if result.status == interchange.CONFLICT:
                    result = self._resolve_import_conflict(path, result)
            except (interchange.InterchangeError, StoreError, OSError) as exc:
                self.import_report.append((path, interchange.REJECTED, str(exc)))
                continue
            self.import_report.append((path, result.status, result.message))
            if result.ok and result.sheet_id is not None:
                ids.append(result.sheet_id)
        self.refresh_list()
        if ids:
            if ids[-1] == self.controller.sheet_id:
                self.controller.reload()
            else:
                self.open_sheet(ids[-1])
        return ids

    def _resolve_import_conflict(self, path: str, result: interchange.ImportResult) -> interchange.ImportResult:
        """The file and the local sheet both changed: the officer compares and chooses."""
        from .conflict_dialog import ConflictDialog

        doc = result.document
        assert doc is not None and result.sheet_id is not None
        dlg = ConflictDialog(
            doc.form, result.local_values, doc.values,
            local_label=_("この端末"), local_date=local_time(result.local_updated, seconds=False),
            incoming_label=_("取り込むファイル"),
            incoming_date=local_time(result.incoming_updated, seconds=False) or _("日時不明"),
            title=_("取り込みの競合：{file}").format(file=Path(path).name),
            explanation=_(
                "「{file}」のシートは，書き出された後にこの端末でも変更されています。"
                "異なる項目ごとに使う内容を選んでください（既定は「この端末」）。"
                "保存すると，この端末の内容は履歴（版）に残ります。"
                "「両方のシートを残す」では，ファイルの内容を別のシートとして取り込みます。"
            ).format(file=Path(path).name),
            base=interchange.common_base(self.store, result),
            parent=self,
        )
        dlg.exec()
        if dlg.outcome == "merge":
            try:
                interchange.resolve_conflict(self.store, result, dlg.merged_values())
            except StoreError as exc:  # changed once more while the comparison was open
                return interchange.ImportResult(interchange.CONFLICT, sheet_id=result.sheet_id, message=str(exc))
            return interchange.ImportResult(interchange.IMPORTED, sheet_id=result.sheet_id,
                                            message=_("選んだ内容で保存しました。"))
        if dlg.outcome == "both":
            return interchange.import_document(self.store, doc, on_conflict="as_new")
        return interchange.ImportResult(interchange.CONFLICT, sheet_id=result.sheet_id,
                                        message=_("取り込みを取りやめました（変更はありません）。"))

    def on_import(self) -> None:
        paths = folders.open_files(self, "import", _("交換ファイルの取り込み"), _("交換ファイル (*.json)"))
        if not paths:
            return
        ids = self.import_files(paths)
        problems = [(p, st, msg) for p, st, msg in self.import_report if st not in ("imported", "unchanged")]
        self.statusBar().showMessage(_("{n} 件のシートを取り込みました。").format(n=len(ids)), 6000)
        if problems:
            names = {"rejected": _("取り込めません"), "conflict": _("取り込んでいません")}
            text = "\n".join(f"{Path(p).name}：{names.get(st, st)} — {msg}" for p, st, msg in problems)
            dialogs.inform(self, _("取り込み"), _("{ok} 件を取り込みました。次のファイルは取り込んでいません：").format(
                ok=len(ids)) + "\n\n" + text, warning=True)

    def export_current(self, path: str) -> None:
        if self.controller.sheet_id is None:
            return
        self.controller.flush()
        interchange.write_file(interchange.export_sheet(self.store, self.controller.sheet_id), path)

    def _suggested_name(self, ext: str) -> str:
        s = self.controller.sheet
        if s is None:
            return f"sheet.{ext}"
        name = str(self.controller.values.get(self.controller.form.contribution_field) or "sheet") if self.controller.form else "sheet"
        safe = "".join(ch for ch in name if ch not in '\\/:*?"<>|')[:40]
        return f"{s.fiscal_year or ''}_{safe}.{ext}"

    def on_export(self) -> None:
        path = folders.save_file(self, "export", _("交換ファイルに書き出し"), self._suggested_name("json"),
                                               _("交換ファイル (*.json)"))
        if not path:
            return
        try:
            self.export_current(path)
        except (OSError, StoreError) as exc:
            dialogs.inform(self, _("書き出せません"), str(exc), warning=True)
            return
        self.statusBar().showMessage(_("{path} に書き出しました。").format(path=path), 6000)

    def on_history(self) -> None:
        sheet = self.controller.sheet
        if sheet is None:
            return
        self.controller.flush()
        dlg = dialogs.HistoryDialog(self.store, self.store.get_sheet(sheet.id), dict(self.controller.values), self)
        if dlg.exec() and dlg.chosen is not None:
            self.restore_revision(dlg.chosen)

    def restore_revision(self, number: int) -> None:
        new = self.controller.restore(number)
        if new is not None:
            self.refresh_list()
            self.statusBar().showMessage(_("版 {old} を復元しました（新しい版 {new}）。").format(old=number, new=new), 8000)

    def compare_field(self, field_id: str) -> None:
        form = self.controller.form
        if form is None:
            return
        field = form.field(field_id)
        dlg = dialogs.CompareDialog(form, field, self.controller.previous_values, self.controller.values,
                                    carried=field_id in self.controller.carried, parent=self)
        result = dlg.exec()
        if result == dialogs.CompareDialog.USE_PREVIOUS:
            self.controller.set_value(field_id, self.controller.previous_values.get(field_id))
            view = self.current_view()
            editor = view.editor(field_id) if view is not None else None
            if editor is not None:
                editor.set_value(self.controller.values.get(field_id))
        else:  # looked at side by side: reviewed (「確認済みにする」 or simply closed)
            self.controller.accept_carried(field_id)

    # ================================================================ print
    def render_pdf(self, out: Path) -> object:
        """Render the current sheet with the PDF module (imported on first use)."""
        from desktop.pdf import render_sheet  # the PDF issue's renderer

        self.controller.flush()
        assert self.controller.form is not None
        return render_sheet(self.controller.form, dict(self.controller.values), out)

    def on_print(self) -> None:
        if self.controller.sheet_id is None:
            return
        try:
            from desktop.pdf import FontError
        except ImportError:
            dialogs.inform(self, _("印刷"), _("PDF を作成する機能（desktop.pdf）が見つかりません。"), warning=True)
            return
        out = dialogs.temp_pdf_path(self.controller.sheet_id)
        try:
            self.render_pdf(out)
        except FontError as exc:
            dialogs.inform(self, _("印刷"), str(exc), warning=True)
            return
        except OSError as exc:
            dialogs.inform(self, _("印刷"), _("PDF を作成できません：{error}").format(error=exc), warning=True)
            return
        self.preview = dialogs.PreviewDialog(out, self._suggested_name("pdf"), self)
        self.preview.open()

    # ================================================================ zoom and find
    def zoom(self) -> int:
        value = self.settings.value("view/zoom", 100) if self.settings is not None else 100
        try:
            return max(60, min(200, int(value)))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return 100

    def set_zoom(self, percent: int) -> None:
        """The form's size (Ctrl+plus / Ctrl+minus / Ctrl+0), remembered for the next start."""
        percent = max(60, min(200, percent))
        if self.settings is not None:
            self.settings.setValue("view/zoom", percent)
        for view in self.views.values():
            view.set_zoom(percent)
        self.statusBar().showMessage(_("表示の大きさ：{p}％").format(p=percent), 3000)

    def zoom_by(self, step: int) -> None:
        self.set_zoom(self.zoom() + step)

    def on_find(self) -> None:
        """Ctrl+F: the find bar over the form (Enter: the next field that matches)."""
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def _reset_find(self) -> None:
        self._find_pos = -1
        self.find_status.setText("")

    def find_next(self, step: int = 1) -> str:
        """Jump to the next (or previous) field whose label or value holds the find text."""
        view = self.current_view()
        hits = view.find(self.find_edit.text()) if view is not None else []
        if view is None or not hits:
            self.find_status.setText(_("見つかりません") if self.find_edit.text().strip() else "")
            return ""
        self._find_pos = (self._find_pos + step) % len(hits) if self._find_pos >= 0 or step > 0 else len(hits) - 1
        field_id = hits[self._find_pos]
        view.highlight(field_id)
        self.find_edit.setFocus()  # Enter again goes on to the next one
        self.find_status.setText(_("{i} / {n} 件").format(i=self._find_pos + 1, n=len(hits)))
        return field_id

    # ================================================================ help
    def on_large_editor(self) -> QDialog | None:
        """Ctrl+Shift+L: the text field with the cursor in the larger editor."""
        from .widgets import TextEditor

        view = self.current_view()
        field_id = view.field_with_focus() if view is not None else ""
        editor = view.editor(field_id) if view is not None and field_id else None
        if not isinstance(editor, TextEditor):
            self.statusBar().showMessage(_("大きく編集するには，文章の欄にカーソルを置いてください。"), 5000)
            return None
        return editor.open_large()

    def on_help(self) -> QDialog:
        """F1: the shortcuts of this window's actions and the grades of the open format (else all)."""
        from desktop.core.definition import usable_forms

        from .help import HelpDialog

        form = self.controller.form
        forms = [form] if form is not None else list(usable_forms().values())
        self.help_dialog = HelpDialog(self.actions(), forms, self)
        self.help_dialog.open()
        return self.help_dialog

    def on_about(self) -> QDialog:
        from .help import AboutDialog, app_version

        self.about_dialog = AboutDialog(app_version(), str(self.store.path), self)
        self.about_dialog.open()
        return self.about_dialog

    # ================================================================ databases & language
    def _remember_recent(self, path: Path) -> None:
        if self.settings is None:
            return
        recent = [p for p in self.recent_databases() if p != str(path)]  # one entry comes back as a str
        recent.insert(0, str(path))
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent_menu()

    def recent_databases(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value("recent", []) or []
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    def _fill_recent_menu(self) -> None:
        if not hasattr(self, "recent_menu"):
            return
        self.recent_menu.clear()
        for p in self.recent_databases():
            act = self.recent_menu.addAction(p)
            act.triggered.connect(lambda _c=False, path=p: self.open_database(Path(path)))
        self.recent_menu.setEnabled(bool(self.recent_databases()))

    def on_open_db(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _f = QFileDialog.getOpenFileName(self, _("データベースを開く"), str(self.store.path.parent),
                                               _("hyoka データベース (*.sqlite3 *.db);;すべてのファイル (*)"))
        if path:
            self.open_database(Path(path))

    def open_database(self, path: Path) -> bool:
        """Switch to another database file (its own lock; read-only if it is busy)."""
        if path.resolve() == self.store.path.resolve():
            return True
        from .app import open_store  # shared with start-up: same lock / read-only rules

        opened = open_store(path, interactive=True, parent=self)
        if opened is None:
            return False
        self.controller.close_sheet()
        self.comments.show_sheet(self.store, None, None)
        self._release()
        self.store, self.lock, self.session, self.read_only, previous = opened
        self.comments.read_only = self.read_only
        self.controller.store = self.store
        self.controller.read_only = self.read_only
        self.controller.start_watching()
        for view in self.views.values():
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views.clear()
        self.stack.setCurrentWidget(self.placeholder)
        self._closed = False
        self._remember_recent(path)
        self.search.clear()
        self.refresh_list()
        self._update_title()
        self._update_actions()
        self.save_status.setText(_("読み取り専用") if self.read_only else "")
        if previous is not None:
            self._show_recovery_note(previous)
        return True

    def on_restore_backup(self) -> None:
        self.controller.flush()
        dlg = dialogs.RestoreBackupDialog(self.store.path, self)
        if dlg.exec() and dlg.chosen is not None:
            self.restore_from_backup(dlg.chosen)

    def restore_from_backup(self, backup_path: Path) -> Path | None:
        """Write ``backup_path`` as a new database file (asked for), then offer to open it."""
        from desktop.core.backup import BackupError, restore_backup

        stamp = backup_path.stem.split("-")[-3:-1]
        suggested = self.store.path.with_name(f"{self.store.path.stem}-restored-{'-'.join(stamp)}.sqlite3")
        from PySide6.QtWidgets import QFileDialog

        path, _f = QFileDialog.getSaveFileName(self, _("復元先の新しいファイル"), str(suggested),
                                               _("hyoka データベース (*.sqlite3 *.db)"))
        if not path:
            return None
        target = Path(path)
        if target.resolve() == self.store.path.resolve():
            dialogs.inform(self, _("バックアップから復元"),
                           _("今のデータベースには上書きできません。新しいファイル名を指定してください。"), warning=True)
            return None
        try:
            restore_backup(backup_path, target)
        except BackupError as exc:
            dialogs.inform(self, _("バックアップから復元"), str(exc), warning=True)
            return None
        if dialogs.ask(self, _("バックアップから復元"),
                       _("{path} に復元しました。このデータベースを開きますか？").format(path=target)):
            self.open_database(target)
        else:
            self.statusBar().showMessage(_("{path} に復元しました。").format(path=target), 8000)
        return target

    def set_language(self, lang: str) -> None:
        if self.settings is not None:
            self.settings.setValue("language", lang)
        self.act_lang_ja.setChecked(lang == "ja")
        self.act_lang_en.setChecked(lang == "en")
        dialogs.inform(self, "Language / 言語", _("表示言語は次回の起動から切り替わります。") + "\n"
                       + "The display language changes the next time hyoka starts.")

    def _show_recovery_note(self, previous: PreviousSession) -> None:
        self.banner_label.setText(_(
            "前回（{started} 開始）は正常に終了しませんでした。入力は自動保存により最後の約１秒分を除いて保存されています。"
            "最後に開いていたシートを表示しています。履歴（Ctrl+H）で以前の版も確認できます。"
        ).format(started=previous.started.replace("T", " ")))
        self.banner.show()
        if previous.sheet is not None:
            self.open_sheet_safely(previous.sheet)

    # ================================================================ closing
    def end_session(self) -> None:
        """The session ends without the officer (SIGTERM, logout, quit): save the pending
        edits, end the session marker and release the lock; ask nothing."""
        if self._closed:
            return
        self._closed = True  # also: a conflict found now keeps both sides instead of asking
        self._release()
        self.hide()

    def commit_session_data(self) -> None:
        """The session manager is about to end the session (Windows logout/shutdown):
        everything must be on disk now, in the main database file, and the session
        marked as ended cleanly. If the session goes on, the next save marks it again."""
        if self._closed:
            return
        self.controller.flush()
        self.controller.checkpoint()
        if self.session is not None and self.session.data:
            self.session.end()
            self._session_suspended = True

    def _release(self) -> None:
        """Flush, close the store, end the session and release the lock (in that order)."""
        self.page_count.shutdown()
        self.controller.flush()
        self.controller.stop_watching()
        if self.session is not None:
            self.session.end()
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            if not self.read_only and not self.controller.flush():
                if not dialogs.ask(self, _("保存できません"), _("最後の変更を保存できませんでした。このまま終了しますか？")):
                    event.ignore()
                    return
            self._closed = True
            self.save_layout()
            self._release()
        super().closeEvent(event)


def sub_item(form: FormDef, field: Field) -> str:
    """The numbered sub-item a field belongs to: 「3-2」, or 「3-4(1)」 for the （１） part of 3-4."""
    group = form.groups.get(field.group) if field.group else None
    if group is None:
        return ""
    if group.number:
        return group.number
    parent = form.groups.get(group.parent) if group.parent else None
    if parent is None or not parent.number:
        return ""
    m = re.match(r"^[（(]\s*([0-9０-９]+)\s*[)）]", group.label)
    return f"{parent.number}({unicodedata.normalize('NFKC', m.group(1))})" if m else parent.number


def _first_sentence(text: str) -> str:
    end = text.find("。")
    return text[: end + 1] if 0 <= end < len(text) - 1 else text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
