"""Mutated interchange files through validate and import: no traceback, exit 0/1/2, a failed import changes nothing."""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import main
from tests.conftest import DEMO_H30, DEMO_R01
from tests.support.mutate import mutate

DOCS = [json.loads(p.read_text(encoding="utf-8")) for p in (DEMO_R01, DEMO_H30)]


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        assert main(["import", "--db", str(folder / "f.sqlite3"), str(DEMO_R01), str(DEMO_H30)]) == 0
        yield folder


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.sampled_from([0, 1]))
def test_mutated_files_never_crash_and_failed_imports_change_nothing(workdir: Path, capsys, seed: int,
                                                                    which: int) -> None:
    db = workdir / "f.sqlite3"
    path = workdir / "in.json"
    path.write_bytes(mutate(DOCS[which], random.Random(seed)))
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "予期しない" not in err and "Traceback" not in err
    before = dump(db)
    code = main(["import", "--db", str(db), str(path)])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "予期しない" not in err and "Traceback" not in err
    if code != 0:
        assert dump(db) == before
