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
import sys
from types import ModuleType


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
