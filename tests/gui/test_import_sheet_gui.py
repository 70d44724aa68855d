"""「既存のシートから作成…」: preview, 取り込み marks, the note beside the form, 完了 refused until reviewed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTableWidget, QToolButton

from tests.core.test_sheet_import import SEED_R01
from tests.gui.test_window import type_into, w, wait_saved

pytestmark = pytest.mark.gui


@pytest.fixture
def seed_with_stray(tmp_path: Path) -> Path:
    p = tmp_path / "iom_r01.txt"
    text = SEED_R01.read_text(encoding="utf-8").replace("■ 拠出金の概要", "※暫定版。\n\n■ 拠出金の概要")
    p.write_text(text.replace("１５, ０１５千円", "約１５百万円"), encoding="utf-8")
    return p


def test_preview_then_create_with_marks_and_note(window, qtbot, monkeypatch, seed_with_stray: Path, tmp_path: Path) -> None:
    from desktop.gui.import_sheet import ImportPreviewDialog

    seen = {}

    def fake_exec(dlg: ImportPreviewDialog) -> int:
        table = dlg.findChild(QTableWidget, "importTable")
        seen["rows"] = table.rowCount()
        seen["first"] = table.item(0, 1).text()
        seen["uncertain"] = dlg.uncertain_rows()
        seen["note"] = dlg.findChild(QPlainTextEdit, "importNote").toPlainText()
        dlg.resize(1000, 640)
        dlg.grab().save(str(tmp_path / "preview.png"))
        return ImportPreviewDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", fake_exec)
    sid = window.import_sheet_file(str(seed_with_stray))
    assert sid is not None and seen["rows"] > 60
    assert seen["uncertain"] == [0] and "拠出規模" in seen["first"]  # uncertain rows first, highlighted
    assert "※暫定版。" in seen["note"]
    assert (tmp_path / "preview.png").stat().st_size > 10_000

    c = window.controller
    assert c.sheet_id == sid and "contribution_name" in c.imported
    mark = w(window, "imported:contribution_name", QToolButton)
    assert mark.isVisibleTo(window)
    assert window.import_note_dock.isVisibleTo(window)
    assert "※暫定版。" in w(window, "importNoteText", QPlainTextEdit).toPlainText()

    # 完了 refused while imported values are unreviewed
    assert any(f.code == "imported_unreviewed" for f in c.mark_complete())
    # clicking the mark = reviewed; editing a value clears its mark too
    mark.click()
    assert "contribution_name" not in c.imported and not mark.isVisibleTo(window)
    assert "contribution_name" not in window.store.get_sheet(sid).imported_fields
    type_into(qtbot, w(window, "responsible_division", QLineEdit), "課")
    assert "responsible_division" not in c.imported
    wait_saved(qtbot, window)
    assert "responsible_division" not in window.store.get_sheet(sid).imported_fields

    # a sheet without a note hides the panel
    window.open_sheet(1)
    assert not window.import_note_dock.isVisibleTo(window)


def test_cancel_creates_nothing_and_bad_file_is_one_message(window, monkeypatch, messages, tmp_path: Path) -> None:
    from desktop.gui.import_sheet import ImportPreviewDialog

    before = len(window.store.list_sheets())
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda dlg: ImportPreviewDialog.DialogCode.Rejected)
    assert window.import_sheet_file(str(SEED_R01)) is None
    bad = tmp_path / "fake.pdf"
    bad.write_text("no", encoding="utf-8")
    assert window.import_sheet_file(str(bad)) is None
    assert messages and "PDF" in messages[-1][1] and "\n" not in messages[-1][1]
    assert len(window.store.list_sheets()) == before
