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


def test_every_rule_message_of_every_format_has_an_english_text() -> None:
    from desktop.core.definition import RULE_MESSAGE_KEYS, all_forms

    missing = []
    for form in all_forms().values():
        for f in form.fields:
            missing += [f"{form.id}: {f.id}.{key}" for key in RULE_MESSAGE_KEYS if getattr(f, key) and not getattr(f, f"{key}_en")]
            missing += [f"{form.id}: {f.id}.checks" for c in f.checks if not c.message_en]
    assert not missing, f"rule messages without an English text (*_en) in forms/: {missing[:5]}"


def test_format_rule_messages_follow_the_ui_language(r01_values) -> None:
    from desktop.core.definition import get_form
    from desktop.core.validation import validate

    form = get_form("mofa-r01")
    values = {**r01_values, "contribution_form": "ノンイヤマーク"}  # 1-4 filled in: not applicable
    values["c4_1_jp_staff"] = values["c4_1_total_staff"] + 1  # a check in the format file

    def messages() -> set[str]:
        return {f.message for f in validate(form, values) if f.code in ("not_applicable", "check")}

    assert "ノンイヤマーク拠出では 1-4 は空欄にしてください。" in messages()
    try:
        set_language("en")
        english = messages()
    finally:
        set_language("ja")
    assert "Leave 1-4 empty for a non-earmarked contribution." in english
    assert "The number of Japanese staff exceeds the total number of staff." in english
    assert not any("ください" in m or "います" in m for m in english)
