"""Modules loaded on first use, for the way to the first window.

``hyoka gui`` must paint its window quickly (issue 11, item 12), yet the main window
and the command line refer to modules that only a menu command or an error needs
(dialogs, interchange files, the office's views). :func:`lazy_module` gives such a
module object at once and runs its code the first time an attribute is read, with
the standard library's :class:`importlib.util.LazyLoader`. The module is the one in
``sys.modules``, so ``monkeypatch.setattr(module, …)`` in tests and ordinary imports
elsewhere see the same object.

Callers keep an ordinary import under ``TYPE_CHECKING`` (for mypy, and for
PyInstaller, which finds modules by their import statements).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any


def lazy_module(name: str) -> ModuleType:
    """``name`` (absolute), executed when first used; the loaded module if it already is."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _dot, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)  # as the import system does for a submodule
    return module


_PATTERN_METHODS = frozenset({"match", "search", "fullmatch", "finditer", "findall", "split", "sub", "subn", "scanner"})


class LazyPattern:
    """A regular expression compiled when first used, standing in for ``re.compile``'s result.
    Its methods can be taken before that (``finditer = pattern.finditer``) without compiling it."""

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self.compiled: re.Pattern[Any] | None = None

    def _compiled(self) -> re.Pattern[Any]:
        if self.compiled is None:
            self.compiled = _real_compile(self.pattern, self.flags)
        return self.compiled

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):  # asked by the class machinery (ABCMeta: __isabstractmethod__)
            raise AttributeError(name)
        if name in _PATTERN_METHODS and self.compiled is None:
            return lambda *args, **kwargs: getattr(self._compiled(), name)(*args, **kwargs)
        return getattr(self._compiled(), name)


_real_compile = re.compile


@contextmanager
def lazy_patterns(prefixes: tuple[str | bytes, ...]) -> Iterator[None]:
    """While the block runs (an import), ``re.compile`` of a pattern starting with one of
    ``prefixes`` (of the same type) gives a :class:`LazyPattern`: a library's expressions
    compiled at import for work this program seldom or never does cost nothing until used."""
    real = re.compile

    def compile_(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str | bytes) and any(
                type(p) is type(pattern) and pattern.startswith(p) for p in prefixes):  # type: ignore[arg-type]
            return LazyPattern(pattern, flags)
        return real(pattern, flags)

    re.compile = compile_
    try:
        yield
    finally:
        re.compile = real
