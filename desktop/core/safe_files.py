"""Reading input files and replacing output files without surprises.

Input: only regular files, size checked before reading (a FIFO or ``/dev/zero``
never hangs the program or fills memory). Output: written to a temp file beside
the target, flushed, then renamed over it, so a full disk or a crash never
leaves half a file; device nodes, folders and read-only files are refused with a
message instead of being replaced, a symlink is followed (the link stays), and
the target keeps its permissions. When the rename fails because another program
holds the file open (a PDF viewer on Windows), the new content is kept under a
name that the message gives.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.core.i18n import _


class FileProblem(OSError):
    """A file cannot be read or written; the message names it and says why."""


def read_limited(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise FileProblem(_("{path} を読めません：{error}").format(path=path, error=exc.strerror or exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise FileProblem(_("{path} はフォルダです。ファイルを指定してください。").format(path=path))
    if not stat.S_ISREG(st.st_mode):
        raise FileProblem(_("{path} は通常のファイルではありません（デバイスやパイプは読みません）。").format(path=path))
    if st.st_size > limit:
        raise FileProblem(_("{path} は大きすぎます（{size} MB。上限 {mb} MB）。").format(
            path=path, size=st.st_size // 2**20, mb=limit // 2**20))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise FileProblem(_("{path} を読めません：{error}").format(path=path, error=exc.strerror or exc)) from None
    if len(raw) > limit:  # grew while we looked
        raise FileProblem(_("{path} は大きすぎます（上限 {mb} MB）。").format(path=path, mb=limit // 2**20))
    return raw


def _target(path: Path) -> tuple[Path, int | None]:
    """The real file to replace (symlinks followed) and its permission bits, or None if new."""
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise FileProblem(_("{path} に書き込めません：フォルダ {folder} がありません。").format(
                path=path, folder=real.parent)) from None
        return real, None
    except OSError as exc:
        raise FileProblem(_("{path} に書き込めません：{error}").format(path=path, error=exc.strerror or exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise FileProblem(_("{path} はフォルダです。ファイル名を指定してください。").format(path=path))
    if not stat.S_ISREG(st.st_mode):
        raise FileProblem(_("{path} は通常のファイルではないため書き込みません（デバイスやパイプなど）。").format(path=path))
    if not st.st_mode & stat.S_IWUSR:
        raise FileProblem(_("{path} は読み取り専用のファイルです。別の名前で保存してください。").format(path=path))
    return real, stat.S_IMODE(st.st_mode)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_error(path: Path, exc: OSError) -> FileProblem:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return FileProblem(_("{path} に書き込めません：ディスクの空きが足りません。何も変更していません。").format(path=path))
    return FileProblem(_("{path} に書き込めません：{error}").format(path=path, error=exc.strerror or exc))


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temp path beside ``path``; when the block succeeds it replaces ``path``."""
    path = Path(path)
    real, mode = _target(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".hyoka-", suffix=real.suffix or ".tmp", dir=real.parent)
    except OSError as exc:
        raise _write_error(path, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else _new_file_mode())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        os.replace(tmp, real)
    except PermissionError:
        kept = real.with_name(f"{real.stem}（新しい版）{real.suffix}")
        try:
            os.replace(tmp, kept)
        except OSError:
            kept = tmp
        raise FileProblem(_(
            "{path} は別のプログラム（PDF ビューアーなど）で開かれているため置き換えられません。"
            "新しい内容は {kept} に保存しました。"
        ).format(path=path, kept=kept)) from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(path, exc) from None


def write_bytes(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`replacing`)."""
    with replacing(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
