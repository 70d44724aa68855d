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


def package_dir() -> Path:
    """The folder of the ``desktop`` package: next to this file wherever the package lies on
    disk (a checkout, a wheel, PyInstaller's folder, whose ``desktop/`` holds ``data/``), so
    ``importlib.resources`` (about 5 ms to import at every start) is asked only otherwise."""
    here = Path(__file__).resolve().parent.parent
    if here.is_dir():
        return here
    from importlib.resources import files

    return Path(str(files(PACKAGE)))


def packaged_root() -> Path | None:
    """``desktop/data/`` when the program was built (wheel, frozen app); else None."""
    root = package_dir() / DATA
    return root if root.is_dir() else None


def source_root() -> Path:
    """The checkout holding ``desktop/``, ``forms/`` and ``resources/``."""
    return package_dir().resolve().parent


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
