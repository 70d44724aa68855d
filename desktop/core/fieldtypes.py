"""Field types: how raw input is parsed, stored, fed to expressions and printed.

Stored values are JSON scalars or lists (see ``values.py``). Input is forgiving
(full-width digits, ``，`` separators, era years) and is normalized on the way in;
input that cannot be parsed is *kept as typed* so a draft never loses text, and
validation then reports it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.core import era, formatting
from desktop.core.definition import Field, Scale

YEAR_MIN, YEAR_MAX = 1900, 2100
DASH = "－"  # U+FF0D: the sheet's "none / not applicable"
YES, NO = "有", "無"


class ParseError(ValueError):
    """Input that does not fit the field's type; the message is for the user."""


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


MAX_DIGITS = 24  # no limit of any format comes near; Decimal keeps 28 digits exact
_INT = re.compile(r"^-?\d+$")
_DEC = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(raw: Any, *, decimal: bool = False, unit: str = "") -> int | Decimal:
    """``"１５, ０１５"`` → ``15015``. Raises :class:`ParseError`."""
    if isinstance(raw, bool):
        raise ParseError("数値で入力してください。")
    if isinstance(raw, int):
        if abs(raw) >= 10**MAX_DIGITS:
            raise ParseError(f"桁数が多すぎます（{MAX_DIGITS} 桁まで）。")
        return raw
    if isinstance(raw, float | Decimal):
        d = Decimal(str(raw))
        if not d.is_finite() or d.adjusted() >= MAX_DIGITS:
            raise ParseError(f"数値が大きすぎます（{MAX_DIGITS} 桁まで）。")
        if not decimal and d != d.to_integral_value():
            raise ParseError("整数で入力してください。")
        return d if decimal else int(d)
    s = _nfkc(str(raw))
    if unit and s.endswith(unit):
        s = s[: -len(unit)]
    s = s.replace(",", "").replace(" ", "").replace("\u3000", "")
    s = s.replace("−", "-").replace("△", "-").replace("▲", "-")
    if sum(c.isdigit() for c in s) > MAX_DIGITS:
        raise ParseError(f"桁数が多すぎます（{MAX_DIGITS} 桁まで。入力値は {sum(c.isdigit() for c in s)} 桁）。")
    if _INT.match(s):
        return int(s)
    if decimal and _DEC.match(s):
        return Decimal(s)
    if not decimal and _DEC.match(s):
        raise ParseError(f"整数で入力してください（入力値：{raw}）。")
    raise ParseError(f"数値として読めません（入力値：{raw}）。")


_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_ym(raw: Any) -> str:
    """``2018/6``, ``2018年6月``, ``平成30年6月``, ``R1.6`` → ``"2018-06"``."""
    s = _nfkc(str(raw))
    m = _YM.match(s)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
    else:
        try:
            parsed = era.parse_era_year(s)
        except ValueError as exc:
            raise ParseError(str(exc)) from None
        mm = re.match(r"^(\d{1,2})\s*月?$", parsed[2]) if parsed else None
        if not parsed or not mm:
            raise ParseError(f"年月として読めません（入力値：{raw}）。例：2018-06，2018年6月")
        year, month = era.western_year(parsed[0], parsed[1]), int(mm.group(1))
        if 1 <= month <= 12:
            try:
                era.check_era_month(parsed[0], parsed[1], month)
            except ValueError as exc:
                raise ParseError(str(exc)) from None
    if not 1 <= month <= 12:
        raise ParseError(f"{month} 月という月はありません（入力値：{raw}）。")
    if not 1900 <= year <= 2100:
        raise ParseError(f"{year} 年は範囲外です（1900～2100 年）。")
    return f"{year:04d}-{month:02d}"


_FY = re.compile(r"^(\d{4})\s*(?:年度|年)?$")


def parse_fy(raw: Any) -> int:
    """``2019``, ``2019年度``, ``令和元年度``, ``H30`` → western fiscal year."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    else:
        s = _nfkc(str(raw))
        m = _FY.match(s)
        if m:
            year = int(m.group(1))
        else:
            try:
                parsed = era.parse_era_year(s)
            except ValueError as exc:
                raise ParseError(str(exc)) from None
            if not parsed or parsed[2] not in ("", "度"):
                raise ParseError(f"年度として読めません（入力値：{raw}）。例：2019，令和元年度")
            year = era.western_year(parsed[0], parsed[1])
            successor_idx = era.ERAS.index(parsed[0]) - 1
            if successor_idx >= 0 and year > era.ERAS[successor_idx].start.year:
                raise ParseError(f"{s} は存在しません（{era.ERAS[successor_idx].name}に改元済み）。")
    if not 1900 <= year <= 2100:
        raise ParseError(f"{year} 年度は範囲外です（1900～2100）。")
    return year


def parse_month(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        month = raw
    else:
        s = _nfkc(str(raw)).removesuffix("月").strip()
        if not s.isdigit():
            raise ParseError(f"月として読めません（入力値：{raw}）。")
        month = int(s)
    if not 1 <= month <= 12:
        raise ParseError(f"{month} 月という月はありません。")
    return month


def parse_period(raw: Any) -> int | str:
    """A fiscal year (``2017``) or a period ``2017-07/2018-06``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return parse_fy(raw)
    s = _nfkc(str(raw))
    parts = re.split(r"\s*(?:/|～|~|から)\s*(?=\d|[令平昭大明RHST])", s, maxsplit=1)
    if len(parts) == 2 and parts[1]:
        start, end = parse_ym(parts[0]), parse_ym(parts[1].removesuffix("まで"))
        if end < start:
            raise ParseError("期間の終わりが始まりより前です。")
        return f"{start}/{end}"
    return parse_fy(s)


_TRUE = {"true", "1", "yes", "on", "☑", "有", "あり", "はい", "x", "✓"}
_FALSE = {"false", "0", "no", "off", "☐", "無", "なし", "いいえ", ""}


def parse_flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    s = _nfkc(str(raw)).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ParseError(f"はい／いいえとして読めません（入力値：{raw}）。")


def _choice(field: Field, raw: Any, options: tuple[str, ...]) -> str:
    s = str(raw).strip()
    if s in options:
        return s
    n = _nfkc(s)
    for opt in options:
        if _nfkc(opt) == n:
            return opt
    raise ParseError(f"選択肢にない値です（入力値：{raw}。選択肢：{'，'.join(options)}）。")


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ParseError("文字列ではありません。")
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def options(field: Field, scales: Mapping[str, Scale] | None = None) -> tuple[str, ...]:
    if field.type == "yn":
        return (YES, NO)
    if field.type == "rating" and scales is not None:
        return scales[field.scale].all
    return field.choices


MAX_SCALAR_CHARS = 200  # a number, date or choice typed longer than this is not one


def parse(field: Field, raw: Any, scales: Mapping[str, Scale] | None = None) -> Any:
    """Normalize one input value; raises :class:`ParseError` with a Japanese message."""
    if field.type not in ("short", "text", "lines", "checks") and isinstance(raw, str) and len(raw) > MAX_SCALAR_CHARS:
        raise ParseError(f"長すぎます（{len(raw):,} 文字）。この項目の値として読めません。")
    try:
        return _parse(field, raw, scales)
    except ParseError:
        raise
    except (ValueError, OverflowError, ArithmeticError) as exc:  # e.g. int() past Python's digit limit
        raise ParseError(f"値として読めません（{type(exc).__name__}）。") from None


def _parse(field: Field, raw: Any, scales: Mapping[str, Scale] | None = None) -> Any:
    t = field.type
    if t in ("short", "text"):
        return _text(raw)
    if t == "lines":
        if isinstance(raw, list):
            items = [_text(x).strip() for x in raw]
        else:
            items = [line.strip() for line in _text(raw).split("\n")]
        return [x for x in items if x]
    if t in ("int", "money"):
        return parse_number(raw, unit=field.unit)
    if t in ("decimal", "pct"):
        return parse_number(raw, decimal=True, unit=field.unit)
    if t == "ym":
        return parse_ym(raw)
    if t == "fy":
        return parse_fy(raw)
    if t == "month":
        return parse_month(raw)
    if t == "fy_or_period":
        return parse_period(raw)
    if t == "flag":
        return parse_flag(raw)
    if t == "yn":
        if isinstance(raw, bool):
            return YES if raw else NO
        s = _nfkc(str(raw)).lower()
        if s in ("有", "あり", "yes", "true"):
            return YES
        if s in ("無", "なし", "no", "false"):
            return NO
        raise ParseError(f"「有」か「無」で入力してください（入力値：{raw}）。")
    if t in ("choice", "rating"):
        return _choice(field, raw, options(field, scales))
    if t == "checks":
        items = raw if isinstance(raw, list) else re.split(r"[,，、\n]", str(raw))
        picked = [_choice(field, x, field.choices) for x in items if str(x).strip()]
        return [c for c in field.choices if c in picked]  # definition order, no duplicates
    raise ParseError(f"unknown type {t}")


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def expr_value(field: Field, value: Any) -> Any:
    """The value as expressions see it: numbers as Decimal, empty as None."""
    if is_empty(value):
        return None
    t = field.type
    if t in ("int", "money", "decimal", "pct", "fy", "month"):
        return Decimal(value) if isinstance(value, int | Decimal) else None
    if t == "fy_or_period" and isinstance(value, int):
        return Decimal(value)
    return value


def display(field: Field, value: Any, *, percent_sign: str = "％", locale: str = formatting.LOCALE) -> str:
    """Printed text of a stored (or computed, already rounded) value."""
    if is_empty(value):
        return ""
    t = field.type
    try:
        if t in ("int", "money"):
            return formatting.format_int(value, locale)
        if t == "decimal":
            return formatting.format_fixed(Decimal(value), field.places, locale)
        if t == "pct":
            return formatting.format_percent(Decimal(value), field.places, percent_sign, locale)
        if t == "ym":
            return formatting.format_ym(value, locale)
        if t == "fy":
            return formatting.format_fy(value, locale)
        if t == "month":
            return formatting.format_month(value, locale)
        if t == "fy_or_period":
            if isinstance(value, int):
                return formatting.format_fy(value, locale)
            start, end = value.split("/")
            return formatting.format_period(start, end, locale)
        if t == "flag":
            return "☑" if value else "☐"
        if t == "checks" or t == "lines":
            return "\n".join(value) if t == "lines" else "，".join(value)
    except (ValueError, TypeError, InvalidOperation, AttributeError):
        return str(value)  # an unparsed draft value prints as typed
    return str(value)


_YM_CANON = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")  # ASCII digits: 「２０１９-07」 is not stored form
_PERIOD_CANON = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])/[0-9]{4}-(0[1-9]|1[0-2])$")


def in_range(field: Field, value: Any) -> bool:
    """A stored number within the field's declared bounds (``min`` default 0, ``max`` from the format)."""
    if field.type not in ("int", "money", "decimal", "pct") or not isinstance(value, int | Decimal) \
            or isinstance(value, bool):
        return True
    low = field.min if field.min is not None else 0
    return value >= low and (field.max is None or value <= field.max)


def parses_to_itself(field: Field, value: Any, scales: Mapping[str, Scale] | None = None) -> bool:
    """True when ``value`` is filled in and :func:`parse` gives it back unchanged: normalizing a
    stored sheet (an import normalizes each value twice) need not parse it again. Cheap checks for
    the common types; False (parse it) for the rest."""
    t, kind = field.type, type(value)
    if t in ("short", "text"):
        return kind is str and "\r" not in value and bool(value.strip())
    if t in ("int", "money"):
        return kind is int and -(10**MAX_DIGITS) < value < 10**MAX_DIGITS
    if t in ("fy", "fy_or_period"):
        return kind is int and YEAR_MIN <= value <= YEAR_MAX
    if t == "month":
        return kind is int and 1 <= value <= 12
    if t == "ym":
        return kind is str and value.isascii() and bool(_YM_CANON.match(value)) and YEAR_MIN <= int(value[:4]) <= YEAR_MAX
    if t in ("choice", "rating", "yn"):
        return kind is str and value in options(field, scales) and value == value.strip()
    if t == "flag":
        return kind is bool
    return False


def is_canonical(field: Field, value: Any, scales: Mapping[str, Scale] | None = None) -> bool:
    """True when ``value`` is already in stored form (cheap; no parsing)."""
    t = field.type
    if t in ("short", "text"):
        return isinstance(value, str)
    if t == "lines":
        return isinstance(value, list) and all(isinstance(x, str) for x in value)
    if t in ("int", "money"):
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "fy":
        return isinstance(value, int) and not isinstance(value, bool) and YEAR_MIN <= value <= YEAR_MAX
    if t == "month":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 12
    if t in ("decimal", "pct"):
        return isinstance(value, int | Decimal) and not isinstance(value, bool)
    if t == "ym":
        return isinstance(value, str) and bool(_YM_CANON.match(value)) and YEAR_MIN <= int(value[:4]) <= YEAR_MAX
    if t == "fy_or_period":
        if isinstance(value, int) and not isinstance(value, bool):
            return YEAR_MIN <= value <= YEAR_MAX
        return (
            isinstance(value, str) and bool(_PERIOD_CANON.match(value))
            and YEAR_MIN <= int(value[:4]) <= YEAR_MAX and YEAR_MIN <= int(value[8:12]) <= YEAR_MAX
            and value[:7] <= value[8:]
        )
    if t == "flag":
        return isinstance(value, bool)
    if t in ("yn", "choice", "rating"):
        return isinstance(value, str) and value in options(field, scales)
    if t == "checks":
        return isinstance(value, list) and all(isinstance(x, str) and x in field.choices for x in value)
    return False
