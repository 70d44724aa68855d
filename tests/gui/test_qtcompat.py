"""PySide6 work-arounds of desktop/gui/qtcompat.py."""

from __future__ import annotations

import builtins
import re

import desktop.gui  # noqa: F401 - applies the work-arounds
from tests.conftest import ROOT


def test_imports_no_longer_read_each_modules_source() -> None:
    """PySide6's ``__feature__`` hook read the source of every module imported after Qt (5 % of
    the start); with it gone, imports go to the loader PySide6 wrapped (its lazy class loader)."""
    assert builtins.__import__ is builtins.__orig_import__  # type: ignore[attr-defined]
    assert getattr(builtins.__import__, "__name__", "") != "__feature_import__"
    from PySide6.QtWidgets import QLabel  # Qt's classes still import

    assert QLabel.__name__ == "QLabel"


def test_hyoka_uses_no_pyside_feature() -> None:
    """Why the hook may go: no module selects a PySide6 ``__feature__`` (snake_case, true_property)."""
    users = [p for p in (ROOT / "desktop").rglob("*.py")
             if re.search(r"^\s*from\s+__feature__\s+import", p.read_text(encoding="utf-8"), re.M)]
    assert users == []


def test_pyside_signature_expressions_compile_when_first_needed() -> None:
    """PySide6's signature support compiled three large expressions when imported (about 30 ms
    of every start); they compile when a signature is first described, and a call with wrong
    arguments still lists the supported signatures."""
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "import desktop.gui\n"
        "from desktop.lazy import LazyPattern\n"
        "parser = sys.modules['shibokensupport.signature.parser']\n"
        "gen = sys.modules['shibokensupport.signature.lib.pyi_generator'].Formatter\n"
        "pats = [gen.opt_uni_searcher, gen.brace_searcher]\n"
        "before = [isinstance(p, LazyPattern) and p.compiled is None for p in pats]\n"
        "from PySide6.QtWidgets import QApplication, QLabel\n"
        "app = QApplication([])\n"
        "try:\n"
        "    QLabel().setAlignment(1)\n"
        "except TypeError as exc:\n"
        "    message = str(exc)\n"
        "print(json.dumps({'lazy': before, 'message': message}))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    import json

    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["lazy"] == [True, True]
    assert "Supported signatures:" in result["message"]
    assert "setAlignment(arg__1: PySide6.QtCore.Qt.AlignmentFlag" in result["message"]


def test_a_lazy_pattern_behaves_as_the_compiled_one() -> None:
    from desktop.lazy import LazyPattern

    lazy = LazyPattern(r"(\d+)-(\d+)", 0)
    finditer, split = lazy.finditer, lazy.split  # taken before it is compiled, as PySide6 does
    assert getattr(lazy, "__isabstractmethod__", False) is False  # asked by ABCMeta for a class attribute
    assert lazy.compiled is None
    assert [m.groups() for m in finditer("1-2 x 30-40")] == [("1", "2"), ("30", "40")]
    assert split("a1-2b") == ["a", "1", "2", "b"]
    assert lazy.sub(r"\2-\1", "1-2") == "2-1" and lazy.groups == 2
