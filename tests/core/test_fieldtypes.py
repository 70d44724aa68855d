"""Parsers for numbers, year-months and fiscal years, with property-based tests."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import fieldtypes as ft
from desktop.core.definition import get_form
from desktop.core.formatting import format_int

R01 = get_form("mofa-r01")
FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_number_round_trip(n: int) -> None:
    printed = format_int(n)
    assert ft.parse_number(printed) == n
    assert ft.parse_number(printed.translate(FULLWIDTH)) == n


@given(st.text(max_size=30))
def test_number_parser_never_crashes(s: str) -> None:
    try:
        result = ft.parse_number(s)
    except ft.ParseError:
        return
    assert isinstance(result, int)


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_ym_round_trip(year: int, month: int) -> None:
    canon = f"{year:04d}-{month:02d}"
    for form in (canon, f"{year}年{month}月", f"{year}/{month}", unicodedata.normalize("NFKC", canon)):
        assert ft.parse_ym(form) == canon


@given(st.integers(1990, 2100), st.integers(1, 12))
def test_era_ym_matches_western(year: int, month: int) -> None:
    from datetime import date

    from desktop.core import era

    e, n = era.era_of(date(year, month, 1))
    typed = f"{e.name}{'元' if n == 1 else n}年{month}月"
    assert ft.parse_ym(typed) == f"{year:04d}-{month:02d}"


@given(st.text(max_size=20))
def test_ym_parser_never_crashes(s: str) -> None:
    try:
        value = ft.parse_ym(s)
    except ft.ParseError:
        return
    assert ft.is_canonical(R01.field("c3_2_report_ym"), value)


@pytest.mark.parametrize(("text", "fy"), [("2019", 2019), ("2019年度", 2019), ("令和元年度", 2019), ("R1", 2019),
                                          ("H30", 2018), ("平成30年度", 2018), ("２０１９", 2019), ("令和2年度", 2020)])
def test_fiscal_years(text: str, fy: int) -> None:
    assert ft.parse_fy(text) == fy


def test_period_or_fy() -> None:
    assert ft.parse_period("2017-07/2018-06") == "2017-07/2018-06"
    assert ft.parse_period("2017年7月～2018年6月") == "2017-07/2018-06"
    assert ft.parse_period("2017") == 2017
    with pytest.raises(ft.ParseError):
        ft.parse_period("2018-06/2017-07")


def test_checks_keep_definition_order_and_reject_unknown() -> None:
    f = R01.field("activity_fields")
    assert ft.parse(f, ["保健", "安全保障", "保健"]) == ["安全保障", "保健"]
    with pytest.raises(ft.ParseError):
        ft.parse(f, ["宇宙"])


def test_display() -> None:
    assert ft.display(R01.field("c3_4_int_period"), "2017-07/2018-06") == "対象期間： 2017 年 7 月～ 2018 年 6 月"
    assert ft.display(R01.field("c4_1_promotion_flag"), False) == "☐"
    assert ft.display(R01.field("initial_budget_kyen"), 15015) == "15,015"
    assert ft.display(R01.field("initial_budget_kyen"), "abc") == "abc"


@pytest.mark.parametrize("ftype_field", ["c3_2_report_ym", "c3_2_report_kind", "sheet_fiscal_year", "c4_1_jp_staff",
                                         "initial_budget_kyen", "c3_2_report_covers_fy"])
def test_a_4400_digit_string_is_a_parse_error_in_every_field_type(ftype_field: str) -> None:
    from desktop.core.definition import get_form
    from desktop.core.fieldtypes import ParseError, parse

    form = get_form("mofa-r01")
    with pytest.raises(ParseError):
        parse(form.field(ftype_field), "1" * 4400, form.grades)


_ALL_FORMS = [get_form(name) for name in ("mofa-r01", "mofa-h30", "mofa-r04", "mofa-r06")]


@st.composite
def _field_and_value(draw: st.DrawFn) -> tuple:
    form = draw(st.sampled_from(_ALL_FORMS))
    f = draw(st.sampled_from(list(form.input_fields)))
    opts = list(ft.options(f, form.grades)) or ["－"]
    value = draw(st.one_of(
        st.sampled_from(opts), st.sampled_from([f" {o}" for o in opts]), st.booleans(), st.none(),
        st.integers(-5, 15), st.integers(1890, 2110), st.integers(-(10**25), 10**25),
        st.sampled_from([10**24, -(10**24), 10**24 - 1, "", " ", "\u3000", "a\r\nb", "2019-07", "２０１９-07",
                         "2019-7", "1899-12", "2101-01", "2019-13", "2017-07/2018-06", "有", "無", "－"]),
        st.builds("{:04d}-{:02d}".format, st.integers(1890, 2110), st.integers(0, 13)),
        st.text(max_size=12), st.floats(allow_nan=False), st.lists(st.sampled_from(opts), max_size=3)))
    return form, f, value


def _parses_back(form, f, value) -> None:
    from desktop.core.values import normalize

    if ft.parses_to_itself(f, value, form.grades):
        back = normalize(f, value, form)
        assert (type(back), back) == (type(value), value), (f.id, value)


@settings(max_examples=1500, deadline=None)
@given(_field_and_value())
def test_a_value_said_to_parse_to_itself_does(case) -> None:
    """normalize_values skips parsing what parses_to_itself vouches for: it must be what normalize gives back."""
    _parses_back(*case)


_EDGES = [True, False, 0, 1, 12, 13, -1, 1899, 1900, 2100, 2101, 10**24 - 1, 10**24, -(10**24), 1.0, "", " ", "\u3000",
          "a\r\nb", "a\rb", " a", "2019-07", "２０１９-07", "2019-7", "1899-12", "1900-01", "2100-12", "2101-01",
          "2019-13", "2019-00", "2017-07/2018-06", "有", "無", "－", "2019"]


def test_every_field_with_the_values_at_the_edges_parses_back() -> None:
    for form in _ALL_FORMS:
        for f in form.input_fields:
            opts = list(ft.options(f, form.grades))
            for value in [*_EDGES, *opts, *(f" {o}" for o in opts), *(f"{o}\u3000" for o in opts)]:
                _parses_back(form, f, value)


@pytest.mark.parametrize(("field_id", "typed", "stored"), [
    ("c3_2_report_ym", "２０１９-07", "2019-07"),
    ("c3_2_report_ym", "2019-０７", "2019-07"),
    ("c3_4_int_period", "２０１８-04/2019-03", "2018-04/2019-03"),
])
def test_full_width_digits_in_a_year_month_are_stored_in_ascii(field_id: str, typed: str, stored: str) -> None:
    """「２０１９-07」 passed as already stored form (``\\d`` matches full-width digits) and was kept
    as typed: printed, compared and sorted unlike the same month in ASCII digits."""
    from desktop.core.values import normalize_values

    form = get_form("mofa-r01")
    assert not ft.is_canonical(form.field(field_id), typed)
    assert normalize_values(form, {field_id: typed}) == {field_id: stored}
