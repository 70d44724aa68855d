"""The PySide6 desktop app. The only package that imports Qt (see tests/test_boundary.py)."""

from desktop.gui.qtcompat import immortalize_singletons, import_qt, skip_feature_import_scan

import_qt()  # PySide6's signature expressions compile on first use (see qtcompat)
immortalize_singletons()  # before any Qt call: see qtcompat for the PySide6 6.12 / Python 3.11 bug
skip_feature_import_scan()  # imports no longer read each module's source (see qtcompat)
