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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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


class Registry:
    """Every installed format by (id, version), the current one per id, and what was skipped.

    Files are read at once (from the user cache, see :func:`_parse_toml`); a format is built
    when first asked for (:meth:`current_form`), with the formats it carries from, so opening
    a sheet builds its own format and not every installed one. :attr:`forms`, :attr:`files`,
    :attr:`current` and :attr:`warnings` build the rest first: they describe everything.
    """

    def __init__(self, files: list[FormFile], warnings: list[str]):
        self._files = files  # every file read: the bases ``extends`` may name
        self._warnings = warnings
        self._candidates: dict[tuple[str, int], list[FormFile]] = {}  # best first
        for file in sorted(files, key=lambda f: _RANK[f.origin]):
            self._candidates.setdefault((file.id, file.version), []).append(file)
        self._built: dict[tuple[str, int], FormDef | None] = {}  # None: no candidate builds
        self._chosen: dict[tuple[str, int], FormFile] = {}
        self._current: dict[str, FormDef | None] = {}  # None: no version of the id is usable
        self._examining: dict[str, FormDef] = {}  # ids being chosen (a cycle of carry sources)
        self._complete = False

    def ids(self) -> list[str]:
        return sorted({form_id for form_id, _version in self._candidates})

    def _build(self, key: tuple[str, int]) -> FormDef | None:
        """The (id, version) from its best file that builds; a shipped file must build."""
        if key in self._built:
            return self._built[key]
        form = None
        for i, file in enumerate(self._candidates.get(key, [])):
            try:
                form = build(file, self._files)
            except DefinitionError as exc:
                if file.origin == SHIPPED:
                    raise
                self._warn(f"様式ファイル {file.path} に誤りがあるため使いません：{exc}")
                continue
            for other in self._candidates[key][i + 1:]:
                self._warn(f"様式 {form.id} 第{form.version}版が {file.path} と {other.path} にあります。"
                           f"{file.path} を使います。")
            self._chosen[key] = file
            break
        self._built[key] = form
        return form

    def _warn(self, text: str) -> None:
        log.warning("%s", text)
        self._warnings.append(text)

    def current_form(self, form_id: str) -> FormDef | None:
        """The highest version of ``form_id`` that builds and whose declared carry sources are
        fields of the formats installed here; an outside file that fails is skipped with a warning
        (the next version down is used), a shipped one raises."""
        if form_id in self._current:
            return self._current[form_id]
        if form_id in self._examining:  # a carry source that carries from this id in turn
            return self._examining[form_id]
        chosen = None
        for version in sorted((v for i, v in self._candidates if i == form_id), reverse=True):
            form = self._build((form_id, version))
            if form is None:
                continue
            self._examining[form_id] = form
            try:
                errors = definition.carry_source_errors(form, _Sources(self, form))
            finally:
                del self._examining[form_id]
            if not errors:
                chosen = form
                break
            file = self._chosen[(form.id, form.version)]
            if file.origin == SHIPPED:
                raise DefinitionError(f"{form.id}.toml: {errors[0]}", [f"{form.id}.toml: {e}" for e in errors])
            self._warn(f"様式ファイル {file.path} に誤りがあるため使いません：{errors[0]}")
            self._built[(form.id, form.version)] = None
            del self._chosen[(form.id, form.version)]
        self._current[form_id] = chosen
        return chosen

    def version(self, form_id: str, version: int) -> FormDef | None:
        """That installed version of ``form_id`` (None when it is not, or does not build)."""
        return self._build((form_id, version))

    def _complete_all(self) -> None:
        if not self._complete:
            for form_id in self.ids():
                self.current_form(form_id)
            for key in sorted(self._candidates):
                self._build(key)
            self._complete = True

    @property
    def current(self) -> dict[str, FormDef]:
        self._complete_all()
        return {i: f for i, f in sorted(self._current.items()) if f is not None}

    @property
    def forms(self) -> dict[tuple[str, int], FormDef]:
        self._complete_all()
        return {k: f for k, f in sorted(self._built.items()) if f is not None}

    @property
    def files(self) -> dict[tuple[str, int], FormFile]:
        self._complete_all()
        return {k: self._chosen[k] for k in self.forms}

    @property
    def warnings(self) -> list[str]:
        self._complete_all()
        return list(self._warnings)


class _Sources(Mapping[str, FormDef]):
    """The formats a format carries from, chosen on demand (for :func:`carry_source_errors`)."""

    def __init__(self, reg: Registry, form: FormDef):
        self._reg, self._ids = reg, list(form.carry_from)

    def __getitem__(self, form_id: str) -> FormDef:
        form = self._reg.current_form(form_id)
        if form is None:
            raise KeyError(form_id)
        return form

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


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


def load() -> Registry:
    """Read every folder; formats are built when asked for (shipped files must be sound,
    others are skipped with a warning)."""
    warnings: list[str] = []
    files = _scan(warnings)
    for w in warnings:
        log.warning("%s", w)
    return Registry(files, warnings)
