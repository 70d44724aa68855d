"""The PySide6 desktop app. The only package that imports Qt (see tests/test_boundary.py)."""

from desktop.gui.qtcompat import immortalize_singletons

immortalize_singletons()  # before any Qt call: see qtcompat for the PySide6 6.12 / Python 3.11 bug
