"""Font resolution and registration for the printed sheet.

Every font is embedded as a TrueType subset, so the PDF never depends on what the
reader has installed. Resolution order (typography.md §0, §4): the fonts bundled in
``resources/fonts/`` → BIZ UD installed on the system (Debian packages, Windows
``BIZ-UD*.ttc``, per-user Windows fonts) → IPAex. CFF fonts (Noto CJK, Hiragino) are
not candidates: ReportLab cannot embed them.

``HYOKA_FONT_DIRS`` (``os.pathsep``-separated) or the ``dirs`` parameter replaces the
search path entirely, which is how tests simulate a machine without Japanese fonts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError

from desktop.core.resources import resource_dir
from desktop.pdf.font_cache import load_font
from desktop.pdf.record import FrozenRecord

BUNDLED_DIR = resource_dir("fonts")
ENV_VAR = "HYOKA_FONT_DIRS"

# (file name, subfont index for collections). First match wins, per role.
_MINCHO = (("BIZUDMincho-Regular.ttf", 0), ("BIZ-UDMinchoM.ttc", 0), ("ipaexm.ttf", 0))
_GOTHIC = (("BIZUDGothic-Regular.ttf", 0), ("BIZ-UDGothicR.ttc", 0), ("ipaexg.ttf", 0))
_GOTHIC_BOLD = (("BIZUDGothic-Bold.ttf", 0), ("BIZ-UDGothicB.ttc", 0))
# ☐ ☑ are in none of the Japanese faces (typography.md §1.6).
_SYMBOL = (("DejaVuSans.ttf", 0), ("seguisym.ttf", 0))

INSTALL_HELP = (
    "日本語の TrueType フォントが見つからないため，PDF を作成できません。\n"
    "次のいずれかの方法でフォントを用意してください。\n"
    "  ・BIZUDMincho-Regular.ttf と BIZUDGothic-Regular.ttf（BIZUDGothic-Bold.ttf）を\n"
    "    {bundled} に置く（https://github.com/googlefonts/morisawa-biz-ud-mincho ほか，OFL ライセンス）\n"
    "  ・Debian/Ubuntu: sudo apt install fonts-morisawa-bizud-mincho fonts-morisawa-bizud-gothic\n"
    "    （又は sudo apt install fonts-ipaexfont）\n"
    "  ・Windows: 設定 →「オプション機能」→「日本語サプリメンタル フォント」を追加（BIZ UD 明朝／ゴシック）\n"
    "検索したフォルダー: {dirs}"
)


class FontError(RuntimeError):
    """No usable Japanese TrueType font: the message says how to install one."""


class FontSet(FrozenRecord):
    """Registered ReportLab font names for each typographic role."""

    _fields = ("mincho", "gothic", "gothic_bold", "symbol", "paths")
    mincho: str
    gothic: str
    gothic_bold: str
    symbol: str  # has ☐ ☑; empty when no such font was found
    paths: tuple[Path, ...]

    def __init__(self, mincho: str, gothic: str, gothic_bold: str, symbol: str, paths: tuple[Path, ...]) -> None:
        self._set(mincho=mincho, gothic=gothic, gothic_bold=gothic_bold, symbol=symbol, paths=paths)


def search_dirs(dirs: list[Path] | None = None) -> list[Path]:
    """Where fonts are looked for, in priority order."""
    if dirs is not None:
        return [Path(d) for d in dirs]
    env = os.environ.get(ENV_VAR)
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    out = [BUNDLED_DIR]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        out.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            out.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        out += [Path.home() / "Library" / "Fonts", Path("/Library/Fonts")]
    else:
        out += [
            Path("/usr/share/fonts/truetype/bizud-mincho"),
            Path("/usr/share/fonts/truetype/bizud-gothic"),
            Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
            Path("/usr/local/share/fonts"),
            Path("/usr/share/fonts/opentype/ipaexfont-mincho"),
            Path("/usr/share/fonts/opentype/ipaexfont-gothic"),
            Path("/usr/share/fonts/truetype/ipaexfont-mincho"),
            Path("/usr/share/fonts/truetype/ipaexfont-gothic"),
            Path("/usr/share/fonts/truetype/dejavu"),
        ]
    return out


_REGISTERED: dict[tuple[str, int], str] = {}


def _register(path: Path, index: int, *, need: str) -> str | None:
    """Register once per file; None when the file is unusable (CFF, no embedding, …)."""
    key = (str(path), index)
    if key in _REGISTERED:
        return _REGISTERED[key]
    name = f"{path.stem}-{index}" if path.suffix.lower() == ".ttc" else path.stem
    try:
        font = load_font(name, path, index)  # the parsed tables from the cache when current
    except (TTFError, OSError):
        return None
    if any(ord(c) not in font.face.charToGlyph for c in need):
        return None
    pdfmetrics.registerFont(font)
    _REGISTERED[key] = name
    return name


def _pick(candidates: tuple[tuple[str, int], ...], dirs: list[Path], need: str) -> tuple[str, Path] | None:
    for name, index in candidates:
        for d in dirs:
            p = d / name
            if p.is_file():
                reg = _register(p, index, need=need)
                if reg:
                    return reg, p
    return None


_CACHE: dict[tuple[str, ...], FontSet] = {}


def resolve_fonts(dirs: list[Path] | None = None) -> FontSet:
    """Find, register and return the fonts; raises :class:`FontError` with install help."""
    found_dirs = search_dirs(dirs)
    key = tuple(str(d) for d in found_dirs)
    if key in _CACHE:
        return _CACHE[key]
    mincho = _pick(_MINCHO, found_dirs, "あ漢")
    gothic = _pick(_GOTHIC, found_dirs, "あ漢")
    if mincho is None and gothic is None:
        shown = "，".join(str(d) for d in found_dirs) or "（なし）"
        raise FontError(INSTALL_HELP.format(bundled=BUNDLED_DIR, dirs=shown))
    mincho = mincho or gothic
    gothic = gothic or mincho
    assert mincho is not None and gothic is not None
    bold = _pick(_GOTHIC_BOLD, found_dirs, "あ漢") or gothic
    symbol = _pick(_SYMBOL, found_dirs, "\u2610\u2611")
    fs = FontSet(
        mincho=mincho[0],
        gothic=gothic[0],
        gothic_bold=bold[0],
        symbol=symbol[0] if symbol else "",
        paths=tuple(dict.fromkeys(p for _, p in (mincho, gothic, bold, *([symbol] if symbol else ()))))
    )
    _CACHE[key] = fs
    return fs


_VARIANTS: dict[str, tuple[dict[tuple[int, int], int], list[tuple[int, int, int]]]] = {}


def variation_sequences(font_name: str) -> tuple[dict[tuple[int, int], int], list[tuple[int, int, int]]]:
    """The font's cmap format 14 (Unicode variation sequences, e.g. IVS 葛󠄀):
    ``({(base, selector): glyph}, [(selector, first, last) default ranges])``."""
    import struct

    from desktop.pdf.compat import font_table

    if font_name in _VARIANTS:
        return _VARIANTS[font_name]
    glyphs: dict[tuple[int, int], int] = {}
    defaults: list[tuple[int, int, int]] = []
    data = font_table(font_name, "cmap") or b""
    if len(data) >= 4:
        (n,) = struct.unpack_from(">H", data, 2)
        for i in range(n):
            pid, eid, off = struct.unpack_from(">HHI", data, 4 + 8 * i)
            if (pid, eid) != (0, 5) or struct.unpack_from(">H", data, off)[0] != 14:
                continue
            (records,) = struct.unpack_from(">I", data, off + 6)
            for r in range(records):
                pos = off + 10 + 11 * r
                vs = int.from_bytes(data[pos : pos + 3], "big")
                d_off, nd_off = struct.unpack_from(">II", data, pos + 3)
                if d_off:
                    (ranges,) = struct.unpack_from(">I", data, off + d_off)
                    for k in range(ranges):
                        q = off + d_off + 4 + 4 * k
                        start = int.from_bytes(data[q : q + 3], "big")
                        defaults.append((vs, start, start + data[q + 3]))
                if nd_off:
                    (maps,) = struct.unpack_from(">I", data, off + nd_off)
                    for k in range(maps):
                        q = off + nd_off + 4 + 5 * k
                        base = int.from_bytes(data[q : q + 3], "big")
                        glyphs[(base, vs)] = struct.unpack_from(">H", data, q + 3)[0]
    _VARIANTS[font_name] = (glyphs, defaults)
    return glyphs, defaults


def variant_glyph(font_name: str, base: int, selector: int) -> int | None:
    """The glyph of ``base`` + variation ``selector`` in the font, None when it has none."""
    glyphs, defaults = variation_sequences(font_name)
    g = glyphs.get((base, selector))
    if g is not None:
        return g
    if any(vs == selector and lo <= base <= hi for vs, lo, hi in defaults):
        return char_map(font_name).get(base)
    return None


def char_map(font_name: str) -> dict[int, int]:
    """Code point → glyph map of a registered TrueType font."""
    cmap: dict[int, int] = pdfmetrics.getFont(font_name).face.charToGlyph
    return cmap


__all__ = ["ENV_VAR", "FontError", "FontSet", "char_map", "resolve_fonts", "search_dirs", "variant_glyph",
           "variation_sequences"]
