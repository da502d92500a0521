from __future__ import annotations

import datetime as dt

import pytest

from safehub.linkage.engine import detect_date_format, parse_date, parse_date_column


@pytest.mark.parametrize("text", ["19850317", "1985-03-17", "17/03/1985", "17-03-1985", "17-Mar-1985",
                                  "1985-03-17 00:00:00", "1985-03-17T00:00:00Z", "17 March 1985"])
def test_parse_date_formats(text):
    assert parse_date(text) == dt.date(1985, 3, 17)


def test_two_digit_years_are_never_in_the_future():
    assert parse_date("17/03/85", "%d/%m/%y") == dt.date(1985, 3, 17)
    assert parse_date("17/03/15", "%d/%m/%y") == dt.date(2015, 3, 17)


def test_blank_and_bad_values_are_none():
    assert parse_date("") is None
    assert parse_date(None) is None
    assert parse_date("31/02/2015") is None
    assert parse_date(dt.datetime(2015, 1, 2, 3, 4)) == dt.date(2015, 1, 2)  # noqa: DTZ001


def test_detects_day_first_unless_the_column_says_otherwise():
    assert detect_date_format(["03/04/2015", "01/02/2016"]) == "%d/%m/%Y"
    assert detect_date_format(["03/04/2015", "12/25/2016", "11/30/2014"]) == "%m/%d/%Y"
    assert detect_date_format(["19850317", "", "20010101"]) == "%Y%m%d"
    assert detect_date_format(["", None]) is None


def test_column_reports_unparseable_rows_and_carries_on():
    column = parse_date_column(["19850317", "", "1985-13-45", "20010229", "20000229"])
    assert column.format == "%Y%m%d"
    assert column.dates == [dt.date(1985, 3, 17), None, None, None, dt.date(2000, 2, 29)]
    assert column.unparseable == [(3, "1985-13-45"), (4, "20010229")]


def test_impossible_dates_keep_their_digits():
    from safehub.linkage.engine.dates import PartialDate, parse_partial_date

    assert parse_partial_date("19450493") == PartialDate(1945, 4, 93)
    assert parse_partial_date("19450493").digits() == "19450493"
    assert parse_partial_date("31/02/2015") == PartialDate(2015, 2, 31)
    assert parse_partial_date("30/13/85", "%d/%m/%y") == PartialDate(1985, 13, 30)
    # real dates, blanks, other shapes, implausible years and "day/month unknown" are not partial dates
    for value in ("1945-04-03", "", None, "soon", "00000493", "19450000", "12-Foo-2015"):
        assert parse_partial_date(value) is None, value


def test_column_keeps_partial_dates_of_unparseable_rows():
    column = parse_date_column(["19850317", "19450493", "rubbish", ""], "%Y%m%d")
    assert [r for r, _ in column.unparseable] == [2, 3]
    assert column.best(0) == dt.date(1985, 3, 17)
    assert column.best(1).digits() == "19450493"
    assert column.best(2) is None and column.best(3) is None
