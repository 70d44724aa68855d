"""Where the program's data lives: formats, demo sheets, fonts and message catalogs.

One locator for every way the program runs:

- **installed** (a wheel, or the PyInstaller app built from it): the build maps the
  top-level ``forms/`` and ``resources/`` into the package as ``desktop/data/`` and
  compiles the catalogs (see ``setup.py``); ``importlib.resources`` finds them there;
- **source checkout / editable install**: no ``desktop/data/``, so the top-level
  ``forms/`` and ``resources/`` next to the package are used.

``HYOKA_DATA_DIR`` (a folder laid out like ``desktop/data/``) overrides both, for tests.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PACKAGE = "desktop"
DATA = "data"
ENV_VAR = "HYOKA_DATA_DIR"

# name -> (folder inside desktop/data/, folder in a source checkout)
KINDS: dict[str, tuple[str, str]] = {
    "forms": ("forms", "forms"),
    "demo": ("demo", "resources/demo"),
    "fonts": ("fonts", "resources/fonts"),
    "locale": ("locale", "resources/locale"),
}


def packaged_root() -> Path | None:
    """``desktop/data/`` when the program was built (wheel, frozen app); else None."""
    root = files(PACKAGE) / DATA
    return Path(str(root)) if root.is_dir() else None


def source_root() -> Path:
    """The checkout holding ``desktop/``, ``forms/`` and ``resources/``."""
    return Path(str(files(PACKAGE))).resolve().parent


def resource_dir(kind: str) -> Path:
    """The folder holding one kind of data (``forms``, ``demo``, ``fonts``, ``locale``).

    The folder may not exist (a broken install); callers that need its files say so.
    """
    packaged, checkout = KINDS[kind]
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env) / packaged
    root = packaged_root()
    if root is not None:
        return root / packaged
    return source_root() / checkout


def is_packaged() -> bool:
    """True when data comes from an installed build (catalogs precompiled, read-only)."""
    return bool(os.environ.get(ENV_VAR)) or packaged_root() is not None
