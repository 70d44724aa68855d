"""The numbers and year-months written without Babel (a start-up saving, issue 11 item 12) are
exactly what Babel's CLDR data gives for the locales the app ships."""

from __future__ import annotations

import sys
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import formatting

LOCALES = sorted(formatting.PLAIN_LOCALES)
decimals = st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False,
                       allow_infinity=False)


@given(st.integers(-10**20, 10**20), st.sampled_from(LOCALES))
def test_int_as_babel(value: int, locale: str) -> None:
    assert formatting.format_int(value, locale) == format_decimal(value, format="#,##0", locale=locale)


@given(decimals, st.sampled_from(LOCALES))
def test_decimal_int_as_babel(value: Decimal, locale: str) -> None:
    assert formatting.format_int(value, locale) == format_decimal(value, format="#,##0", locale=locale)


@given(decimals, st.integers(0, 4), st.sampled_from(LOCALES))
def test_fixed_as_babel(value: Decimal, places: int, locale: str) -> None:
    pattern = "#,##0" + ("." + "0" * places if places else "")
    expected = format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)
    assert formatting.format_fixed(value, places, locale) == expected


@given(st.integers(1, 9999), st.integers(1, 12))
def test_year_month_as_babel(year: int, month: int) -> None:
    from datetime import date

    for locale in ("ja_JP", "ja"):
        expected = format_date(date(year, month, 1), "y 年 M 月", locale=locale)
        assert formatting.format_ym(f"{year}-{month:02d}", locale) == expected


def test_other_locales_still_go_through_babel() -> None:
    assert formatting.format_int(1234567, "de_DE") == "1.234.567"
    assert formatting.format_fixed(Decimal("1234.5"), 1, "fr_FR") == format_decimal(
        Decimal("1234.5"), format="#,##0.0", locale="fr_FR", decimal_quantization=True)


def test_formatting_does_not_import_babel() -> None:
    """Loading the core formatting for a Japanese sheet leaves Babel unloaded (its CLDR data cost ~50 ms)."""
    import subprocess

    code = ("import sys; from decimal import Decimal; from desktop.core import formatting as f; "
            "f.format_int(1234); f.format_fixed(Decimal('2.5'), 1); f.format_percent(Decimal('3'), 0); "
            "f.format_ym('2018-06'); print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
