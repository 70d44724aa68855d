"""Opening the database stays cheap (issue 11 item 12, cold start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _with_store_in_a_fresh_process(tmp_path: Path, name: str, body: str) -> list[str]:
    """What ``body`` (indented under ``with Store(db) as s:``) prints, run in a new interpreter on a
    database created and migrated beforehand: the modules it loads are its own."""
    from desktop.core.store import Store

    db = tmp_path / name
    Store(db).close()
    code = f"import sys; from desktop.core.store import Store\nwith Store({str(db)!r}) as s:\n{body}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_opening_a_store_runs_no_sqlite_utils_plugins(tmp_path: Path) -> None:
    """sqlite-utils would scan every installed distribution's entry points for plugins at the first
    Database() (15–50 ms of each start of the app, and foreign code in the database layer): off."""
    code = ("import sys; from desktop.core.store import Store; from sqlite_utils import plugins; "
            f"Store({str(tmp_path / 'p.sqlite3')!r}); print(plugins._plugins_loaded, 'importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_an_up_to_date_database_is_used_without_loading_sqlite_utils(tmp_path: Path) -> None:
    """sqlite-utils (with click, dateutil and pluggy, ~50 ms of every start) is only loaded to migrate:
    the store's own reads and writes are plain SQL."""
    body = (
        "    sid = s.create_sheet('mofa-r01', {'contribution_name': '平文の検索'})\n"
        "    s.save_values(sid, {'contribution_name': '平文の検索 二版'}, expected=s.sheet_digest(sid))\n"
        "    s.set_status(sid, 'draft'); s.set_setting('k', [1]); s.set_setting('k', [2])\n"
        "    c = s.add_comment(sid, '指摘'); s.resolve_comment(c.id)\n"
        "    with s.transaction():\n"
        "        try:\n"
        "            with s.transaction():\n"
        "                s.delete_sheet(sid); raise KeyError\n"
        "        except KeyError: pass\n"
        "    found = [x.id for x in s.search('検索 二版')] == [sid] and not s.get_sheet(sid).deleted\n"
        "    print(found, s.get_setting('k'), 'sqlite_utils' in sys.modules)\n"
    )
    assert _with_store_in_a_fresh_process(tmp_path, "q.sqlite3", body) == ["True", "[2]", "False"]


def test_the_compressor_thread_is_loaded_by_the_first_large_snapshot(tmp_path: Path) -> None:
    """concurrent.futures is not on the way to the first window: opening the database and saving a
    small sheet do not load it; a large snapshot does."""
    body = (
        "    sid = s.create_sheet('mofa-r01', {'contribution_name': '小さなシート'})\n"
        "    print('concurrent.futures' in sys.modules)\n"
        "    s.save_values(sid, {'contribution_name': '大きなシート', 'c4_4_other': '長い特記事項。' * 2000})\n"
        "    print('concurrent.futures' in sys.modules, s.revision_values(sid, 2)['c4_4_other'][:6])\n"
    )
    assert _with_store_in_a_fresh_process(tmp_path, "c.sqlite3", body) == ["False", "True", "長い特記事項"]
