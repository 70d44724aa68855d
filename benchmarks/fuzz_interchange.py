"""A longer fuzz run than the one in `make test`: mutated interchange files through
`hyoka validate` and `hyoka import` (in process). Prints how many files, the exit
statuses, tracebacks (must be 0), and failed imports that changed the database (must be 0).

    python benchmarks/fuzz_interchange.py [--files N] [--seed S]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.cli import main
from tests.support.mutate import mutate

ROOT = Path(__file__).resolve().parents[1]
DEMOS = sorted((ROOT / "resources" / "demo").glob("*.json"))


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        except BaseException as exc:  # a traceback: counted, never hidden
            return -1, f"{type(exc).__name__}: {exc}"
    return code, err.getvalue()


def run(files: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in DEMOS]
    statuses: Counter[str] = Counter()
    tracebacks: list[str] = []
    changed_on_failure = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "fuzz.sqlite3"
        _run(["import", "--db", str(db), *map(str, DEMOS)])
        t0 = time.perf_counter()
        for i in range(files):
            path = folder / f"{i % 10}.json"
            path.write_bytes(mutate(rng.choice(docs), rng))
            for verb in ("validate", "import"):
                before = _dump(db) if verb == "import" else None
                argv = [verb, str(path)] + (["--db", str(db)] if verb == "import" else [])
                code, err = _run(argv)
                statuses[f"{verb}:{code}"] += 1
                if code not in (0, 1, 2) or "予期しない" in err:
                    tracebacks.append(f"{verb} {i}: {err.strip()[:200]}")
                if verb == "import" and code != 0 and _dump(db) != before:
                    changed_on_failure += 1
        elapsed = time.perf_counter() - t0
    return {"files": files, "seconds": round(elapsed, 1), "statuses": dict(sorted(statuses.items())),
            "tracebacks": len(tracebacks), "failed_imports_that_changed_the_db": changed_on_failure,
            "first_tracebacks": tracebacks[:5]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261123)
    a = ap.parse_args()
    result = run(a.files, a.seed)
    for key, value in result.items():
        print(f"{key}: {value}")
    sys.exit(1 if result["tracebacks"] or result["failed_imports_that_changed_the_db"] else 0)
