"""``hyoka pdf``: print one sheet, the demo sheet, or a whole year as a batch."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop.core import interchange, safe_files
from desktop.core.definition import FormDef
from desktop.core.i18n import _
from desktop.core.values import Values

if TYPE_CHECKING:
    from desktop.core.store import Store


class PdfCommandError(Exception):
    pass


def _render(form: FormDef, values: Values, out: Path, label: str, page_numbers: bool | None = None) -> int:
    """Render into a temp file beside ``out``, then rename: a full disk never leaves a 0-byte PDF."""
    from desktop.pdf import render_sheet

    with safe_files.replacing(out) as tmp:
        report = render_sheet(form, values, tmp, page_numbers=page_numbers)
    for f in report.findings:
        print(f"{label}\t{f.line()}", file=sys.stderr)
    return report.pages


def _numbers(args: argparse.Namespace) -> bool | None:
    """``--page-numbers`` asks for 「n / N」 footers; without it the format decides (off on the official sheets)."""
    return True if getattr(args, "page_numbers", False) else None


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")[:60] or "sheet"


def _end_process(status: int) -> NoReturn:
    """End the process now that everything is written: the PDF is closed and renamed into
    place, the caches are saved and a store is closed. Python's own shutdown would free
    ReportLab's and the fonts' objects one by one and collect garbage once more, 4 % of a
    ``hyoka pdf``, for nothing; only the standard streams still need flushing."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken pipe: let Python's shutdown report it
        sys.exit(status)
    os._exit(status)


def run_pdf(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    """``hyoka pdf``. As the process's own command (``args.own_process``) the process ends
    here once the PDF is written (:func:`_end_process`), and printing one sheet runs without
    the cyclic garbage collector (turned off by ``cli.cmd_pdf`` before this module is
    imported), whose passes over ReportLab's and the fonts' objects only cost time in a
    process that ends right after."""
    status = _run_pdf(args, open_store)
    if getattr(args, "own_process", False):
        _end_process(status)
    return status


def _run_pdf(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    from desktop.cli import CliError
    from desktop.pdf import FontError

    out = Path(args.output)
    try:
        if args.all:
            return _batch(args, open_store, out)
        if args.demo:
            doc = interchange.load_file(interchange.demo_files()[0])
            pages = _render(doc.form, doc.values, out, "demo", _numbers(args))
        elif args.target is None:
            raise CliError(_("印刷するシートの番号か交換ファイル，又は --demo / --all を指定してください。"), 2)
        elif args.target.isdigit():
            with open_store(args) as store:
                sheet = store.get_sheet(int(args.target))
            pages = _render(sheet.form, sheet.values, out, str(sheet.id), _numbers(args))
        else:
            doc = interchange.load_file(args.target)
            pages = _render(doc.form, doc.values, out, args.target, _numbers(args))
    except FontError as exc:  # several lines of install help, folded into the one error line
        raise CliError(" ".join(line.strip() for line in str(exc).splitlines())) from None
    except safe_files.FileProblem:
        raise
    except OSError as exc:
        raise CliError(_("{path} に書き込めません：{error}").format(path=out, error=exc.strerror or exc)) from None
    print(_("{path}（{pages} ページ）を作成しました。").format(path=out, pages=pages))
    return 0


def _batch(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store], out_dir: Path) -> int:
    """Print every sheet; one that cannot be printed is reported and skipped, and the
    exit status is 1 once all the others are written."""
    from desktop.pdf import FontError

    out_dir.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    with open_store(args) as store:
        sheets = store.list_sheets(year=args.year)
        total = len(sheets)
        for n, summary in enumerate(sheets, 1):
            path = out_dir / f"{summary.id:04d}.pdf"
            try:
                sheet = store.get_sheet(summary.id)
                path = out_dir / f"{sheet.fiscal_year or 'nofy'}_{sheet.id:04d}_{_safe_name(sheet.contribution)}.pdf"
                pages = _render(sheet.form, sheet.values, path, str(sheet.id), _numbers(args))
            except FontError:
                raise  # no font: nothing can print, stop at once
            except Exception as exc:  # one bad sheet must not stop the batch
                path.unlink(missing_ok=True)
                failed.append(str(summary.id))
                print(_("hyoka: シート {id} を印刷できません：{kind}: {error}").format(
                    id=summary.id, kind=type(exc).__name__, error=exc), file=sys.stderr)
                continue
            print(f"[{n}/{total}] {path}（{pages}）", file=sys.stderr)
    print(_("{n} 件の PDF を {dir} に作成しました。").format(n=total - len(failed), dir=out_dir))
    if failed:
        print(_("hyoka: {n} 件のシートを印刷できませんでした：{ids}").format(n=len(failed), ids=", ".join(failed)),
              file=sys.stderr)
        return 1
    return 0
