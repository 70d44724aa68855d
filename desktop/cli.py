"""``hyoka``: the command line (also ``python -m desktop``).

Every command takes ``--db PATH`` (or ``HYOKA_DB``). Errors are one clear line on
stderr and a non-zero exit, never a traceback. ``hyoka gui`` starts the desktop
app; everything else runs without Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop.core import interchange, validation
from desktop.core.definition import DefinitionError
from desktop.core.i18n import _, set_language
from desktop.core.store import Store, StoreError, default_db_path

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
STATUS_LABELS = {"draft": "作成中", "complete": "完了"}


class CliError(Exception):
    """Printed as one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _store(args: argparse.Namespace) -> Store:
    return Store(Path(args.db) if args.db else default_db_path())


def _sheet_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CliError(_("シート番号は整数で指定してください：{value}").format(value=text), 2) from None


def cmd_validate(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    for name in args.files:
        if len(args.files) > 1:
            print(f"==> {name} <==", file=sys.stderr)
        try:
            doc = interchange.load_file(name)
        except interchange.InterchangeError as exc:
            print(str(exc), file=sys.stderr)
            worst = EXIT_UNREADABLE
            continue
        findings = validation.validate(doc.form, doc.values)
        for f in findings:
            print(f.line())
        if findings and worst == EXIT_OK:
            worst = EXIT_FINDINGS
    return worst


def cmd_import(args: argparse.Namespace) -> int:
    try:
        docs = [interchange.load_file(name) for name in args.files]
    except interchange.InterchangeError as exc:
        raise CliError(str(exc), EXIT_UNREADABLE) from None
    with _store(args) as store, store.transaction():
        ids = [interchange.import_document(store, doc, as_new=args.as_new) for doc in docs]
    for name, sid in zip(args.files, ids, strict=True):
        print(_("{file} → シート {id}").format(file=name, id=sid))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    with _store(args) as store:
        doc = interchange.export_sheet(store, _sheet_id(args.sheet))
    if args.output == "-":
        sys.stdout.write(interchange.dumps(doc))
    else:
        try:
            interchange.write_file(doc, args.output)
        except OSError as exc:
            raise CliError(_("{path} に書き込めません：{error}").format(path=args.output, error=exc.strerror or exc)) from None
    return EXIT_OK


def _rows(sheets: Sequence) -> list[dict]:
    return [
        {
            "id": s.id, "fiscal_year": s.fiscal_year, "format": s.format, "status": s.status,
            "organization": s.organization, "contribution": s.contribution, "updated": s.updated,
            "revision": s.revision, "uuid": s.uuid, "deleted": s.deleted,
        }
        for s in sheets
    ]


def _print_sheets(sheets: Sequence, as_json: bool) -> None:
    rows = _rows(sheets)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        print(_("シートはありません。"), file=sys.stderr)
        return
    print("\t".join([_("番号"), _("年度"), _("様式"), _("状態"), _("拠出先"), _("拠出金名"), _("最終更新")]))
    for r in rows:
        print("\t".join(str(x) for x in (
            r["id"], r["fiscal_year"] or "", r["format"], _(STATUS_LABELS.get(r["status"], r["status"])),
            r["organization"], r["contribution"], r["updated"][:19].replace("T", " "),
        )))


def cmd_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        _print_sheets(store.list_sheets(year=args.year, deleted_only=args.deleted), args.json)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    with _store(args) as store:
        found = store.search(args.text)
    _print_sheets(found, args.json)
    return EXIT_OK if found else EXIT_FINDINGS


def cmd_history(args: argparse.Namespace) -> int:
    with _store(args) as store:
        revs = store.history(_sheet_id(args.sheet))
    if args.json:
        print(json.dumps([r.__dict__ for r in revs], ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in revs:
        print(f"{r.number}\t{r.created[:19].replace('T', ' ')}\t{r.kind}\t{_(STATUS_LABELS.get(r.status, r.status))}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    with _store(args) as store:
        number = store.restore_revision(_sheet_id(args.sheet), args.revision)
    print(_("版 {old} を復元しました（新しい版 {new}）。").format(old=args.revision, new=number))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    with _store(args) as store:
        ids = store.seed_demo()
    print(_("デモのシートを読み込みました：{ids}").format(ids=", ".join(map(str, ids))))
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    from desktop.pdf_commands import run_pdf

    return run_pdf(args, _store)


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.gui.app import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=_("データベースのファイル（既定：HYOKA_DB またはユーザーのデータフォルダ）"))
    common.add_argument("--lang", choices=("ja", "en"), help=_("表示言語"))
    parser = argparse.ArgumentParser(prog="hyoka", description=_("国際機関等への拠出金等に対する評価シート"), parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", parents=[common], help=_("交換ファイルを検証する"))
    p.add_argument("files", nargs="+", metavar="FILE.json")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("import", parents=[common], help=_("交換ファイルを取り込む"))
    p.add_argument("files", nargs="+", metavar="FILE.json")
    p.add_argument("--as-new", action="store_true", help=_("同じ UUID のシートがあっても新しいシートとして取り込む"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help=_("シートを交換ファイルに書き出す"))
    p.add_argument("sheet", metavar="SHEET_ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("list", parents=[common], help=_("シートの一覧"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--year", type=int)
    p.add_argument("--deleted", action="store_true", help=_("削除済み（ごみ箱）のシート"))
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("search", parents=[common], help=_("全文検索"))
    p.add_argument("text")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("history", parents=[common], help=_("シートの版の履歴"))
    p.add_argument("sheet", metavar="SHEET_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("restore", parents=[common], help=_("以前の版を復元する"))
    p.add_argument("sheet", metavar="SHEET_ID")
    p.add_argument("revision", type=int, metavar="REVISION")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("demo", parents=[common], help=_("デモのシートを取り込む"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("pdf", parents=[common], help=_("PDF を作成する"))
    p.add_argument("target", nargs="?", metavar="SHEET_ID|FILE.json")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf|DIR")
    p.add_argument("--demo", action="store_true", help=_("デモの令和元年度シートを印刷する"))
    p.add_argument("--all", action="store_true", help=_("全シートを一括で印刷する（--year で絞り込み）"))
    p.add_argument("--year", type=int)
    p.set_defaults(func=cmd_pdf)

    p = sub.add_parser("gui", parents=[common], help=_("デスクトップアプリを起動する"))
    p.add_argument("--sheet", type=int, help=_("開くシートの番号"))
    p.add_argument("--tab", type=int, default=0, help=_("表示するタブ（0 から）"))
    p.add_argument("--screenshot", metavar="OUT.png", help=_("画面を画像に保存して終了する"))
    p.add_argument("--size", default="1366x768", help=_("ウィンドウの大きさ（例：1366x768）"))
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = None
    if "--lang" in argv:
        i = argv.index("--lang")
        lang = argv[i + 1] if i + 1 < len(argv) else None
    set_language(lang)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if not argv:
            args = parser.parse_args(["gui"])
        else:
            parser.print_help(sys.stderr)
            return EXIT_UNREADABLE
    try:
        return args.func(args)
    except CliError as exc:
        print(f"hyoka: {exc}", file=sys.stderr)
        return exc.code
    except (StoreError, interchange.InterchangeError) as exc:
        print(f"hyoka: {exc}", file=sys.stderr)
        return EXIT_FINDINGS if isinstance(exc, StoreError) else EXIT_UNREADABLE
    except DefinitionError as exc:  # no format at all, or a broken format file
        print(f"hyoka: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        print(_("hyoka: 予期しないエラー：{kind}: {error}").format(kind=type(exc).__name__, error=exc), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
