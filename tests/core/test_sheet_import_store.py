"""A sheet created by import-sheet: imported fields are marked 「取り込み」 and unreviewed until looked at."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.sheet_import import import_text
from desktop.core.store import IncompleteError, Store
from tests.core.test_sheet_import import SEED_R01


def test_import_creates_a_draft_with_marks_and_note(db_path: Path) -> None:
    text = SEED_R01.read_text(encoding="utf-8").replace("■ 拠出金の概要", "※暫定版。\n\n■ 拠出金の概要")
    result = import_text(text)
    with Store(db_path) as store:
        sid = store.create_from_import(result, source="seed000.txt")
        sheet = store.get_sheet(sid)
        assert sheet.status == "draft" and sheet.values["initial_budget_kyen"] == 15015
        assert set(sheet.imported_fields) == set(result.imported_fields) and "contribution_name" in sheet.imported_fields
        assert sheet.import_source == "seed000.txt" and "※暫定版。" in sheet.import_note
        assert [r.kind for r in store.history(sid)] == ["import_sheet"]
        # unreviewed imported values block 完了 even when the sheet has no errors
        with pytest.raises(IncompleteError) as info:
            store.set_status(sid, "complete")
        assert any(f.code == "imported_unreviewed" for f in info.value.findings)
        for fid in list(sheet.imported_fields):
            store.clear_imported_mark(sid, fid)
        assert store.get_sheet(sid).imported_fields == []


def test_existing_databases_gain_the_columns(db_path: Path) -> None:
    with Store(db_path) as store:
        sid = store.create_sheet("mofa-r01", {"contribution_name": "x"})
    with Store(db_path) as store:
        sheet = store.get_sheet(sid)
        assert sheet.imported_fields == [] and sheet.import_note == "" and sheet.import_source == ""
