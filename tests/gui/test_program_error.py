"""A program error in a slot: what was typed is saved, the officer is told in one line, and the
traceback is recorded (PySide6 only printed it: nothing at all in the windowed build)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.core.store import Store
from tests.support.qt import type_into, w

pytestmark = pytest.mark.gui


@pytest.mark.qt_no_exception_capture  # the app's own hook is what is tested
def test_an_error_in_a_slot_saves_input_tells_and_records(window, qtbot, db_path: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, messages) -> None:
    from desktop.gui import errors

    monkeypatch.setenv("HYOKA_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    monkeypatch.setattr(sys, "stderr", None)  # as in the windowed build: no console
    hook = errors.install(lambda: window)
    assert sys.excepthook is hook

    sheet_id = window.create_sheet("mofa-r01", 2020)
    type_into(w(window, "contribution_name", QLineEdit), "入力中の拠出金")
    assert window.controller.dirty  # not yet autosaved

    def broken_slot() -> None:
        raise ValueError("壊れた処理")

    # a slot raising: PySide6 hands the exception to sys.excepthook
    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(messages), timeout=3000)
    title, text = messages[-1]
    assert title == "プログラムの誤り"
    assert "ValueError: 壊れた処理" in text and "入力は保存しました" in text and "\n" not in text
    log = tmp_path / "logs" / "errors.log"
    assert str(log) in text
    recorded = log.read_text(encoding="utf-8")
    assert "Traceback" in recorded and "broken_slot" in recorded
    assert not window.controller.dirty
    with Store(db_path) as s:
        assert s.get_sheet(sheet_id).values["contribution_name"] == "入力中の拠出金"
    QApplication.processEvents()


@pytest.mark.qt_no_exception_capture
def test_an_error_while_telling_of_one_is_recorded_not_shown_again(window, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.gui import dialogs, errors

    monkeypatch.setenv("HYOKA_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown: list[str] = []

    def inform(_parent: object, _title: str, text: str, **_kw: object) -> None:
        shown.append(text)
        try:
            raise RuntimeError("while showing")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]

    monkeypatch.setattr(dialogs, "inform", inform)
    hook = errors.install(lambda: window)
    try:
        raise KeyError("first")
    except KeyError:
        hook(*sys.exc_info())  # type: ignore[arg-type]
    assert len(shown) == 1 and "KeyError" in shown[0]
    text = (tmp_path / "errors.log").read_text(encoding="utf-8")
    assert "KeyError: 'first'" in text and "RuntimeError: while showing" in text
