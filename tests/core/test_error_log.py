"""The record of a program error: appended with its traceback, kept to a size, never raising."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop.core import error_log


def _raised(message: str) -> tuple[type[BaseException], BaseException, object]:
    try:
        raise ValueError(message)
    except ValueError:
        info = sys.exc_info()
    assert info[0] is not None and info[1] is not None
    return info[0], info[1], info[2]


def test_an_error_is_appended_with_its_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYOKA_LOG_DIR", str(tmp_path / "logs"))
    first = error_log.record(*_raised("最初の誤り"), version="1.2.3")  # type: ignore[arg-type]
    second = error_log.record(*_raised("second"))  # type: ignore[arg-type]
    assert first == second == tmp_path / "logs" / "errors.log"
    text = first.read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 2
    assert "ValueError: 最初の誤り" in text and "ValueError: second" in text and "hyoka 1.2.3" in text
    assert "test_error_log.py" in text  # where it happened


def test_the_log_is_kept_to_its_size_with_one_older_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYOKA_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(error_log, "LIMIT", 3000)
    for i in range(20):
        error_log.record(*_raised(f"error {i}"))  # type: ignore[arg-type]
    log, older = tmp_path / "errors.log", tmp_path / "errors.log.1"
    assert log.stat().st_size <= 3000 and older.stat().st_size <= 3000
    assert "error 19" in log.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.log", "errors.log.1"]


def test_a_log_that_cannot_be_written_gives_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("HYOKA_LOG_DIR", str(blocker / "logs"))  # a folder inside a file
    assert error_log.record(*_raised("lost")) is None  # type: ignore[arg-type]
