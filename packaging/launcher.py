"""Entry point for the frozen app: no arguments opens the desktop window."""

import sys

from desktop.cli import main

sys.exit(main())
