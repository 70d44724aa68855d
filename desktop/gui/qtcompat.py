"""Work-around for a reference-count bug of the pinned PySide6 (6.12.0) on Python 3.11.

PySide6 6.12.0 returns ``None`` (every void method: ``setText``, ``setEnabled`` …)
and ``True`` (``Signal.emit``) without taking a reference. Since Python 3.12
these objects are immortal and nothing happens; on 3.11 each call over-releases
them, and after a few thousand calls (a long typing session, or simply at exit)
the interpreter aborts with "Fatal Python error: none_dealloc / bool_dealloc".

:func:`immortalize_singletons` gives ``None``, ``True`` and ``False`` a huge
reference count once at start-up, which is what 3.12 does by design (PEP 683).
It only touches those three objects and only on CPython < 3.12. The clean fix is
a PySide6 release with the bug fixed, or running on Python 3.12+.
"""

from __future__ import annotations

import sys
from typing import Any

_DONE = False


def immortalize_singletons() -> bool:
    """Make ``None``/``True``/``False`` effectively immortal (CPython < 3.12 only)."""
    global _DONE
    if _DONE or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import ctypes  # only here: Python 3.12+ (the Windows build) never needs it

    for obj in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of PyObject
        refcnt.value += 1 << 40
    _DONE = True
    return True


# Regular expressions PySide6's signature support compiles when it is imported (about 30 ms, more
# than a fifth of a bare PySide6 window's start), used only to describe signatures: the list in a
# TypeError for wrong arguments, inspect.signature, writing .pyi files. Compiled on first use.
SIGNATURE_PATTERNS: tuple[str, ...] = (
    "\n(\n  (?:    [^\\(\\)\\[\\]\\{\\}\\<\\>\\,",  # parser.ArglistParser, pyi_generator's brace_searcher
    "\n            \\b                      # edge of a word",  # pyi_generator.Formatter.opt_uni_searcher
)


def import_qt() -> None:
    """Import PySide6: its support modules' bytecode from the user cache (:func:`cached_compile`),
    their signature expressions compiled when first used."""
    import builtins

    from desktop.lazy import lazy_patterns

    real = builtins.compile
    builtins.compile = cached_compile(real)
    try:
        with lazy_patterns(SIGNATURE_PATTERNS):
            import PySide6.QtCore  # noqa: F401
    finally:
        builtins.compile = real


# PySide6 keeps the Python modules of its signature support as sources in a zip inside libshiboken
# and compiles them at every start (about 25 ms); Python would keep their bytecode in __pycache__.
_SUPPORT_SOURCES = ("signature_bootstrap.py", "shibokensupport/")
_CODE_CACHE_FORMAT = b"hyoka-code-1\n"


def cached_compile(real: Any) -> Any:
    """``compile`` that keeps the bytecode of PySide6's support modules in the user cache, keyed
    by the interpreter's bytecode version and the source, with a digest of what is stored: a
    missing, stale or damaged entry is compiled again (and stored), as Python does with .pyc."""

    def compile_(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or mode != "exec" or not isinstance(filename, str) \
                or not filename.startswith(_SUPPORT_SOURCES) or not isinstance(source, bytes | str):
            return real(source, filename, mode, *args, **kwargs)
        import hashlib
        import importlib.util

        data = source.encode("utf-8") if isinstance(source, str) else source
        key = hashlib.sha256(importlib.util.MAGIC_NUMBER + filename.encode() + b"\0" + data).hexdigest()
        name = f"qt-{key[:32]}.code"
        code = _load(name)
        if code is None:
            code = real(source, filename, mode)
            _store(name, code)
        return code

    return compile_


# an entry: the format line, the SHA-256 of the marshalled code, the marshalled code
def _load(name: str) -> Any | None:
    import hashlib
    import marshal

    from desktop.core import disk_cache

    blob = disk_cache.read_bytes(name) or b""
    start = len(_CODE_CACHE_FORMAT) + 32
    head, digest, body = blob[:len(_CODE_CACHE_FORMAT)], blob[len(_CODE_CACHE_FORMAT):start], blob[start:]
    if head != _CODE_CACHE_FORMAT or hashlib.sha256(body).digest() != digest:
        return None  # missing, cut short or damaged
    try:
        return marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None


def _store(name: str, code: Any) -> None:
    import hashlib
    import marshal

    from desktop.core import disk_cache

    body = marshal.dumps(code)
    disk_cache.write_bytes(name, _CODE_CACHE_FORMAT + hashlib.sha256(body).digest() + body)


def skip_feature_import_scan() -> bool:
    """Take PySide6's ``__feature__`` import hook back out (PySide6 imported here).

    To support ``from __feature__ import snake_case``, PySide6 replaces ``builtins.__import__``
    and, after every import statement, reads the imported module's source file to see whether it
    mentions PySide6 (PYSIDE-2029). hyoka uses no ``__feature__`` (a test keeps it so); reading the
    sources of the ~80 modules imported after Qt was about 5 % of the work to the first window.
    The import PySide6 wrapped (``builtins.__orig_import__``, in 6.12 its lazy class loader) is put
    back. Returns True when the hook was removed.
    """
    import builtins

    import PySide6.QtCore  # noqa: F401 - installs the hook

    wrapped = getattr(builtins, "__orig_import__", None)
    current = builtins.__import__
    if wrapped is None or current is wrapped or getattr(current, "__name__", "") != "__feature_import__":
        return False
    builtins.__import__ = wrapped
    return True
