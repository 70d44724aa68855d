"""BudouX's phrases of label lines kept between runs (desktop/pdf/phrases.py): a print
whose labels are known loads no BudouX, and a stale or damaged entry is segmented again."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import budoux
import pytest

from desktop.core import disk_cache
from desktop.pdf import phrases
from tests.conftest import ROOT

LINES = ["国際機関等の中期的な戦略目標への貢献", "予算額・決算額の差（前年度）", "日本人職員・ポストの状況等"]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A fresh cache folder; yields the lines BudouX itself segmented."""
    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "cache"))
    parsed: list[str] = []
    real = phrases._segmenter()

    class Counting:
        def parse(self, line: str) -> list[str]:
            parsed.append(line)
            out: list[str] = real.parse(line)
            return out

    monkeypatch.setattr(phrases, "_segmenter", Counting)
    phrases.forget()
    yield parsed
    phrases.forget()


def test_phrases_come_back_from_the_cache_as_budoux_made_them(cache: list[str]) -> None:
    parser = budoux.load_default_japanese_parser()
    assert [phrases.segment(line) for line in LINES] == [parser.parse(line) for line in LINES]
    assert cache == LINES
    phrases.save()
    phrases.forget()  # as a new process
    assert [phrases.segment(line) for line in LINES] == [parser.parse(line) for line in LINES]
    assert cache == LINES  # nothing segmented again
    phrases.segment("評価基準４")
    assert cache == [*LINES, "評価基準４"]  # a new line is segmented …
    phrases.save()
    phrases.forget()
    phrases.segment("評価基準４")
    assert cache == [*LINES, "評価基準４"]  # … and stored with the others


def test_a_stale_or_damaged_entry_is_segmented_again(cache: list[str]) -> None:
    ident = phrases.model_identity()
    assert ident is not None
    wrong = {LINES[0]: ["違う", "文"], LINES[1]: [1, 2], LINES[2]: "not a list"}
    disk_cache.write(phrases.NAME, ident, wrong)
    phrases.forget()
    parser = budoux.load_default_japanese_parser()
    assert [phrases.segment(line) for line in LINES] == [parser.parse(line) for line in LINES]
    assert cache == LINES  # none of the damaged phrases was used
    good = {line: parser.parse(line) for line in LINES}
    disk_cache.write(phrases.NAME, (phrases.FORMAT + 1, *ident[1:]), good)  # another BudouX / layout
    phrases.forget()
    phrases.segment(LINES[0])
    assert cache == [*LINES, LINES[0]]


def test_a_second_print_loads_no_budoux_and_prints_the_same(tmp_path: Path) -> None:
    env = {**os.environ, disk_cache.ENV_VAR: str(tmp_path / "cache")}
    code = ("import sys\nfrom desktop.cli import main\n"
            "status = main(['pdf', '--demo', '-o', sys.argv[1]])\n"
            "print(status, 'budoux' in sys.modules)")
    seen = []
    for out in ("first.pdf", "second.pdf"):
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path / out)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.strip().splitlines()[-1])
    assert seen == ["0 True", "0 False"]
    assert (tmp_path / "cache" / phrases.NAME).is_file()
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()
