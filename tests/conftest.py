"""Shared fixtures. Tests run headless: Qt uses the offscreen platform."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("HYOKA_DB", None)
os.environ.pop("HYOKA_LANG", None)
os.environ["HYOKA_FORMS_DIRS"] = ""  # no per-user or all-users formats unless a test installs one
os.environ.setdefault("HYOKA_CACHE_DIR", tempfile.mkdtemp(prefix="hyoka-test-cache-"))  # not the user's cache

ROOT = Path(__file__).resolve().parents[1]
DEMO_R01 = ROOT / "resources" / "demo" / "000_iom_r01.json"
DEMO_H30 = ROOT / "resources" / "demo" / "001_iom_h30.json"


@pytest.fixture(autouse=True)
def _japanese_ui() -> None:
    """Every test starts in the default language (a test that switches to English leaks otherwise)."""
    from desktop.core.i18n import set_language

    set_language("ja")


@pytest.fixture(autouse=True)
def _own_error_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program error a test provokes is recorded in a temp folder, never the user's log."""
    monkeypatch.setenv("HYOKA_LOG_DIR", str(tmp_path_factory.mktemp("log")))


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty per-user format folder, read instead of the real ones (formats are reloaded)."""
    from desktop.core import definition, registry

    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.setenv(registry.ENV_VAR, str(user))
    definition.form_registry.cache_clear()
    yield user
    definition.form_registry.cache_clear()


@pytest.fixture
def r01_doc() -> dict:
    return json.loads(DEMO_R01.read_text(encoding="utf-8"))


@pytest.fixture
def h30_doc() -> dict:
    return json.loads(DEMO_H30.read_text(encoding="utf-8"))


@pytest.fixture
def r01_values(r01_doc: dict) -> dict:
    return dict(r01_doc["values"])


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hyoka.sqlite3"
