"""The evaluation office's year: folder import of 90 and 1,000 files, the year check, the overview,
the XLSX, the printed overview and the 90-sheet publication bundle.

Run: ``.venv/bin/python benchmarks/bench_office.py`` (prints, asserts nothing). Sheets are generated
from the demo 令和元年度 sheet (tests/support/year.py), with full-length texts for the bundle.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.core import interchange, overview, yearcheck
from desktop.core.store import Store
from desktop.pdf.overview import render_overview
from desktop.pdf.publish import publish_year
from tests.support.year import make_year


def timed(label: str, fn):
    t = time.perf_counter()
    result = fn()
    print(f"{label:<46}{time.perf_counter() - t:8.2f} s")
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in (90, 1000):
            year = make_year(n, text_chars=None)
            paths = year.write(root / f"in{n}")
            with Store(root / f"y{n}.db") as store:
                outcomes = timed(f"folder import, {n} files", lambda s=store, p=paths: interchange.import_files(s, p))
                assert all(o.result is not None and o.result.ok for o in outcomes)
                timed(f"  again, {n} files (all unchanged)", lambda s=store, p=paths: interchange.import_files(s, p))
                findings = timed(f"check --year, {n} sheets", lambda s=store: yearcheck.check_year(s, 2019))
                print(f"  ({len(findings)} findings)")
                table = timed(f"overview, {n} sheets", lambda s=store: overview.build(s, 2019))
                data = timed(f"  XLSX, {n} rows", lambda t=table: overview.to_xlsx(t))
                print(f"  ({len(data):,} bytes)")
                timed(f"  CSV, {n} rows", lambda t=table: overview.to_csv(t))
                pdf = timed(f"  printed overview, {n} rows", lambda t=table: render_overview(t))
                print(f"  ({len(pdf):,} bytes)")
                if n == 90:
                    result = timed("publication bundle, 90 sheets (full texts)",
                                   lambda s=store: publish_year(s, 2019, root / "pub"))
                    size = sum(p.stat().st_size for p in result.files)
                    print(f"  ({len(result.files)} files, {size / 2**20:.1f} MB, {len(result.failed)} failed)")
                    timed("  again (unchanged sheets, same hashes)", lambda s=store: publish_year(s, 2019, root / "pub"))


if __name__ == "__main__":
    main()
