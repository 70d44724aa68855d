"""import-sheet figures: time to read a published sheet (text, PDF, Word) and the recovery rate.

Run: ``.venv/bin/python benchmarks/bench_import.py`` (prints, asserts nothing);
``--examples N`` also runs the pdf → import-sheet round trip over N random generated sheets
(the test suite runs 8, with a fixed seed).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.core import interchange  # noqa: E402
from desktop.core.sheet_import import agreement, import_file  # noqa: E402
from desktop.pdf import render_sheet  # noqa: E402

INPUTS = [
    ("seed 000 text → mofa-r01", ROOT / "tests/fixtures/import/seed000_r01_iom.txt", ROOT / "resources/demo/000_iom_r01.json"),
    ("seed 001 text → mofa-h30", ROOT / "tests/fixtures/import/seed001_h30_iom.txt", ROOT / "resources/demo/001_iom_h30.json"),
]


def line(name: str, path: Path, demo: Path) -> None:
    expected = json.loads(demo.read_text(encoding="utf-8"))["values"]
    t = time.perf_counter()
    result = import_file(path)
    ms = (time.perf_counter() - t) * 1000
    ok, total, differ = agreement(result.form, expected, result.values)
    print(f"import-sheet {name:<28} {ms:7.0f} ms  {ok}/{total} fields equal ({ok / total:.1%})"
          + (f"  differ: {', '.join(differ)}" if differ else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    for name, path, demo in INPUTS:
        line(name, path, demo)
    with tempfile.TemporaryDirectory() as tmp:
        from tests.support.make_docx import build_docx

        for demo in (ROOT / "resources/demo/000_iom_r01.json", ROOT / "resources/demo/001_iom_h30.json"):
            doc = interchange.load_file(demo)
            pdf = Path(tmp) / f"{demo.stem}.pdf"
            render_sheet(doc.form, doc.values, pdf)
            line(f"hyoka PDF of {demo.stem}", pdf, demo)
            docx = build_docx(doc.form, doc.values, Path(tmp) / f"{demo.stem}.docx")
            line(f"Word file of {demo.stem}", docx, demo)
    if args.examples:
        from hypothesis import settings

        from tests.core import test_sheet_import_roundtrip as rt

        t = time.perf_counter()
        inner = rt.test_generated_full_sheets_round_trip.hypothesis.inner_test  # type: ignore[attr-defined]
        test = settings(max_examples=args.examples, deadline=None, derandomize=False)(
            rt.given(data=rt.st.data(), form_id=rt.st.sampled_from(["mofa-r01", "mofa-h30"]))(
                lambda data, form_id: inner(Path(tempfile.mkdtemp()), data, form_id, None)))
        test()
        print(f"round trip over {args.examples} generated sheets: {time.perf_counter() - t:.1f} s, all equal")


if __name__ == "__main__":
    main()
