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
from typing import TYPE_CHECKING, Any

from desktop.core import records
from desktop.core.definition import DefinitionError, UnknownFormatError
from desktop.core.i18n import _, set_language
from desktop.core.records import StoreError
from desktop.lazy import lazy_module

if TYPE_CHECKING:  # the database module loads only for commands that open one (not ``pdf --demo``)
    from desktop.core import backup, interchange, safe_files, validation
    from desktop.core.store import Sheet, Store
else:  # loaded by the commands that use them, not on the way to the app's first window
    backup = lazy_module("desktop.core.backup")
    interchange = lazy_module("desktop.core.interchange")
    safe_files = lazy_module("desktop.core.safe_files")
    validation = lazy_module("desktop.core.validation")

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
MAX_ID = 2**63 - 1
STATUS_LABELS = {"draft": "作成中", "complete": "完了"}


class CliError(Exception):
    """Printed as one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# A command waits longer than the app (3 s, it must not freeze) for another program's write
# to finish: on a busy terminal two imports at once otherwise failed with 「使用中」.
CLI_LOCK_WAIT = 15.0


def _store(args: argparse.Namespace) -> Store:
    from desktop.core.store import Store

    return Store(_db_path(args), timeout=CLI_LOCK_WAIT)


def _sheet_id(text: str) -> int:
    shown = text if len(text) <= 40 else text[:40] + "…"
    try:
        value = int(text) if len(text) <= 40 else MAX_ID + 1
    except ValueError:
        raise CliError(_("シート番号は整数で指定してください：{value}").format(value=shown), 2) from None
    if not 1 <= value <= MAX_ID:
        raise CliError(_("シート番号 {value} は範囲外です。").format(value=shown), 2)
    return value


def _year(text: str) -> int:
    """``--year``: a western fiscal year (argparse turns the ValueError into a usage error, exit 2)."""
    if len(text) > 6 or not text.strip().lstrip("-").isdigit():
        raise argparse.ArgumentTypeError(_("年度は西暦の整数で指定してください：{value}").format(value=text[:40]))
    year = int(text)
    if not 1 <= year <= 9999:
        raise argparse.ArgumentTypeError(_("年度 {value} は範囲外です。").format(value=year))
    return year


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


def _import_line(name: str, result: interchange.ImportResult) -> str:
    if result.status == interchange.IMPORTED:
        return _("{file}：取り込みました（シート {id}）").format(file=name, id=result.sheet_id)
    if result.status == interchange.UNCHANGED:
        return _("{file}：変更なし（シート {id} と同じ内容です）").format(file=name, id=result.sheet_id)
    if result.status == interchange.CONFLICT:
        return _("{file}：競合 — {message} ファイルの内容を採るには --theirs，両方を残すには --as-new を付けてください。").format(
            file=name, message=result.message)
    return _("{file}：取り込めません — {message}").format(file=name, message=result.message)


class _Rollback(Exception):
    pass


def cmd_import(args: argparse.Namespace) -> int:
    """Each file is its own transaction (``--atomic``: all or nothing); a line per file.
    A folder stands for every ``*.json`` in it; with more than one file a summary line ends the output."""
    on_conflict = "theirs" if args.theirs else "refuse"
    paths = interchange.expand_paths(args.files)
    if not paths:
        raise CliError(_("取り込む .json ファイルがありません：{files}").format(files=" ".join(args.files)), EXIT_UNREADABLE)
    if args.atomic:
        return _import_atomic(args, paths, on_conflict)

    def show(_done: int, _total: int, o: interchange.FileOutcome) -> None:
        if o.result is None:
            print(_("{file}：読めません — {message}").format(file=o.path, message=o.error), file=sys.stderr)
        else:
            print(_import_line(str(o.path), o.result), file=sys.stdout if o.result.ok else sys.stderr)

    with _store(args) as store:
        outcomes = interchange.import_files(store, paths, on_conflict=on_conflict, as_new=args.as_new, progress=show)
    if len(outcomes) > 1:
        print(interchange.summary_line(outcomes), file=sys.stderr)
    if any(o.result is None for o in outcomes):
        return EXIT_UNREADABLE
    return EXIT_OK if all(o.result is not None and o.result.ok for o in outcomes) else EXIT_FINDINGS


def _import_atomic(args: argparse.Namespace, paths: list[Path], on_conflict: str) -> int:
    loaded: list[tuple[str, interchange.Document]] = []
    unreadable = False
    for path in paths:
        try:
            loaded.append((str(path), interchange.load_file(path)))
        except interchange.InterchangeError as exc:
            unreadable = True
            print(_("{file}：読めません — {message}").format(file=path, message=exc), file=sys.stderr)
    if unreadable:
        print(_("--atomic のため何も取り込みませんでした。"), file=sys.stderr)
        return EXIT_UNREADABLE
    results: list[tuple[str, interchange.ImportResult]] = []
    with _store(args) as store:
        try:
            with store.transaction():
                for name, doc in loaded:
                    results.append((name, interchange.import_document(
                        store, doc, on_conflict=on_conflict, as_new=args.as_new)))
                if not all(r.ok for _n, r in results):
                    raise _Rollback
        except _Rollback:
            for name, r in results:
                if not r.ok:
                    print(_import_line(name, r), file=sys.stderr)
            print(_("--atomic のため何も取り込みませんでした。"), file=sys.stderr)
            return EXIT_FINDINGS
    for name, r in results:
        print(_import_line(name, r))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    with _store(args) as store:
        try:
            doc = interchange.export_sheet(store, _sheet_id(args.sheet), schema_version=args.schema)
        except interchange.ReviewNeedsV2 as exc:
            raise CliError(str(exc), EXIT_FINDINGS) from None
    if args.output == "-":
        try:
            sys.stdout.write(interchange.dumps(doc))
            sys.stdout.flush()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise CliError(_("標準出力に書き込めません：{error}").format(error=exc.strerror or exc)) from None
    else:
        interchange.write_file(doc, args.output)
    return EXIT_OK


def _rows(sheets: Sequence[Sheet]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id, "fiscal_year": s.fiscal_year, "format": s.format, "status": s.status,
            "organization": s.organization, "contribution": s.contribution, "updated": s.updated,
            "revision": s.revision, "uuid": s.uuid, "deleted": s.deleted,
        }
        for s in sheets
    ]


def _print_sheets(sheets: Sequence[Sheet], as_json: bool) -> None:
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


def _db_path(args: argparse.Namespace) -> Path:
    from desktop.core.store import default_db_path

    return Path(args.db).expanduser() if args.db else default_db_path()


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop.core.backup import take_backup

    path = take_backup(_db_path(args), "manual")
    print(_("バックアップを作成しました：{path}").format(path=path))
    return EXIT_OK


def cmd_backups(args: argparse.Namespace) -> int:
    from desktop.core.backup import list_backups

    backups = list_backups(_db_path(args))
    if args.json:
        print(json.dumps([{"path": str(b.path), "created": b.created.isoformat(), "kind": b.kind, "sheets": b.sheets}
                          for b in backups], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not backups:
        print(_("バックアップはありません。"), file=sys.stderr)
        return EXIT_OK
    for b in backups:
        sheets = "?" if b.sheets is None else str(b.sheets)
        print(f"{b.created.astimezone():%Y-%m-%d %H:%M}\t{b.kind}\t{sheets}\t{b.path}")
    return EXIT_OK


def cmd_restore_backup(args: argparse.Namespace) -> int:
    from desktop.core.backup import restore_backup

    target = restore_backup(Path(args.backup), Path(args.output))
    print(_("バックアップを新しいデータベース {path} に復元しました（今のデータベースは変更していません）。").format(path=target))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Damaged sheet records, sheets whose format is not installed, and the sheets checked together
    (``--year`` restricts that part): one finding per line, exit 1 when there are any."""
    from desktop.core import yearcheck
    from desktop.core.definition import all_forms

    with _store(args) as store:
        store.check_integrity()
        damaged = store.damaged_sheets()
        forms = all_forms()
        missing = [s for s in store.list_sheets(include_deleted=True) if s.format not in forms]
        findings = yearcheck.check_year(store, args.year)
    for sid in damaged:
        print(_("シート {id}：記録が壊れています（hyoka repair {id} で最後の正常な版から復元できます）").format(id=sid))
    for s in missing:
        print(_("シート {id}：様式 {form} がこの端末にありません（開くにはその様式の定義ファイルが必要です）").format(
            id=s.id, form=s.format))
    for f in findings:
        print(f.line())
    if findings:
        counts = {k: sum(f.kind == k for f in findings) for k in yearcheck.KINDS}
        print(_("{n} 件：共通項目の相違 {shared}，重複 {duplicate}，評価の未入力 {rating}，期限後の作成中 {overdue}，未解決の指摘 {comment}").format(
            n=len(findings), **counts), file=sys.stderr)
    return EXIT_FINDINGS if damaged or missing or findings else EXIT_OK


def cmd_forms(args: argparse.Namespace) -> int:
    """``forms list``: every installed format and version, where it was found, and the warnings;
    ``forms check FILE``: every error of the file, one line each (``FILE: table path: message``, the
    line for a syntax error), then how many, exit 1."""
    from desktop.core import definition

    if args.forms_command == "doc":
        from desktop.core.formdoc import markdown

        form = definition.get_form(args.format)
        file = definition.form_registry().files.get((form.id, form.version))
        print(markdown(form, file.raw if file is not None else None))
        return EXIT_OK
    if args.forms_command == "check":
        name = Path(args.file).name
        try:
            form = definition.load_definition(Path(args.file))
            try:
                installed = definition.all_forms()
            except DefinitionError:
                installed = {}  # another broken format file: this one is checked on its own
            errors = [f"{name}: {e}" for e in definition.carry_source_errors(form, {**installed, form.id: form})]
        except DefinitionError as exc:
            errors = exc.errors
        if errors:
            for line in errors:
                print(line)
            print(_("{file}：誤りが {n} 件あります。").format(file=name, n=len(errors)))
            return EXIT_FINDINGS
        print(_("{file}：誤りはありません（様式 {form} 第{version}版，{n} 項目）。").format(
            file=args.file, form=form.id, version=form.version, n=len(form.fields)))
        return EXIT_OK
    reg = definition.form_registry()
    current = definition.all_forms()
    for (form_id, version), form in sorted(reg.forms.items()):
        file = reg.files[(form_id, version)]
        mark = "*" if current[form_id] is form else " "
        print(f"{mark}{form_id}\t{version}\t{form.name}\t{file.origin}\t{file.path}")
    for warning in reg.warnings:
        print(warning, file=sys.stderr)
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    """The database's settings: the author of review comments, organisation aliases, deadlines."""
    from datetime import date

    with _store(args) as store:
        if args.key is None:
            settings = store.settings()
            print(f"author\t{settings.get('author', '')}")
            for alias, name in sorted(store.org_aliases().items()):
                print(f"alias\t{alias}\t{name}")
            for year, day in sorted((settings.get("deadlines") or {}).items()):
                print(f"deadline\t{year}\t{day}")
            return EXIT_OK
        values = args.values
        if args.key == "author":
            if len(values) > 1:
                raise CliError(_("名前は一つの引数で指定してください（空白を含むときは引用符で囲みます）。"), EXIT_UNREADABLE)
            if not values:
                print(store.author)
                return EXIT_OK
            name = " ".join(values[0].split())
            store.set_setting("author", name or None)
            print(_("指摘の記入者を「{name}」にしました。").format(name=name))
            return EXIT_OK
        if args.key == "alias":
            aliases = store.org_aliases()
            if not values and args.remove:
                aliases.pop(args.remove, None)
            elif len(values) == 2 and not args.remove:
                aliases[values[0]] = values[1]
            else:
                raise CliError(_("使い方：hyoka config alias 別名 機関名／hyoka config alias --remove 別名"), EXIT_UNREADABLE)
            store.set_setting("org_aliases", aliases or None)
            return EXIT_OK
        deadlines = dict(store.get_setting("deadlines", {}) or {})
        if not values and args.remove:
            deadlines.pop(str(_year_of(args.remove)), None)
        elif len(values) == 2 and not args.remove:
            try:
                day = date.fromisoformat(values[1])
            except ValueError:
                raise CliError(_("期限は 2020-08-31 の形で指定してください：{value}").format(value=values[1][:40]),
                               EXIT_UNREADABLE) from None
            deadlines[str(_year_of(values[0]))] = day.isoformat()
        else:
            raise CliError(_("使い方：hyoka config deadline 年度 YYYY-MM-DD／hyoka config deadline --remove 年度"),
                           EXIT_UNREADABLE)
        store.set_setting("deadlines", deadlines or None)
    return EXIT_OK


def cmd_comment(args: argparse.Namespace) -> int:
    """Add a review comment, resolve one, or list a sheet's comments."""
    with _store(args) as store:
        if args.resolve or args.reopen:
            c = store.resolve_comment(args.resolve or args.reopen, resolved=bool(args.resolve))
            print(_("指摘 {id} を{state}にしました。").format(
                id=c.id[:8], state=_("解決済み") if c.status == "resolved" else _("未解決")))
            return EXIT_OK
        if args.sheet is None:
            raise CliError(_("シート番号を指定してください。"), EXIT_UNREADABLE)
        sid = _sheet_id(args.sheet)
        if args.text:
            c = store.add_comment(sid, args.text, field_id=args.field or "")
            print(c.id)
            return EXIT_OK
        for c in store.comments(sid):
            state = _("未解決") if c.is_open else _("解決済み")
            print("\t".join([c.id, c.field_id or "-", state, c.author, c.created[:10], " ".join(c.text.split())]))
    return EXIT_OK


def _year_of(text: str) -> int:
    try:
        return _year(text)
    except argparse.ArgumentTypeError as exc:
        raise CliError(str(exc), EXIT_UNREADABLE) from None


def cmd_overview(args: argparse.Namespace) -> int:
    from desktop.core import overview

    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".csv", ".pdf"):
        raise CliError(_("出力ファイルの拡張子は .xlsx，.csv 又は .pdf にしてください：{path}").format(path=args.output),
                       EXIT_UNREADABLE)
    with _store(args) as store:
        table = overview.build(store, args.year)
    if suffix == ".pdf":
        from desktop.pdf.overview import render_overview

        safe_files.write_bytes(args.output, render_overview(table))
    elif suffix == ".xlsx":
        safe_files.write_bytes(args.output, overview.to_xlsx(table))
    else:
        safe_files.write_bytes(args.output, overview.to_csv(table))
    print(_("{year}年度の一覧（{n} 件）を {path} に書き出しました。").format(year=args.year, n=len(table.rows),
                                                                       path=args.output), file=sys.stderr)
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from desktop.pdf.publish import publish_year

    def progress(done: int, total: int, name: str) -> None:
        if args.progress:
            print(f"{done}/{total}\t{name}", file=sys.stderr)

    with _store(args) as store:
        result = publish_year(store, args.year, Path(args.output).expanduser(), progress=progress)
    for sheet_id, why in result.failed:
        print(_("hyoka: シート {id} を印刷できません：{why}").format(id=sheet_id, why=why), file=sys.stderr)
    print(_("{year}年度の公表用一式（シート {n} 件，ファイル {files} 個）を {path} に書き出しました。").format(
        year=args.year, n=len(result.sheets), files=len(result.files), path=args.output), file=sys.stderr)
    return EXIT_FINDINGS if result.failed else EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    with _store(args) as store:
        sid = _sheet_id(args.sheet)
        number = store.last_good_revision(sid)
        new = store.repair_sheet(sid)
    print(_("シート {id} を版 {old} から復元しました（新しい版 {new}）。").format(id=sid, old=number, new=new))
    return EXIT_OK


def cmd_import_sheet(args: argparse.Namespace) -> int:
    from desktop.core import sheet_import
    from desktop.core.sheet_import import report

    path = Path(args.file).expanduser()
    try:
        result = sheet_import.import_file(path, args.format)
    except (sheet_import.SourceError, sheet_import.UnknownSheetError) as exc:
        raise CliError(str(exc), EXIT_UNREADABLE) from None
    except UnknownFormatError as exc:
        raise CliError(_one_line(exc), EXIT_UNREADABLE) from None
    if args.json:
        print(json.dumps(report.json_report(result, path.name), ensure_ascii=False, indent=1, default=str))
    else:
        print(report.text_report(result, path.name))
    if not args.dry_run:
        with _store(args) as store:
            sheet_id = store.create_from_import(result, source=path.name)
        print(_("シート {id} を作成しました（作成中。「取り込み」の印の項目を確認してください）。").format(id=sheet_id),
              file=sys.stderr if args.json else sys.stdout)
    clean = not (result.by_status(sheet_import.UNCERTAIN) or result.findings or result.unplaced)
    return EXIT_OK if clean else EXIT_FINDINGS


def cmd_carry(args: argparse.Namespace) -> int:
    """``hyoka carry SHEET_ID --to FORMAT [--dry-run]``: next year's sheet in another format."""
    with _store(args) as store:
        sid = _sheet_id(args.sheet)
        try:
            plan = store.carry_plan(sid, args.to)
        except UnknownFormatError as exc:
            raise CliError(_one_line(exc), EXIT_UNREADABLE) from None
        print(plan.report())
        if not args.dry_run:
            new = store.create_from_previous(sid, args.to)
            print(_("シート {id} を作成しました（作成中。「前年度から」の印の項目を確認してください）。").format(id=new))
    return EXIT_FINDINGS if plan.note() else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    with _store(args) as store:
        ids = interchange.seed_demo(store)
    print(_("デモのシートを読み込みました：{ids}").format(ids=", ".join(map(str, ids))))
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    if getattr(args, "own_process", False) and not args.all:
        import gc

        gc.disable()  # one sheet, then the process ends (pdf_commands.run_pdf): no collections
    from desktop.pdf_commands import run_pdf

    return run_pdf(args, _store)


def cmd_gui(args: argparse.Namespace) -> int:
    import gc

    gc.disable()  # until the window is shown: see desktop.gui.app.run (which turns it back on)
    from desktop.gui.app import run

    return run(args)


def _common(default: object) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default, help=_("データベースのファイル（既定：HYOKA_DB またはユーザーのデータフォルダ）"))
    common.add_argument("--lang", default=default, choices=("ja", "en"), help=_("表示言語"))
    return common


def build_parser(*, only_gui: bool = False) -> argparse.ArgumentParser:
    """Every command; ``only_gui``: the ``gui`` command alone, which parses a start of the app
    the same way in a fifth of the time (25 sub-parsers and their translated help took 12 ms)."""
    # Global options work before or after the command: the sub-commands' copies
    # default to SUPPRESS so they never overwrite a value given before the command.
    parser = argparse.ArgumentParser(prog="hyoka", description=_("国際機関等への拠出金等に対する評価シート"),
                                     parents=[_common(None)])
    common = _common(argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only_gui:
        _add_gui(sub, common)
        return parser

    p = sub.add_parser("validate", parents=[common], help=_("交換ファイルを検証する"))
    p.add_argument("files", nargs="+", metavar="FILE.json")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("import", parents=[common], help=_("交換ファイルを取り込む（フォルダならその中の *.json 全部）"))
    p.add_argument("files", nargs="+", metavar="FILE.json|DIR")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--as-new", action="store_true", help=_("同じ UUID のシートがあっても新しいシートとして取り込む（両方残す）"))
    how.add_argument("--theirs", action="store_true", help=_("競合したときファイルの内容を採る（この端末の内容は版として残る）"))
    p.add_argument("--atomic", action="store_true", help=_("一つでも取り込めなければ何も取り込まない"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help=_("シートを交換ファイルに書き出す"))
    p.add_argument("sheet", metavar="SHEET_ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json")
    p.add_argument("--schema", type=int, choices=records.SUPPORTED_VERSIONS, default=records.SCHEMA_VERSION,
                   help=_("交換ファイルの版（1 は未更新の端末向け）"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("list", parents=[common], help=_("シートの一覧"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--year", type=_year)
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

    p = sub.add_parser("backup", parents=[common], help=_("データベースのバックアップを作成する"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backups", parents=[common], help=_("バックアップの一覧"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser("restore-backup", parents=[common], help=_("バックアップを新しいデータベースファイルに復元する"))
    p.add_argument("backup", metavar="BACKUP.sqlite3")
    p.add_argument("-o", "--output", required=True, metavar="NEW.sqlite3")
    p.set_defaults(func=cmd_restore_backup)

    p = sub.add_parser("check", parents=[common],
                       help=_("壊れた記録，未導入の様式のシート，シート間の相違・重複・評価の未入力・期限・未解決の指摘を探す"))
    p.add_argument("--year", type=_year, help=_("シート間の確認をこの年度に限る"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("config", parents=[common], help=_("このデータベースの設定（指摘の記入者，機関の別名，期限）"))
    p.add_argument("key", nargs="?", choices=("author", "alias", "deadline"))
    p.add_argument("values", nargs="*")
    p.add_argument("--remove", metavar="ALIAS|YEAR", help=_("別名又は期限を削除する"))
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("comment", parents=[common], help=_("指摘を付ける，解決済みにする，一覧する"))
    p.add_argument("sheet", nargs="?", metavar="SHEET_ID")
    p.add_argument("text", nargs="?", help=_("指摘の本文（省略するとそのシートの指摘を一覧）"))
    p.add_argument("--field", metavar="FIELD_ID", help=_("指摘を付ける項目（省略するとシート全体）"))
    p.add_argument("--resolve", metavar="COMMENT_ID")
    p.add_argument("--reopen", metavar="COMMENT_ID")
    p.set_defaults(func=cmd_comment)

    p = sub.add_parser("overview", parents=[common], help=_("年度の一覧を XLSX，CSV 又は PDF に書き出す"))
    p.add_argument("--year", type=_year, required=True)
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|FILE.csv|FILE.pdf")
    p.set_defaults(func=cmd_overview)

    p = sub.add_parser("publish", parents=[common], help=_("年度の公表用一式（全体の PDF，シートごとの PDF，マニフェスト）"))
    p.add_argument("--year", type=_year, required=True)
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--progress", action="store_true", help=_("進み具合を標準エラーに表示する"))
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("repair", parents=[common], help=_("壊れたシートを最後の正常な版から復元する"))
    p.add_argument("sheet", metavar="SHEET_ID")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("import-sheet", parents=[common],
                       help=_("公表された PDF，Word ファイル又はテキストから新しいシートを作る"))
    p.add_argument("file", metavar="FILE", help=_("PDF，.docx 又はテキストファイル"))
    p.add_argument("--format", metavar="ID", help=_("様式（省略時は文書から判別）"))
    p.add_argument("--dry-run", action="store_true", help=_("報告だけを表示し，シートは作らない"))
    p.add_argument("--json", action="store_true", help=_("報告を JSON で出力する"))
    p.set_defaults(func=cmd_import_sheet)

    p = sub.add_parser("forms", parents=[common], help=_("入っている様式の一覧，様式ファイルの検査"))
    forms_sub = p.add_subparsers(dest="forms_command", required=True)
    forms_sub.add_parser("list", parents=[common], help=_("入っている様式と版，見つかった場所"))
    q = forms_sub.add_parser("check", parents=[common], help=_("様式ファイルを検査する（誤りがあれば終了状態 1）"))
    q.add_argument("file")
    q = forms_sub.add_parser("doc", parents=[common], help=_("様式の説明を Markdown で出力する"))
    q.add_argument("format")
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("carry", parents=[common], help=_("前年度のシートから別の様式で新しいシートを作る"))
    p.add_argument("sheet", metavar="SHEET_ID")
    p.add_argument("--to", required=True, metavar="FORMAT", help=_("新しいシートの様式"))
    p.add_argument("--dry-run", action="store_true", help=_("報告だけを表示し，シートは作らない"))
    p.set_defaults(func=cmd_carry)

    p = sub.add_parser("demo", parents=[common], help=_("デモのシートを取り込む"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("pdf", parents=[common], help=_("PDF を作成する"))
    p.add_argument("target", nargs="?", metavar="SHEET_ID|FILE.json")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf|DIR")
    p.add_argument("--demo", action="store_true", help=_("デモの令和元年度シートを印刷する"))
    p.add_argument("--all", action="store_true", help=_("全シートを一括で印刷する（--year で絞り込み）"))
    p.add_argument("--year", type=_year)
    p.add_argument("--page-numbers", action="store_true", help=_("各ページの下に「n / N」のページ番号を印刷する"))
    p.set_defaults(func=cmd_pdf)

    _add_gui(sub, common)
    return parser


def _add_gui(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("gui", parents=[common], help=_("デスクトップアプリを起動する"))
    p.add_argument("--sheet", type=int, help=_("開くシートの番号"))
    p.add_argument("--tab", type=int, default=None, help=_("表示するタブ（0 から）"))
    p.add_argument("--screenshot", metavar="OUT.png", help=_("画面を画像に保存して終了する"))
    p.add_argument("--size", default=None,
                   help=_("ウィンドウの大きさ（例：1366x768）。省略すると前回の大きさ，初回は画面に合わせます"))
    p.set_defaults(func=cmd_gui)


def _starts_the_app(argv: Sequence[str]) -> bool:
    """No arguments, or ``gui`` as the command (after any global options)."""
    i = 0
    while i < len(argv):
        if argv[i] in ("--db", "--lang"):
            i += 2
        elif argv[i].startswith(("--db=", "--lang=")):
            i += 1
        else:
            break
    return not argv or (i < len(argv) and argv[i] == "gui")


def main(argv: Sequence[str] | None = None) -> int:
    own_process = argv is None  # the process's own command line: pdf_commands may end the process at once
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = None
    if "--lang" in argv:
        i = argv.index("--lang")
        lang = argv[i + 1] if i + 1 < len(argv) else None
    set_language(lang)
    parser = build_parser(only_gui=_starts_the_app(argv))
    args = parser.parse_args(argv)
    args.own_process = own_process
    if not getattr(args, "func", None):
        if not argv:
            args = parser.parse_args(["gui"])
        else:
            parser.print_help(sys.stderr)
            return EXIT_UNREADABLE
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"hyoka: {exc}", file=sys.stderr)
        return exc.code
    except (StoreError, interchange.InterchangeError, DefinitionError, UnknownFormatError, safe_files.FileProblem,
            backup.BackupError) as exc:
        print(f"hyoka: {_one_line(exc)}", file=sys.stderr)
        return EXIT_UNREADABLE if isinstance(exc, interchange.InterchangeError | DefinitionError) else EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        from desktop.core import error_log

        message = _("hyoka: 予期しないエラー：{kind}: {error}").format(kind=type(exc).__name__, error=_one_line(exc))
        recorded = error_log.record(type(exc), exc, exc.__traceback__)
        if recorded is not None:  # the traceback, for whoever looks after the installation
            message += _("（詳細：{path}）").format(path=recorded)
        print(message, file=sys.stderr)
        return 3


def _one_line(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError | UnknownFormatError) and exc.args else str(exc)
    return " ".join(str(text).split())


if __name__ == "__main__":
    sys.exit(main())
