"""Exact values across England's bank holidays, and properties of working-day arithmetic."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from safehub.core.working_days import WorkingCalendar

england = WorkingCalendar()
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


def test_45_working_days_from_a_referral_on_19_december_2025():
    # Counting starts Monday 22 December; Christmas Day, Boxing Day and New Year's Day are skipped: 7 working days to
    # Friday 2 January, then 7 full weeks (35) to Friday 20 February, then Monday 23, Tuesday 24, Wednesday 25 February.
    assert england.add_working_days(dt.date(2025, 12, 19), 45) == dt.date(2026, 2, 25)
    assert england.working_days_between(dt.date(2025, 12, 19), dt.date(2026, 1, 2)) == 7


def test_easter_2026_is_skipped():
    # Good Friday 3 April and Easter Monday 6 April 2026
    assert england.add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)


def test_substitute_day_when_christmas_is_on_a_weekend():
    # 25 and 26 December 2027 fall on Saturday and Sunday: the substitute days are Monday 27 and Tuesday 28.
    assert not england.is_working_day(dt.date(2027, 12, 27))
    assert not england.is_working_day(dt.date(2027, 12, 28))
    assert england.add_working_days(dt.date(2027, 12, 24), 1) == dt.date(2027, 12, 29)


def test_partnership_closure_days_count_as_non_working():
    calendar = WorkingCalendar({dt.date(2026, 12, 29)})
    assert calendar.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 30)


@given(days, st.integers(min_value=0, max_value=300))
def test_adding_then_counting_gives_back_the_number(start, n):
    end = england.add_working_days(start, n)
    assert england.working_days_between(start, end) == n
    assert n == 0 or england.is_working_day(end)


@given(days, st.integers(min_value=1, max_value=200))
def test_adding_and_subtracting_return_to_a_working_day_at_or_before_start(start, n):
    back = england.add_working_days(england.add_working_days(start, n), -n)
    assert back <= start and england.is_working_day(back)
    assert england.working_days_between(back, start) == 0


@given(days, days)
def test_counting_is_antisymmetric(a, b):
    assert england.working_days_between(a, b) == -england.working_days_between(b, a)


def test_timescales_default_and_configurable(db):
    from safehub.core.models import TimescaleRule
    from safehub.core.timescales import timescale

    assert timescale("icpc").due(dt.date(2026, 4, 1)) == dt.date(2026, 4, 24)  # Good Friday and Easter Monday skipped
    assert timescale("rhi").due(dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)) == dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
    TimescaleRule.objects.create(code="icpc", name="ICPC", amount=10, unit="working_days")
    assert timescale("icpc").due(dt.date(2026, 4, 1)) == dt.date(2026, 4, 17)
