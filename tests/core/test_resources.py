"""The one resource locator: source checkout, packaged data (wheel/frozen) and the override."""

from __future__ import annotations

import subprocess
import sys

from desktop.core import resources
from tests.conftest import ROOT


def test_checkout_uses_top_level_folders():
    assert resources.packaged_root() is None  # tests run from the checkout / editable install
    assert resources.resource_dir("forms") == ROOT / "forms"
    assert resources.resource_dir("demo") == ROOT / "resources" / "demo"
    assert resources.resource_dir("fonts") == ROOT / "resources" / "fonts"
    assert resources.resource_dir("locale") == ROOT / "resources" / "locale"
    assert not resources.is_packaged()


def test_every_kind_exists_in_the_checkout():
    for kind in resources.KINDS:
        assert any(resources.resource_dir(kind).iterdir()), kind


def test_packaged_layout_wins(tmp_path, monkeypatch):
    data = tmp_path / "desktop" / "data"
    (data / "forms").mkdir(parents=True)
    monkeypatch.setattr(resources, "package_dir", lambda: tmp_path / "desktop")
    assert resources.packaged_root() == data
    assert resources.resource_dir("forms") == data / "forms"
    assert resources.resource_dir("demo") == data / "demo"
    assert resources.is_packaged()


def test_the_package_folder_is_found_without_importlib_resources() -> None:
    """The locator reads the package's own folder (about 5 ms less at every start)."""
    code = ("import sys; from desktop.core import resources; print(resources.resource_dir('forms')); "
            "print('importlib.resources' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(ROOT / "forms"), "False"]


def test_a_package_not_on_disk_is_asked_through_importlib_resources(tmp_path, monkeypatch):
    """A zipped package (no folder next to the module) still finds its data."""
    import importlib.resources

    monkeypatch.setattr(resources, "__file__", str(tmp_path / "hyoka.zip" / "desktop" / "core" / "resources.py"))
    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: tmp_path / "unzipped" / "desktop")
    assert resources.package_dir() == tmp_path / "unzipped" / "desktop"


def test_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv(resources.ENV_VAR, str(tmp_path))
    assert resources.resource_dir("locale") == tmp_path / "locale"
    assert resources.is_packaged()


def test_no_format_is_one_line(tmp_path):
    """A program that finds no format says so in one line (exit 2), not a traceback."""
    env = {"HYOKA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    demo = ROOT / "resources" / "demo" / "000_iom_r01.json"
    res = subprocess.run([sys.executable, "-m", "desktop", "validate", str(demo)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert res.returncode == 2, res
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "forms" in lines[0], res.stderr
