"""Printed forms of numbers and dates, through Babel, as the sheet shows them.

Thousands separators and year-month patterns come from Babel's CLDR data for the
active locale (``ja_JP`` unless the UI is switched); the sheet-specific parts
(``0％`` for zero, era titles) follow ``sheet-format.md`` §4 and §7.

For the locales the app ships (Japanese, English) CLDR says ``,`` groups, ``.`` and
``-``: those numbers and the Japanese year-month are written directly, because loading
Babel and its locale data cost ~50 ms of every start (tests/core/test_formatting_plain.py
holds them to Babel's output). Other locales go through Babel, imported on first use.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from desktop.core import era

LOCALE = "ja_JP"
_ROUNDING = {"down": ROUND_DOWN, "half_up": ROUND_HALF_UP}
PLAIN_LOCALES = frozenset({"ja_JP", "ja", "en", "en_US"})  # CLDR: "," groups, "." decimals, "-" minus


def format_decimal(value: Any, **kw: Any) -> str:
    from babel.numbers import format_decimal as babel_format_decimal

    return str(babel_format_decimal(value, **kw))


def format_date(value: date, pattern: str, locale: str) -> str:
    from babel.dates import format_date as babel_format_date

    return str(babel_format_date(value, pattern, locale=locale))


def round_decimal(value: Decimal, places: int, mode: str) -> Decimal:
    """Round as the definition says: ``down`` (ROUNDDOWN) or ``half_up`` (ROUND).

    The precision grows with the number: a 30-digit amount must not raise
    ``InvalidOperation`` (the default context keeps 28 digits).
    """
    with localcontext() as ctx:
        if value.is_finite():
            ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=_ROUNDING[mode])


def format_int(value: int | Decimal, locale: str = LOCALE) -> str:
    """``1614702000`` → ``1,614,702,000``."""
    if locale in PLAIN_LOCALES and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if locale in PLAIN_LOCALES and isinstance(value, Decimal) and value.is_finite():
        return f"{value:,.0f}"  # rounds half-even, as Babel does
    return format_decimal(value, format="#,##0", locale=locale)


def format_fixed(value: Decimal, places: int, locale: str = LOCALE) -> str:
    """A rounded decimal with exactly ``places`` decimals (``22.7``, ``-7.3``)."""
    if locale in PLAIN_LOCALES and isinstance(value, Decimal) and value.is_finite() and places >= 0:
        return f"{value:,.{places}f}"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)


def format_percent(value: Decimal, places: int, sign: str = "％", locale: str = LOCALE) -> str:
    """A percentage already multiplied by 100 and rounded; zero prints as ``0％``."""
    if value == 0:
        return f"0{sign}"
    return format_fixed(value, places, locale) + sign


def format_ym(ym: str, locale: str = LOCALE) -> str:
    """``2018-06`` → ``2018 年 6 月`` (the sheet's spaced form)."""
    year, month = (int(p) for p in ym.split("-"))
    if locale in PLAIN_LOCALES and locale.startswith("ja") and 1 <= year <= 9999 and 1 <= month <= 12:
        return f"{year} 年 {month} 月"
    if locale.startswith("ja"):
        return format_date(date(year, month, 1), "y 年 M 月", locale=locale)
    return format_date(date(year, month, 1), "MMM y", locale=locale)


def format_fy(fy: int, locale: str = LOCALE) -> str:
    """``2017`` → ``2017 年度``."""
    if locale.startswith("ja"):
        return f"{fy} 年度"
    return f"FY{fy}"


def format_month(month: int, locale: str = LOCALE) -> str:
    if locale.startswith("ja"):
        return f"{month} 月"
    return format_date(date(2000, month, 1), "MMMM", locale=locale)


def format_period(start: str, end: str, locale: str = LOCALE) -> str:
    """Internal-audit periods: ``対象期間： 2017 年 7 月～ 2018 年 6 月``."""
    return f"対象期間： {format_ym(start, locale)}～ {format_ym(end, locale)}"


def label_variables(fy: int | None) -> dict[str, str]:
    """Values for ``{fy_era}``-style placeholders in form labels."""
    if fy is None:
        return {k: "" for k in ("fy", "fy_era", "fy_era_year", "fy_minus_1", "fy_minus_2", "fy_minus_3", "fy_minus_4")}
    _, n = era.fiscal_year_era(fy)
    return {
        "fy": str(fy),
        "fy_era": era.fiscal_year_era_text(fy),
        "fy_era_year": era.year_text(n),
        **{f"fy_minus_{k}": str(fy - k) for k in range(1, 5)},
    }
