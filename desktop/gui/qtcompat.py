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
    """Import PySide6, its signature support's expressions compiled when first used."""
    from desktop.lazy import lazy_patterns

    with lazy_patterns(SIGNATURE_PATTERNS):
        import PySide6.QtCore  # noqa: F401


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
