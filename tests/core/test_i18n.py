"""Every UI/message string goes through the Babel catalog, and English is complete."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from desktop.cli import main
from desktop.core.i18n import LOCALE_DIR, _, set_language
from tests.conftest import ROOT


def _code_msgids() -> set[str]:
    ids = set()
    for _fn, _line, msg, _comments, _ctx in extract_from_dir(
        str(ROOT / "desktop"), method_map=[("**.py", "python")], keywords={"_": None, "ngettext": (1, 2)}
    ):
        ids.add(msg if isinstance(msg, str) else msg[0])
    return ids


def test_every_message_in_code_is_translated_to_english() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "hyoka.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = _code_msgids() - translated
    assert not missing, f"untranslated (run pybabel extract/update): {sorted(missing)[:5]}"


def test_english_switch(capsys, tmp_path) -> None:
    try:
        assert main(["--lang", "en", "history", "--db", str(tmp_path / "n.db"), "7"]) == 1
        assert capsys.readouterr().err == "hyoka: There is no sheet 7.\n"
        assert _("「{label}」を入力してください。") != "「{label}」を入力してください。"
    finally:
        set_language("ja")
    assert _("シート {id} はありません。") == "シート {id} はありません。"
