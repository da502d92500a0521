"""Reporting periods: calendar months, financial-year quarters (Q1 = April to June), financial years (April to March,
as DfE reports "year ending 31 March") and rolling 12 months ending with a month. Every period is a pair of dates,
first and last day inclusive, with a key that names it in URLs, commentary and exports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

PERIOD_TYPES = {"month": "Month", "quarter": "Quarter", "year": "Financial year", "rolling_12": "Rolling 12 months"}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str
    key: str
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - dt.timedelta(days=1))

    def series(self, n: int = 12) -> list[Period]:
        """The `n` periods ending with this one, oldest first."""
        out = [self]
        while len(out) < n:
            out.append(out[-1].previous())
        return out[::-1]


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1) - dt.timedelta(days=1)


def _fy_start(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def period_containing(kind: str, day: dt.date) -> Period:
    """The period of `kind` that contains `day` (for rolling 12 months: the one ending with `day`'s month)."""
    if kind == "month":
        start = day.replace(day=1)
        return Period(start, _month_end(day), kind, f"{day:%Y-%m}", f"{day:%B %Y}")
    if kind == "quarter":
        fy = _fy_start(day)
        q = ((day.month - 4) % 12) // 3 + 1
        start = dt.date(fy, 4, 1) + relativedelta(months=3 * (q - 1))
        end = start + relativedelta(months=3) - dt.timedelta(days=1)
        return Period(start, end, kind, f"{fy}-{(fy + 1) % 100:02d}-Q{q}",
                      f"Q{q} {fy}-{(fy + 1) % 100:02d} ({start:%b} to {end:%b %Y})")
    if kind == "year":
        fy = _fy_start(day)
        return Period(dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31), kind, f"{fy}-{(fy + 1) % 100:02d}",
                      f"{fy}-{(fy + 1) % 100:02d} (April to March)")
    if kind == "rolling_12":
        end = _month_end(day)
        start = end.replace(day=1) - relativedelta(months=11)
        return Period(start, end, kind, f"R12-{day:%Y-%m}", f"12 months to {end:%B %Y}")
    raise ValueError(f"Unknown period type {kind!r}; use one of {', '.join(PERIOD_TYPES)}")


_KEYS = [
    ("rolling_12", re.compile(r"^R12-(\d{4})-(\d{2})$"), lambda m: dt.date(int(m[1]), int(m[2]), 1)),
    ("quarter", re.compile(r"^(\d{4})-\d{2}-Q([1-4])$"),
     lambda m: dt.date(int(m[1]), 4, 1) + relativedelta(months=3 * (int(m[2]) - 1))),
    ("year", re.compile(r"^(\d{4})-\d{2}$"), None),
    ("month", re.compile(r"^(\d{4})-(\d{2})$"), lambda m: dt.date(int(m[1]), int(m[2]), 1)),
]


def parse_period(key: str) -> Period:
    """The period a key names: 2026-03 (month), 2025-26-Q4 (quarter), 2025-26 (year), R12-2026-03 (rolling)."""
    key = (key or "").strip()
    for kind, pattern, first_day in _KEYS:
        m = pattern.match(key)
        if not m:
            continue
        if kind == "year":
            start_year, end_part = int(m[1]), int(key[5:7])
            if (start_year + 1) % 100 != end_part:
                continue
            return period_containing("year", dt.date(start_year, 4, 1))
        if kind == "month" and not 1 <= int(m[2]) <= 12:
            break
        return period_containing(kind, first_day(m))
    raise ValueError(f"Not a period: {key!r}. Use 2026-03, 2025-26-Q4, 2025-26 or R12-2026-03")


def latest_complete(kind: str, today: dt.date) -> Period:
    """The latest period of `kind` that has ended by `today` (the board reports complete periods)."""
    current = period_containing(kind, today)
    return current if current.end < today else current.previous()
