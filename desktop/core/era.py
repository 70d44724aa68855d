"""Japanese era (和暦) names for dates and fiscal years.

Babel (CLDR through Babel 2.18) formats only the Gregorian calendar, so the era
table lives here. Year 1 of an era is written 元年.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date


# Newest first. Start dates are the first day of each era.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("明治", "M", date(1868, 10, 23)),
)
_BY_NAME = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}


def era_of(day: date) -> tuple[Era, int]:
    """The era in effect on ``day`` and the era year (1 for 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} は明治より前の日付です")


def year_text(n: int) -> str:
    return "元" if n == 1 else str(n)


def format_era_date(day: date) -> str:
    era, n = era_of(day)
    return f"{era.name}{year_text(n)}年{day.month}月{day.day}日"


def fiscal_year_era(fy: int) -> tuple[Era, int]:
    """Era naming of a fiscal year (April to March).

    A fiscal year takes the era in effect on 1 May of its first calendar year. That
    matches government usage at both recent changes: 平成元年度 = FY1989 (平成 began in
    January) and 令和元年度 = FY2019 (平成31年度 was renamed when 令和 began on 1 May).
    """
    return era_of(date(fy, 5, 1))


def fiscal_year_era_text(fy: int) -> str:
    """``2019`` → ``令和元年``."""
    era, n = fiscal_year_era(fy)
    return f"{era.name}{year_text(n)}年"


def fiscal_year_title(fy: int) -> str:
    """``2019`` → ``令和元年（2019 年）度``, as in the sheet's title."""
    return f"{fiscal_year_era_text(fy)}（{fy} 年）度"


_ERA_YEAR = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTM])\s*(元|\d{1,2})\s*(?:年)?")


def parse_era_year(text: str) -> tuple[Era, int, str] | None:
    """Split ``令和元年6月`` / ``R1.6`` into (era, era year, rest); None if not era form."""
    s = unicodedata.normalize("NFKC", text).strip().upper()
    m = _ERA_YEAR.match(s)
    if not m:
        return None
    era = _BY_NAME[m.group(1)]
    n = 1 if m.group(2) == "元" else int(m.group(2))
    if n < 1:
        raise ValueError(f"{era.name}{n}年 は存在しません")
    rest = s[m.end():].lstrip(".-/ 　")
    return era, n, rest


def western_year(era: Era, n: int) -> int:
    return era.start.year + n - 1


def check_era_month(era: Era, n: int, month: int) -> None:
    """Reject era dates outside the era, e.g. 令和元年4月 or 平成32年1月."""
    year = western_year(era, n)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    if last < era.start:
        raise ValueError(f"{era.name}{year_text(n)}年{month}月 は{era.name}の開始（{format_era_date(era.start)}）より前です")
    idx = ERAS.index(era)
    if idx > 0:
        successor = ERAS[idx - 1]
        if first >= successor.start:
            raise ValueError(f"{era.name}{year_text(n)}年{month}月 は存在しません（{successor.name}に改元済み）")
