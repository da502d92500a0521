"""Working days in England: weekends, England's bank holidays (the `holidays` package) and the partnership's own closures.

Statutory timescales count working days: "within 45 working days of referral" starts counting on the next working day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def _closures() -> frozenset[dt.date]:
    from .models import Closure

    return frozenset(Closure.objects.values_list("date", flat=True))


class WorkingCalendar:
    """A calendar with a fixed set of extra closures; use `calendar()` for the partnership's current one."""

    def __init__(self, closures: frozenset[dt.date] | set[dt.date] = frozenset()):
        self.closures = frozenset(closures)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in self.closures

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (before it if negative); `start` itself is not counted."""
        step = 1 if days >= 0 else -1
        remaining, day = abs(days), start
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + dt.timedelta(days=n)))

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, otherwise the next one."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


def calendar() -> WorkingCalendar:
    """The partnership's calendar: England's bank holidays plus the closures recorded in safehub."""
    return WorkingCalendar(_closures())


def add_working_days(start: dt.date, days: int) -> dt.date:
    return calendar().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return calendar().working_days_between(start, end)
