"""Era names at the boundaries, fiscal-year titles and Babel number/date formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.core import era, formatting


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
    ],
)
def test_era_boundaries(day: date, text: str) -> None:
    assert era.format_era_date(day) == text


@pytest.mark.parametrize(
    ("fy", "title"),
    [(2019, "令和元年（2019 年）度"), (2020, "令和2年（2020 年）度"), (2018, "平成30年（2018 年）度"),
     (1989, "平成元年（1989 年）度"), (1988, "昭和63年（1988 年）度")],
)
def test_fiscal_year_titles(fy: int, title: str) -> None:
    assert era.fiscal_year_title(fy) == title


def test_label_variables() -> None:
    v = formatting.label_variables(2019)
    assert v["fy_era"] == "令和元年" and v["fy_minus_1"] == "2018" and v["fy_minus_4"] == "2015"
    assert formatting.label_variables(2018)["fy_era_year"] == "30"


def test_babel_formats() -> None:
    assert formatting.format_int(1614702000) == "1,614,702,000"
    assert formatting.format_int(-9349088) == "-9,349,088"
    assert formatting.format_ym("2018-06") == "2018 年 6 月"
    assert formatting.format_fy(2017) == "2017 年度"
    assert formatting.format_percent(Decimal("0.0"), 1) == "0％"
    assert formatting.format_percent(Decimal("1.7"), 1, "%") == "1.7%"
    assert formatting.format_period("2017-07", "2018-06") == "対象期間： 2017 年 7 月～ 2018 年 6 月"


def test_english_locale_formats() -> None:
    assert formatting.format_ym("2018-06", "en_US") == "Jun 2018"
    assert formatting.format_int(1234567, "en_US") == "1,234,567"
