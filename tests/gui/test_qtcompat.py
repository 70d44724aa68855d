"""PySide6 work-arounds of desktop/gui/qtcompat.py."""

from __future__ import annotations

import builtins
import re

from hypothesis import given
from hypothesis import strategies as st

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


_COUNT_COMPILES = (
    "import builtins, json, sys\n"
    "real, seen = builtins.compile, []\n"
    "def counting(source, filename, mode, *a, **k):\n"
    "    seen.append(str(filename))\n"
    "    return real(source, filename, mode, *a, **k)\n"
    "builtins.compile = counting\n"
    "import desktop.gui\n"
    "builtins.compile = real\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication([])\n"
    "label = QLabel('評価')\n"
    "print(json.dumps([f for f in seen if f.startswith(('signature_bootstrap', 'shibokensupport/'))]))\n"
)


def _compiled_support_modules(tmp_path) -> list[str]:
    import json
    import subprocess
    import sys

    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HYOKA_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", _COUNT_COMPILES], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_pyside_support_modules_are_compiled_once_then_read_from_the_cache(tmp_path) -> None:
    """PySide6 compiled the sources of its signature support at every start (about 25 ms): the
    first start stores their bytecode in the user cache, the next ones compile none of them."""
    first = _compiled_support_modules(tmp_path)
    assert "signature_bootstrap.py" in first and "shibokensupport/signature/parser.py" in first
    assert _compiled_support_modules(tmp_path) == []


def test_a_damaged_cached_bytecode_is_compiled_again(tmp_path) -> None:
    first = _compiled_support_modules(tmp_path)
    entries = sorted((tmp_path / "cache").glob("qt-*.code"))
    assert len(entries) == len(first)
    for entry in entries[:3]:
        blob = bytearray(entry.read_bytes())
        blob[-5] ^= 0xFF  # one changed byte in the code
        entry.write_bytes(bytes(blob))
    entries[3].write_bytes(entries[3].read_bytes()[:40])  # and one cut short
    again = _compiled_support_modules(tmp_path)
    assert len(again) == 4  # those are compiled again (and Qt works: the label was made)
    assert _compiled_support_modules(tmp_path) == []  # and stored again


@given(st.text())
def test_the_rich_text_escape_is_htmls(text: str) -> None:
    """form_view and the title line escape with look.escape_rich (html's entity table is not
    imported at start): the same text as html.escape."""
    import html

    from desktop.gui.look import escape_rich

    assert escape_rich(text) == html.escape(text)
