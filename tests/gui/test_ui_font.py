"""The UI font is the proportional BIZ UDPGothic: Latin text is not set in fixed-width cells."""

from __future__ import annotations

from desktop.core.resources import resource_dir


def test_ui_font_is_proportional_biz_udpgothic(gui_app) -> None:
    from PySide6.QtGui import QFontInfo, QFontMetricsF

    font = gui_app.font()
    assert QFontInfo(font).family() == "BIZ UDPGothic"
    fm = QFontMetricsF(font)
    # In BIZ UDGothic every Latin letter is half an em wide, so "iiii" and "MMMM" measure the same.
    assert fm.horizontalAdvance("iiiiiiii") < 0.6 * fm.horizontalAdvance("MMMMMMMM")
    # Japanese stays full width (one em per character), as in BIZ UDGothic.
    assert abs(fm.horizontalAdvance("評価") - 2 * fm.horizontalAdvance("価")) < 0.01


def test_font_licence_covers_the_bundled_gothic_fonts() -> None:
    licence = (resource_dir("fonts") / "BIZUD-LICENSE.txt").read_text(encoding="utf-8")
    assert "BIZ UDGothic Project Authors" in licence and "BIZ UDMincho Project Authors" in licence
    assert "morisawa-biz-ud-gothic" in licence and "SIL" in licence
