"""The user cache (desktop/core/disk_cache.py) and the parsed format files kept in it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from desktop.core import disk_cache, registry
from tests.conftest import ROOT

R01 = ROOT / "forms" / "mofa-r01.toml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(disk_cache.ENV_VAR, str(folder))
    return folder


def test_an_entry_is_returned_only_for_its_identity(cache: Path) -> None:
    disk_cache.write("x", (1, "a"), {"k": [1, 2]})
    assert disk_cache.read("x", (1, "a")) == {"k": [1, 2]}
    assert disk_cache.read("x", (1, "b")) is None
    assert disk_cache.read("missing", (1, "a")) is None


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe3" * 100])
def test_a_damaged_entry_is_no_entry(cache: Path, damage: bytes) -> None:
    disk_cache.write("x", (1,), "payload")
    (cache / "x").write_bytes(damage)
    assert disk_cache.read("x", (1,)) is None


def test_an_unwritable_folder_or_value_is_silently_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(disk_cache.ENV_VAR, str(blocker / "cache"))
    disk_cache.write("x", (1,), "payload")
    assert disk_cache.read("x", (1,)) is None
    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "ok"))
    disk_cache.write("y", (1,), object())  # not marshallable
    assert disk_cache.read("y", (1,)) is None and not list((tmp_path / "ok").glob(".entry-*"))


def test_a_format_file_is_parsed_once_then_read_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = registry.read_raw(R01)
    assert first == tomllib.loads(R01.read_text(encoding="utf-8"))
    assert len(list(cache.glob("form-*.tomlcache"))) == 1

    def no_parsing(_text: str) -> dict:
        raise AssertionError("parsed again")

    monkeypatch.setattr(registry.tomllib, "loads", no_parsing)
    assert registry.read_raw(R01) == first


def test_a_changed_format_file_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mofa-r01.toml"
    text = R01.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert registry.read_raw(path)["name"] != "別の名前"
    # the same size and, on a coarse clock, the same modification time: content decides
    old_name = tomllib.loads(text)["name"]
    path.write_text(text.replace(f'name = "{old_name}"', 'name = "別の名前"', 1), encoding="utf-8")
    assert registry.read_raw(path)["name"] == "別の名前"


def test_a_damaged_cached_format_is_parsed_again(cache: Path) -> None:
    expected = registry.read_raw(R01)
    for entry in cache.glob("form-*.tomlcache"):
        entry.write_bytes(b"\x00" * 10)
    assert registry.read_raw(R01) == expected
