"""``hyoka gui``: start-up (fonts, language, lock, store, crash note) and screenshots.

``run(args)`` is called by ``desktop/cli.py``. With ``--screenshot OUT.png`` the
window is rendered offscreen at ``--size`` and the process exits 0, which is how
the UI is checked on machines without a display.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.i18n import _, set_language
from desktop.core.resources import resource_dir
from desktop.core.store import Store, StoreError, default_db_path

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

# The proportional member of the family: BIZ UDGothic's Latin is monospaced, which made English
# and Latin words look typewritten. Bold is synthesised; the PDF keeps BIZ UDGothic/Mincho.
FONT_FILES = ("BIZUDPGothic-Regular.ttf",)
_T0 = time.perf_counter()


def settings() -> QSettings:
    """Preferences (language, recent databases) in an INI file; ``HYOKA_CONFIG_DIR`` overrides."""
    from PySide6.QtCore import QSettings

    folder = os.environ.get("HYOKA_CONFIG_DIR")
    if folder:
        return QSettings(str(Path(folder) / "hyoka.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "hyoka", "hyoka")


def setup_application(app: object) -> str:
    """Bundled BIZ UDPGothic as the UI font, so Japanese renders the same everywhere
    (including offscreen screenshots, where no system CJK font may exist)."""
    from PySide6.QtGui import QFont, QFontDatabase

    family = ""
    for name in FONT_FILES:
        fid = QFontDatabase.addApplicationFont(str(resource_dir("fonts") / name))
        if fid >= 0 and not family:
            families = QFontDatabase.applicationFontFamilies(fid)
            family = families[0] if families else ""
    if family:
        font = QFont(family, 10)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        app.setFont(font)  # type: ignore[attr-defined]
    install_qt_translations(app)
    app.setApplicationName("hyoka")  # type: ignore[attr-defined]
    app.setApplicationDisplayName(_("評価シート"))  # type: ignore[attr-defined]
    return family


def install_qt_translations(app: object) -> bool:
    """Qt's own texts (OK / キャンセル, はい / いいえ, 閉じる, the file and print dialogs) in the UI's
    language: ``qtbase_ja.qm`` shipped with PySide6. Returns True when Japanese ones are installed."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from desktop.core.i18n import current_language

    old = getattr(app, "_hyoka_qt_translator", None)
    if old is not None:
        app.removeTranslator(old)  # type: ignore[attr-defined]
        app._hyoka_qt_translator = None  # type: ignore[attr-defined]
    if current_language() != "ja":
        return False
    translator = QTranslator(app)  # type: ignore[arg-type]
    if not translator.load("qtbase_ja", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return False
    app.installTranslator(translator)  # type: ignore[attr-defined]
    app._hyoka_qt_translator = translator  # type: ignore[attr-defined]
    return True


def open_store(path: Path, *, interactive: bool, parent: object = None):
    """Lock, open and (first run) seed ``path``.

    Returns ``(store, lock, session, read_only, previous_session)`` or None when
    the officer declines / the file cannot be used (the reason was shown).
    """
    from desktop.gui import dialogs
    from desktop.gui.session import DatabaseLock, SessionMarker

    try:
        lock = DatabaseLock(path)
    except OSError as exc:
        _report(_("データベース {path} を開けません：{error}").format(path=path, error=exc), interactive, parent)
        return None
    read_only = False
    if not lock.acquire():
        message = lock.busy_message()
        if interactive:
            if not dialogs.ask(parent, _("データベースは使用中です"), message + "\n\n" + _("読み取り専用で開きますか？")):
                return None
        else:
            print(message.replace("\n\n", "\n"), file=sys.stderr)
        read_only = True
    if not read_only:  # the first start of the day: a backup before anything is written
        from desktop.core.backup import BackupError, daily_backup_if_due

        try:
            daily_backup_if_due(path)
        except BackupError as exc:  # never keeps the officer from working; said once
            message = _("今日のバックアップを作成できませんでした：{error}").format(error=exc)
            if interactive:
                dialogs.inform(parent, _("バックアップ"), message, warning=True)  # type: ignore[arg-type]
            else:
                print(f"hyoka: {message}", file=sys.stderr)
    try:
        store = Store(path)
    except StoreError as exc:
        lock.release()
        _report(str(exc), interactive, parent)
        return None
    session = None
    previous = None
    if not read_only:
        session = SessionMarker(path)
        previous = session.previous()
        session.start()
        try:
            if store.is_empty():
                from desktop.core.interchange import seed_demo

                seed_demo(store)
        except StoreError as exc:
            _report(str(exc), interactive, parent)
    return store, (None if read_only else lock), session, read_only, previous


def _report(message: str, interactive: bool, parent: object) -> None:
    if interactive:
        from desktop.gui import dialogs

        dialogs.inform(parent, _("データベースを開けません"), message, warning=True)  # type: ignore[arg-type]
    else:
        print(f"hyoka: {message}", file=sys.stderr)


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        return max(w, 400), max(h, 300)
    except ValueError:
        return 1366, 768


def create_window(db: Path, *, interactive: bool):
    """The main window on ``db``, or None if it could not be opened."""
    from desktop.gui.main_window import MainWindow

    opened = open_store(db, interactive=interactive)
    if opened is None:
        return None
    store, lock, session, read_only, previous = opened
    return MainWindow(store, lock=lock, session=session, read_only=read_only, settings=settings(),
                      previous_session=previous)


def end_now(app: object, window: object) -> None:
    """End the session from inside the event loop (a signal arrived).

    If a modal dialog is open (say, the comparison of a sheet changed elsewhere), it is
    closed first and the session ends once its caller has finished — for the comparison
    that means keeping both versions — so nothing typed is lost."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    def finish() -> None:
        window.end_session()  # type: ignore[attr-defined]
        app.quit()  # type: ignore[attr-defined]

    modal = QApplication.activeModalWidget()
    if isinstance(modal, QDialog):
        modal.done(QDialog.DialogCode.Rejected)
        QTimer.singleShot(0, finish)
    else:
        finish()


def end_session_cleanly(app: object, window: object) -> None:
    """The session can end without the officer closing the window: SIGTERM (logout on
    Linux, ``kill``, a service manager), Windows logout/shutdown (the session manager's
    ``commitDataRequest``), or ``QApplication.quit()``. Each saves the pending autosave
    and ends the session cleanly, so the next start shows no recovery note.

    Python runs a signal handler only when the interpreter gets control, which an idle
    Qt event loop never gives it; the C-level handler writes the signal number to a
    socket (``signal.set_wakeup_fd``) that a QSocketNotifier watches, waking the loop.
    """
    from PySide6.QtCore import QSocketNotifier

    app.commitDataRequest.connect(lambda _manager: window.commit_session_data())  # type: ignore[attr-defined]
    app.aboutToQuit.connect(window.end_session)  # type: ignore[attr-defined]
    if sys.platform == "win32":
        return
    import signal  # here, not at start: Windows never needs them
    import socket

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread: leave the default handling
        reader.close()
        writer.close()
        return
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: None)  # the work is done in the event loop

    def woken() -> None:
        try:
            received = reader.recv(64)
        except OSError:
            return
        if received:
            end_now(app, window)

    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)  # type: ignore[arg-type]
    notifier.activated.connect(woken)
    app._hyoka_session_end = (reader, writer, notifier)  # type: ignore[attr-defined]  # kept alive with the app


def run(args: Namespace) -> int:
    # No cyclic garbage collection on the way to the first window: start-up makes objects to keep,
    # not garbage, and the collector walked them again and again (2 % of the start). Turned back on
    # once the window is shown, with what start-up made frozen out of later collections.
    gc.disable()
    try:
        return _run(args)
    finally:
        _collect_again()


def _collect_again() -> None:
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _run(args: Namespace) -> int:
    if getattr(args, "screenshot", None) and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    if getattr(args, "lang", None) is None and not os.environ.get("HYOKA_LANG"):
        saved = settings().value("language")
        if saved in ("ja", "en"):
            set_language(str(saved))
    setup_application(app)
    db = Path(args.db).expanduser() if args.db else default_db_path()
    screenshot = getattr(args, "screenshot", None)
    window = create_window(db, interactive=not screenshot)
    if window is None:
        return 1
    size = getattr(args, "size", None)
    if size:
        window.resize(*_parse_size(size))
    else:
        window.restore_layout()  # last time's geometry, docks and tab; the first time, fitted to the screen
    if args.sheet is not None:
        try:
            window.open_sheet(int(args.sheet))
        except StoreError as exc:
            print(f"hyoka: {exc}", file=sys.stderr)
            window.close()
            return 1
    elif window.controller.sheet_id is None:
        for sid in window.listed_ids():  # the first sheet that opens; a damaged one does not stop the app
            if window.open_sheet_safely(sid, interactive=False):
                break
    if getattr(args, "tab", None) is not None:
        window.show_tab(int(args.tab))
    else:
        window.restore_tab()
    window.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, _collect_again)  # the first turn of the event loop: the window is up
    if os.environ.get("HYOKA_REPORT_STARTUP"):  # benchmarks/bench_gui.py: time to a painted window, then exit
        app.processEvents()
        window.repaint()
        print(f"startup_ms={(time.perf_counter() - _T0) * 1000:.0f}", flush=True)
        window.close()
        return 0
    if screenshot:
        for _i in range(5):
            app.processEvents()
        saved = window.grab().save(str(screenshot))
        window.close()
        if not saved:  # QPixmap.save says only yes or no: a missing folder, no room, no right to write
            print("hyoka: " + _("画像を {path} に保存できません（フォルダー・空き容量・書き込み権限を確かめてください）。").format(
                path=screenshot), file=sys.stderr)
            return 1
        return 0
    from desktop.gui import errors

    errors.install(lambda: window)  # a program error in a slot: saved input, a message and a record
    end_session_cleanly(app, window)
    return int(app.exec())
