"""The core and the PDF code import no Qt: only desktop/gui may (Anki's rule, enforced)."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

QT_FREE = ["desktop.core.store", "desktop.core.interchange", "desktop.core.validation", "desktop.core.carry",
           "desktop.cli"]


def test_core_imports_without_qt() -> None:
    mods = list(QT_FREE)
    if (ROOT / "desktop" / "pdf" / "__init__.py").exists():
        mods.append("desktop.pdf")
    code = "import sys\n" + "".join(f"import {m}\n" for m in mods) + (
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6')]\n"
        "assert not bad, bad\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert res.returncode == 0, res.stderr


def test_no_qt_import_outside_gui() -> None:
    offenders = []
    for path in (ROOT / "desktop").rglob("*.py"):
        if "gui" in path.relative_to(ROOT / "desktop").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("PySide6", "shiboken6") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
