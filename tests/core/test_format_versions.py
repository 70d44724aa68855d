"""Format versions: a sheet remembers the version it was made with; a newer version of the format
reads it through declared renames, keeps a removed field's value and shows it in the sheet's note;
an interchange file carries its format version, and a terminal without that version imports nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop.core import definition, interchange, registry
from desktop.core.definition import DefinitionError
from desktop.core.store import Store
from tests.conftest import ROOT

R01 = (ROOT / "forms" / "mofa-r01.toml").read_text(encoding="utf-8")
REMOVED_BLOCK = R01[R01.index('  [[sections.fields]]\n  id = "c4_3_recruitment_support"'):R01.index('  [[sections.fields]]\n  id = "c4_4_other"')]
V2 = (R01.replace("\nversion = 1\n", "\nversion = 2\n", 1).replace(REMOVED_BLOCK, "")
      .replace('id = "c4_4_other"', 'id = "c4_4_remarks"')
      .replace('to = "c4_4_other"', 'to = "c4_4_remarks"')
      + '\n[[upgrades]]\nfrom_version = 1\nrenamed = { c4_4_other = "c4_4_remarks" }\nremoved = ["c4_3_recruitment_support"]\n')


def _install_v2(user: Path) -> None:
    (user / "mofa-r01.v2.toml").write_text(V2, encoding="utf-8")
    definition.form_registry.cache_clear()


def test_the_v2_fixture_really_renames_and_removes() -> None:
    assert "c4_3_recruitment_support" in R01 and REMOVED_BLOCK and "c4_3_recruitment_support" not in V2.split("[[upgrades]]")[0]


def test_an_old_version_sheet_opens_under_the_new_version(user_folder: Path, tmp_path: Path, r01_values: dict) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as s:
        sid = s.create_sheet("mofa-r01", r01_values)
        assert s.get_sheet(sid).format_version == 1
    _install_v2(user_folder)
    with Store(db) as s:
        sheet = s.get_sheet(sid)
        assert sheet.format_version == 2 and sheet.form.version == 2
        assert sheet.values["c4_4_remarks"] == r01_values["c4_4_other"] and "c4_4_other" not in sheet.values
        assert sheet.values["c4_3_recruitment_support"] == r01_values["c4_3_recruitment_support"]  # kept
        assert "【旧版の様式から移せなかった内容】" in sheet.import_note
        assert f"c4_3_recruitment_support：{r01_values['c4_3_recruitment_support']}" in sheet.import_note
        assert [r.kind for r in s.history(sid)][-1] == "upgrade"
        s.save_values(sid, dict(sheet.values, c4_4_remarks="書き直し"))  # a save keeps the removed value
        again = s.get_sheet(sid)
        assert again.values["c4_3_recruitment_support"] == r01_values["c4_3_recruitment_support"]
        assert again.import_note.count("旧版の様式から移せなかった内容") == 1  # upgraded once
        assert s.revision_values(sid, 1)["c4_4_other"] == r01_values["c4_4_other"]  # the old state kept


def test_export_carries_the_format_version(user_folder: Path, tmp_path: Path, r01_values: dict) -> None:
    with Store(tmp_path / "a.sqlite3") as s:
        doc = interchange.export_sheet(s, s.create_sheet("mofa-r01", r01_values))
    assert doc["format_version"] == 1 and interchange.parse_document(doc).format_version == 1


def test_a_file_of_a_newer_version_names_what_to_install_and_imports_nothing(
        user_folder: Path, tmp_path: Path, r01_values: dict, capsys) -> None:
    from desktop.cli import main

    _install_v2(user_folder)
    with Store(tmp_path / "a.sqlite3") as s:
        doc = interchange.export_sheet(s, s.create_sheet("mofa-r01", dict(r01_values, c4_4_remarks="新")))
    assert doc["format_version"] == 2
    (user_folder / "mofa-r01.v2.toml").unlink()
    definition.form_registry.cache_clear()
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "b.sqlite3"
    assert main(["--db", str(db), "import", str(path)]) == 2
    err = capsys.readouterr()
    assert "様式 mofa-r01 第2版の定義ファイルを入れて" in err.out + err.err
    with Store(db) as s:
        assert s.list_sheets() == []


def test_an_older_version_file_imports_through_the_renames(user_folder: Path, tmp_path: Path, r01_values: dict) -> None:
    with Store(tmp_path / "a.sqlite3") as s:
        doc = interchange.export_sheet(s, s.create_sheet("mofa-r01", r01_values))
    _install_v2(user_folder)
    parsed = interchange.parse_document(json.loads(json.dumps(doc)))
    assert parsed.form.version == 2 and parsed.values["c4_4_remarks"] == r01_values["c4_4_other"]
    with Store(tmp_path / "b.sqlite3") as s:
        result = interchange.import_document(s, parsed)
        sheet = s.get_sheet(result.sheet_id)
        assert sheet.format_version == 2 and sheet.values["c4_3_recruitment_support"]
        assert "c4_3_recruitment_support：" in sheet.import_note


@pytest.mark.parametrize(("upgrades", "message"), [
    ('[[upgrades]]\nfrom_version = 2\n', r"upgrades\[0\]\.from_version: must be an older version"),
    ('[[upgrades]]\nfrom_version = 1\nrenamed = { a = "nowhere" }\n', "renamed 'a' to 'nowhere'"),
    ('[[upgrades]]\nfrom_version = 1\nrenmaed = {}\n', "did you mean 'renamed'"),
])
def test_bad_upgrades_are_definition_errors(tmp_path: Path, upgrades: str, message: str) -> None:
    p = tmp_path / "mofa-r01.toml"
    p.write_text(V2.split("[[upgrades]]")[0] + upgrades, encoding="utf-8")
    with pytest.raises(DefinitionError, match=message):
        definition.load_definition(p)


def test_environment_isolated() -> None:
    assert os.environ[registry.ENV_VAR] == ""
