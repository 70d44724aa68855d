"""Entry point for the frozen app: no arguments opens the desktop window."""

import multiprocessing
import sys

# A frozen app's worker process (the page count, desktop/gui/page_count.py) starts this
# executable again: freeze_support() runs the worker there and exits, before anything else.
multiprocessing.freeze_support()

from desktop.cli import main  # noqa: E402 - after freeze_support(), which may not return

sys.exit(main())
