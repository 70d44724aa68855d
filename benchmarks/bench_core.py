"""Core figures: validation per full sheet, and import/export of 1,000 sheets.

Run: ``.venv/bin/python benchmarks/bench_core.py`` (prints, asserts nothing).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.core import interchange, validation
from desktop.core.definition import get_form
from desktop.core.store import Store
from desktop.core.values import compute

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo" / "000_iom_r01.json"


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
        Store(tmpdir / "bench.db").close()  # includes migrations check and PRAGMA quick_check
        t_open = time.perf_counter() - t
        size = (tmpdir / "bench.db").stat().st_size
        print(f"open the {n}-sheet database:           {t_open * 1000:.0f} ms")
        print(f"import {n} sheets (one transaction):      {t_import:.2f} s ({t_import / n * 1000:.2f} ms/sheet)")
        print(f"export {n} sheets to files (fsync each):   {t_export:.2f} s ({t_export / n * 1000:.2f} ms/sheet)")
        print(f"full-text search over {n} sheets:        {t_search * 1000:.1f} ms ({len(hits)} hits)")
        print(f"database size with {n} sheets:           {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
