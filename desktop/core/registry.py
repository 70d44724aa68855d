"""Where format files come from, which one wins, and ``extends`` between them.

Formats are read from the program's ``forms/`` (shipped), the all-users folder
(``C:\\ProgramData\\hyoka\\forms`` on Windows) and the per-user folder, so the office can
hand out next year's format without a new installer. For one id the highest
``version`` wins; on a tie the shipped file wins and a warning says so. A broken
file outside the program is skipped with a one-line warning: it must not stop the
app. ``HYOKA_FORMS_DIRS`` (folders separated by ``os.pathsep``; empty: none)
replaces the two outside folders, for tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core import definition, disk_cache
from desktop.core.definition import DefinitionError, FormDef
from desktop.lazy import lazy_module

if TYPE_CHECKING:
    import tomllib
else:  # parsed files come from the user cache (see _parse_toml): the parser loads only on a miss
    tomllib = lazy_module("tomllib")

ENV_VAR = "HYOKA_FORMS_DIRS"
SHIPPED, ALL_USERS, USER = "shipped", "all-users", "user"
_RANK = {SHIPPED: 0, ALL_USERS: 1, USER: 2}  # who wins a tie: lower first
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormFile:
    """One format file as read, before ``extends`` is applied."""

    path: Path
    origin: str
    raw: dict[str, Any]

    @property
    def id(self) -> str:
        value = self.raw.get("id")
        return value if isinstance(value, str) else self.path.stem

    @property
    def version(self) -> int:
        value = self.raw.get("version", 1)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1


@dataclass
class Registry:
    """Every installed format by (id, version), the current one per id, and what was skipped."""

    forms: dict[tuple[str, int], FormDef] = field(default_factory=dict)
    files: dict[tuple[str, int], FormFile] = field(default_factory=dict)
    current: dict[str, FormDef] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def folders() -> list[tuple[str, Path]]:
    """The folders read, shipped first."""
    out = [(SHIPPED, definition.FORMS_DIR)]
    env = os.environ.get(ENV_VAR)
    if env is not None:
        extra = [Path(p).expanduser() for p in env.split(os.pathsep) if p]
        out += [(USER if i == 0 else ALL_USERS, p) for i, p in enumerate(extra)]
        return out
    from platformdirs import site_data_path, user_data_path

    out.append((ALL_USERS, site_data_path("hyoka", appauthor=False) / "forms"))
    out.append((USER, user_data_path("hyoka", appauthor=False) / "forms"))
    return out


def read_raw(path: Path) -> dict[str, Any]:
    """A format file's TOML; every problem is a :class:`DefinitionError` naming the file."""
    try:
        if path.stat().st_size > definition.MAX_FORM_FILE_BYTES:
            raise DefinitionError(f"{path.name}: larger than {definition.MAX_FORM_FILE_BYTES // 2**20} MB")
        return _parse_toml(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise DefinitionError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(f"{path.name}: {exc}") from None


def _parse_toml(data: bytes) -> dict[str, Any]:
    """The TOML of ``data``, kept in the user cache by content: parsing the four shipped files
    takes about 15 ms of every ``hyoka`` process, reading them back under 2 ms."""
    digest = hashlib.sha256(data).hexdigest()
    name, ident = f"form-{digest[:32]}.tomlcache", (1, sys.version_info[:2], digest)
    cached = disk_cache.read(name, ident)
    if isinstance(cached, dict):
        return cached
    raw = tomllib.loads(data.decode("utf-8"))
    disk_cache.write(name, ident, raw)  # not stored when it holds TOML dates (marshal has no datetime)
    return raw


def _scan(warnings: list[str]) -> list[FormFile]:
    files: list[FormFile] = []
    for origin, folder in folders():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                files.append(FormFile(path, origin, read_raw(path)))
            except DefinitionError as exc:
                if origin == SHIPPED:
                    raise
                warnings.append(f"様式ファイル {path} を読み込めないため使いません：{exc}")
    return files


def merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key (recursively); anything else, arrays included, is the child's."""
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve(file: FormFile, files: list[FormFile], chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's TOML with its ``extends`` base merged in (the base: the highest installed
    version of that id, not the file itself and, for its own id, an older version)."""
    raw = file.raw
    base_id = raw.get("extends")
    if base_id is None:
        return raw
    where = f"{file.path.name}: extends"
    if not isinstance(base_id, str):
        raise DefinitionError(f"{where}: must be a string (a format id)")
    for key in ("id", "version", "name"):
        if key not in raw:
            raise DefinitionError(f"{where}: the file must declare its own {key!r}")
    if file.path in chain:
        names = " → ".join(p.name for p in (*chain, file.path))
        raise DefinitionError(f"{where}: cycle {names}")
    candidates = [f for f in files if f.id == base_id and f.path != file.path
                  and (base_id != file.id or f.version < file.version)]
    if not candidates:
        known = ", ".join(sorted({f.id for f in files})) or "-"
        raise DefinitionError(f"{where}: unknown format {base_id!r} (installed: {known})")
    base = max(candidates, key=lambda f: (f.version, -_RANK[f.origin]))
    merged_base = {k: v for k, v in resolve(base, files, (*chain, file.path)).items() if k != "upgrades"}
    return _follow_scales(merge(merged_base, {k: v for k, v in raw.items() if k != "extends"}), raw)


def _follow_scales(merged: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """An inherited grade meaning follows its grade: when the child gives a scale new ``values``,
    meanings of grades no longer on it are dropped (the child's own meanings are kept as written,
    so a typo there is still an error)."""
    grades, own = merged.get("grades"), child.get("grades")
    if not isinstance(grades, dict) or not isinstance(own, dict):
        return merged
    for name, scale in own.items():
        table = grades.get(name)
        if not (isinstance(scale, dict) and "values" in scale and isinstance(table, dict)):
            continue
        meanings, own_meanings = table.get("meanings"), scale.get("meanings", {})
        if isinstance(meanings, dict) and isinstance(own_meanings, dict) and isinstance(scale["values"], list):
            on_scale = {*scale["values"], table.get("not_rated")}
            grades[name] = dict(table, meanings={g: t for g, t in meanings.items() if g in on_scale or g in own_meanings})
    return merged


def build(file: FormFile, files: list[FormFile]) -> FormDef:
    """One file as a :class:`FormDef`; the id must be the file name (or its start, before a dot)."""
    try:
        form = definition.parse_definition(resolve(file, files))
    except DefinitionError as exc:
        name = file.path.name
        errors = [e if e.startswith(f"{name}:") else f"{name}: {e}" for e in exc.errors]
        raise DefinitionError(errors[0], errors) from None
    except (RecursionError, MemoryError):
        raise DefinitionError(f"{file.path.name}: nested too deeply") from None
    stem = file.path.stem
    if form.id != stem and not stem.startswith(form.id + "."):
        raise DefinitionError(f"{file.path.name}: id {form.id!r} does not match the file name")
    return form


def installed_files() -> list[FormFile]:
    """Every readable format file (no warnings kept): the bases ``extends`` may name."""
    return _scan([])


def _choose_current(reg: Registry) -> None:
    """The highest version per id, leaving out an outside file whose declared carry sources are
    not in the older format installed here (it would break loading for every format); the next
    version of that id is used instead. A shipped file must be sound: its error is raised."""
    while True:
        reg.current = {}
        for (form_id, _version), form in sorted(reg.forms.items()):
            reg.current[form_id] = form  # sorted by version: the highest stays
        bad = [(form, errs) for form in reg.current.values()
               if (errs := definition.carry_source_errors(form, reg.current))]
        shipped = [f"{form.id}.toml: {e}" for form, errs in bad for e in errs
                   if reg.files[(form.id, form.version)].origin == SHIPPED]
        if shipped:
            raise DefinitionError(shipped[0], shipped)
        if not bad:
            return
        for form, errs in bad:
            file = reg.files.pop((form.id, form.version))
            del reg.forms[(form.id, form.version)]
            reg.warnings.append(f"様式ファイル {file.path} に誤りがあるため使いません：{errs[0]}")


def load() -> Registry:
    """Read every folder; shipped files must be sound, others are skipped with a warning."""
    reg = Registry()
    files = _scan(reg.warnings)
    for file in files:
        try:
            form = build(file, files)
        except DefinitionError as exc:
            if file.origin == SHIPPED:
                raise
            reg.warnings.append(f"様式ファイル {file.path} に誤りがあるため使いません：{exc}")
            continue
        key = (form.id, form.version)
        other = reg.files.get(key)
        if other is not None:
            keep, drop = sorted((other, file), key=lambda f: _RANK[f.origin])
            reg.warnings.append(f"様式 {form.id} 第{form.version}版が {keep.path} と {drop.path} にあります。"
                                f"{keep.path} を使います。")
            if keep is other:
                continue
        reg.forms[key] = form
        reg.files[key] = file
    _choose_current(reg)
    for w in reg.warnings:
        log.warning("%s", w)
    return reg
