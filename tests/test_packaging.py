"""Cheap checks of the packaging inputs (the builds themselves run in `make test-dist`)."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT


def _pins(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line.strip())
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_windows_wheels_pin_the_same_runtime_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pins(project["dependencies"])
    windows = _pins((ROOT / "packaging" / "windows" / "requirements.txt").read_text().splitlines())
    for name, version in runtime.items():
        assert windows.get(name) == version, f"{name}: pyproject {version}, windows {windows.get(name)}"


def test_every_windows_wheel_is_hash_pinned():
    for line in (ROOT / "packaging" / "windows" / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line and re.search(r"--hash=sha256:[0-9a-f]{64}", line), line


def test_wine_stubs_are_only_used_by_the_wine_prefix():
    """The wine-only stubs are compiled into the test prefix (wine.sh) and referenced nowhere else."""
    users = [p.relative_to(ROOT).as_posix() for p in (ROOT / "packaging").rglob("*")
             if p.is_file() and p.suffix in {".sh", ".nsi", ".wxs", ".spec"} and "_stub.c" in p.read_text()]
    assert users == ["packaging/windows/wine.sh"]
