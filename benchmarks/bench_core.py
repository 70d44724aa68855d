"""Core figures: validation per full sheet, and import/export of 1,000 sheets.

Run: ``.venv/bin/python benchmarks/bench_core.py`` (prints, asserts nothing).

* ``--sheets N [--revisions R]``: issue 11's scale figures.
* ``--sheets N --rounds K [--against DIR]``: only the batch import, K times, each in a fresh process,
  in turns with another checkout (DIR with its own .venv, e.g. a worktree of main) so both see the
  same machine load; prints the fastest and the median of each and their ratios.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

# this checkout, or with --tree another checkout's code, timed by this script (--against)
sys.path.insert(0, sys.argv[sys.argv.index("--tree") + 1] if "--tree" in sys.argv else str(Path(__file__).resolve().parents[1]))

from desktop.core import interchange, validation
from desktop.core.definition import get_form
from desktop.core.store import Store
from desktop.core.values import compute

ROOT = Path(sys.path[0]).resolve()
OPENS = 7  # fresh opens of the scale database each figure is the median of
DEMO = ROOT / "resources" / "demo" / "000_iom_r01.json"


def per_call_ms(fn, repeat: int = 7, number: int = 200) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - t) / number * 1000)
    return statistics.median(runs), min(runs)


def main() -> None:
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    form = get_form(doc["format"])
    values = doc["values"]
    med, best = per_call_ms(lambda: validation.validate(form, values))
    print(f"validate full R01 sheet ({len(values)} values): median {med:.3f} ms, best {best:.3f} ms")
    med, best = per_call_ms(lambda: validation.validate(form, values, warnings=False))
    print(f"validate, errors only (import):          median {med:.3f} ms, best {best:.3f} ms")
    med, best = per_call_ms(lambda: compute(form, values))
    print(f"compute all computed fields:            median {med:.3f} ms, best {best:.3f} ms")
    broken = dict(values, c4_1_jp_staff="三十", contribution_form="ノンイヤマーク")
    med, _ = per_call_ms(lambda: validation.validate(form, broken))
    print(f"validate sheet with 14 findings:         median {med:.3f} ms")

    n = 1000
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        files = []
        for i in range(n):
            d = json.loads(json.dumps(doc))
            d["sheet"]["uuid"] = str(uuid.uuid4())
            d["values"]["c4_4_other"] = f"{d['values']['c4_4_other']}（{i}）"
            files.append(interchange.build_document(form, d["values"], d["sheet"]))
        with Store(tmpdir / "bench.db") as s:
            t = time.perf_counter()
            with s.transaction():
                ids = [interchange.import_document(s, interchange.parse_document(f)).sheet_id for f in files]
            t_import = time.perf_counter() - t
            t = time.perf_counter()
            for sid in ids:
                interchange.write_file(interchange.export_sheet(s, sid), tmpdir / f"{sid}.json")
            t_export = time.perf_counter() - t
            t = time.perf_counter()
            hits = s.search("ヴィトリーノ事務局長")
            t_search = time.perf_counter() - t
        t = time.perf_counter()
        Store(tmpdir / "bench.db").close()  # includes the migrations check (quick_check is off the open path)
        t_open = time.perf_counter() - t
        size = (tmpdir / "bench.db").stat().st_size
        print(f"open the {n}-sheet database:           {t_open * 1000:.0f} ms")
        print(f"import {n} sheets (one transaction):      {t_import:.2f} s ({t_import / n * 1000:.2f} ms/sheet)")
        print(f"export {n} sheets to files (fsync each):   {t_export:.2f} s ({t_export / n * 1000:.2f} ms/sheet)")
        print(f"full-text search over {n} sheets:        {t_search * 1000:.1f} ms ({len(hits)} hits)")
        print(f"database size with {n} sheets:           {size / 2**20:.1f} MiB")


def _batch_import(path: Path, n: int) -> tuple[list[int], float]:
    """``n`` interchange files of the demo sheet imported in one transaction: (ids, seconds)."""
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    form = get_form(doc["format"])
    files = []
    for i in range(n):
        d = json.loads(json.dumps(doc))
        d["sheet"]["uuid"] = str(uuid.uuid4())
        d["values"]["contribution_name"] = f"{d['values']['contribution_name']}（{i}）"
        d["values"]["c4_4_other"] = f"{d['values']['c4_4_other']}（{i}）"
        files.append(interchange.build_document(form, d["values"], d["sheet"]))
    with Store(path) as s:
        t = time.perf_counter()
        with s.transaction():
            ids = [interchange.import_document(s, interchange.parse_document(f)).sheet_id for f in files]
        return ids, time.perf_counter() - t


def scale(n: int, revisions: int) -> None:
    """Issue 11's scale figures: ``n`` sheets of ``revisions`` revisions each."""
    import random

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        ids, t_import = _batch_import(path, n)
        size1 = _db_size(path)
        with Store(path) as s:
            for sid in ids:
                values = s.get_sheet(sid).values
                with s.transaction():
                    for r in range(1, revisions):
                        values = dict(values, c1_3_results=f"{values.get('c1_3_results', '')}追記{r}・{rng.random():.6f}")
                        s.save_values(sid, values, kind="save")
        size_all = _db_size(path)
        # each figure from a freshly opened store (SQLite's page cache empty, as when the app
        # starts), OPENS times: this machine is shared, one sample can be twice the usual time
        queries = {"list": None, "s3": "ヴィトリーノ事務局長", "s1": "閣", "s1_none": "鯱", "s2": "移住"}
        times: dict[str, list[float]] = {k: [] for k in ("open", *queries)}
        found: dict[str, int] = {}
        for _i in range(OPENS):
            t = time.perf_counter()
            s = Store(path)
            times["open"].append(time.perf_counter() - t)
            for key, query in queries.items():  # "鯱" is in no sheet: without the index every text is read
                t = time.perf_counter()
                got = s.list_sheets() if query is None else s.search(query)
                times[key].append(time.perf_counter() - t)
                found[key] = len(got)
            s.close()

        def ms(key: str) -> str:
            return f"{statistics.median(times[key]) * 1000:.1f} ms (fastest {min(times[key]) * 1000:.1f})"

        per_first = size1 / n / 1024
        per_more = (size_all - size1) / max(n * (revisions - 1), 1) / 1024
        print(f"scale: {n} sheets × {revisions} revisions")
        print(f"  size per sheet, first revision:   {per_first:.1f} KB (target ≤ 80)")
        print(f"  size per further revision:        {per_more:.1f} KB (target ≤ 15)")
        print(f"  (medians of {OPENS} fresh opens)")
        print(f"  open:                             {ms('open')} (target ≤ 80)")
        print(f"  list {found['list']} sheets:                {ms('list')} (target ≤ 30)")
        print(f"  search 3+ characters:             {ms('s3')}, {found['s3']} hits (target ≤ 20)")
        print(f"  search 1 character:               {ms('s1')}, {found['s1']} hits (target ≤ 100)")
        print(f"  search 1 character in no sheet:   {ms('s1_none')}, {found['s1_none']} hits (target ≤ 100)")
        print(f"  search 2 characters:              {ms('s2')}, {found['s2']} hits (target ≤ 100)")
        print(f"  import in one batch:              {t_import / n * 1000:.2f} ms/sheet (target ≤ 3)")


def import_rounds(n: int, rounds: int, against: Path | None) -> None:
    """The batch import alone, ``rounds`` fresh processes of this checkout (and of ``against``) in turns."""
    import subprocess

    trees = [ROOT, *([against.resolve()] if against else [])]
    times: dict[Path, list[float]] = {t: [] for t in trees}
    for _round in range(rounds):
        for tree in trees:
            out = subprocess.run([str(tree / ".venv" / "bin" / "python"), __file__, "--import-only", "--sheets", str(n),
                                  "--tree", str(tree)], check=True, capture_output=True, text=True).stdout
            times[tree].append(float(out.split()[-1]))
    for tree, ms in times.items():
        print(f"import {n} sheets in one batch, {tree}: fastest {min(ms):.2f}, median {statistics.median(ms):.2f} "
              f"ms/sheet ({', '.join(f'{x:.2f}' for x in ms)})")
    if against:
        ours, theirs = times[ROOT], times[trees[1]]
        print(f"this checkout ÷ {trees[1].name}: {min(ours) / min(theirs):.2f}× (fastest), "
              f"{statistics.median(ours) / statistics.median(theirs):.2f}× (medians)")


def _db_size(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return path.stat().st_size


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=0, help="scale figures for this many sheets (issue 11)")
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=0, help="only the batch import, this many times in turns")
    parser.add_argument("--against", type=Path, metavar="DIR", help="another checkout timed in the same turns")
    parser.add_argument("--import-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        with tempfile.TemporaryDirectory() as tmp:
            _ids, seconds = _batch_import(Path(tmp) / "import.db", args.sheets)
        print(f"{seconds / args.sheets * 1000:.3f}")
    elif args.rounds:
        import_rounds(args.sheets or 300, args.rounds, args.against)
    elif args.sheets:
        scale(args.sheets, args.revisions)
    else:
        main()
