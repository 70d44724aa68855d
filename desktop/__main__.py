"""``python -m desktop`` is the same as the ``hyoka`` command."""

import sys

if getattr(sys, "frozen", False):  # a frozen build's worker process (the page count) runs here and exits
    import multiprocessing

    multiprocessing.freeze_support()

from desktop.cli import main  # after freeze_support(), which may not return

sys.exit(main())
