"""A format dropped into the user folder appears in the app; the registry's warnings are shown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_a_tie_with_the_shipped_format_is_shown_in_the_status_bar(user_folder: Path, make_window, db_path: Path,
                                                                   qtbot) -> None:
    (user_folder / "mofa-r01.toml").write_text((ROOT / "forms" / "mofa-r01.toml").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    win = make_window(db_path)
    qtbot.waitUntil(lambda: "様式ファイルの警告" in win.statusBar().currentMessage())  # once the window is up
    shown = win.statusBar().currentMessage()
    assert "様式ファイルの警告 1 件" in shown and str(user_folder / "mofa-r01.toml") in shown
    win.grab().save(str(user_folder.parent / "status.png"))
