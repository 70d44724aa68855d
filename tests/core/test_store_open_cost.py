"""Opening the database stays cheap (issue 11 item 12, cold start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_opening_a_store_runs_no_sqlite_utils_plugins(tmp_path: Path) -> None:
    """sqlite-utils would scan every installed distribution's entry points for plugins at the first
    Database() (15–50 ms of each start of the app, and foreign code in the database layer): off."""
    code = ("import sys; from desktop.core.store import Store; from sqlite_utils import plugins; "
            f"Store({str(tmp_path / 'p.sqlite3')!r}); print(plugins._plugins_loaded, 'importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
