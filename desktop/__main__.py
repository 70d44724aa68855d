"""``python -m desktop`` is the same as the ``hyoka`` command."""

import multiprocessing
import sys

multiprocessing.freeze_support()  # a frozen build's worker process (the page count) runs here and exits

from desktop.cli import main  # noqa: E402 - after freeze_support(), which may not return

sys.exit(main())
