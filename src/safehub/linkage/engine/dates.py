"""Dates of birth: parse the styles agencies use, and detect a column's format from its values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

__all__ = ["DATE_FORMATS", "DateColumn", "PartialDate", "detect_date_format", "parse_date", "parse_date_column",
           "parse_partial_date"]

#: Formats tried, in order of preference when several parse a column equally well (UK day-first before US).
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d-%b-%y",
)
_ISO_WITH_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}")
#: strptime directive -> regular expression for the digits it reads (formats with month names are not split).
_PART_PATTERNS = {"%Y": r"(?P<year>\d{4})", "%m": r"(?P<month>\d{1,2})", "%d": r"(?P<day>\d{1,2})",
                  "%y": r"(?P<year2>\d{2})"}
#: Years outside this range are not a plausible date of birth, even in part.
_PLAUSIBLE_YEARS = range(1850, 2101)


class PartialDate(NamedTuple):
    """The digits of a date that is not a real date (``19450493``: day 93), kept so its parts still count.

    ``month`` and ``day`` are as written (they may be out of range); ``year`` is always plausible.
    """

    year: int
    month: int
    day: int

    def digits(self) -> str:
        """``YYYYMMDD`` as written: ``"19450493"``."""
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"


def _clean(value: str) -> str:
    value = value.strip()
    m = _ISO_WITH_TIME.match(value)
    return m[1] if m else value


def _strptime(value: str, fmt: str, today: dt.date) -> dt.date | None:
    try:
        parsed = dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date, no time zone
    except ValueError:
        return None
    if "%y" in fmt and parsed > today:  # two-digit year in the future: last century
        parsed = parsed.replace(year=parsed.year - 100)
    return parsed


def parse_date(value: object, fmt: str | None = None, *, today: dt.date | None = None) -> dt.date | None:
    """Parse one date: ``date``/``datetime`` pass through; strings use ``fmt`` or the first of
    :data:`DATE_FORMATS` that fits. ``None`` for blank or unparseable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _clean(str(value))
    if not text:
        return None
    today = today or dt.date.today()  # noqa: DTZ011 - only to place two-digit years
    for candidate in (fmt,) if fmt else DATE_FORMATS:
        parsed = _strptime(text, candidate, today)
        if parsed is not None:
            return parsed
    return None


@lru_cache(maxsize=64)
def _part_pattern(fmt: str) -> re.Pattern[str] | None:
    if not all(d in fmt for d in ("%m", "%d")) or not ("%Y" in fmt or "%y" in fmt):
        return None
    out, i = [], 0
    while i < len(fmt):
        token = fmt[i:i + 2]
        if token in _PART_PATTERNS:
            out.append(_PART_PATTERNS[token])
            i += 2
        elif fmt[i] == "%":
            return None  # month names, times...: no digits to split
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def parse_partial_date(value: object, fmt: str | None = None, *, today: dt.date | None = None) -> PartialDate | None:
    """The year, month and day digits of a value that is shaped like a date but is not one (``19450493``,
    ``31/02/2015``), read with ``fmt`` or the first of :data:`DATE_FORMATS` whose shape fits.

    ``None`` for blank values, real dates, values of no known shape, an implausible year, or a zero month or day
    (``19450000`` is "1945, day and month unknown", not a typo).
    """
    if value is None or isinstance(value, dt.date):
        return None
    text = _clean(str(value))
    if not text:
        return None
    today = today or dt.date.today()  # noqa: DTZ011 - only to place two-digit years
    for candidate in (fmt,) if fmt else DATE_FORMATS:
        pattern = _part_pattern(candidate)
        match = pattern.match(text) if pattern else None
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("year2") is not None:
            year = 2000 + int(parts["year2"])
            if year > today.year:
                year -= 100
        else:
            year = int(parts["year"])
        month, day = int(parts["month"]), int(parts["day"])
        if year not in _PLAUSIBLE_YEARS or month == 0 or day == 0:
            return None
        try:
            dt.date(year, month, day)
        except ValueError:
            return PartialDate(year, month, day)
        return None  # a real date: parse_date's business
    return None


def detect_date_format(values: Iterable[object], sample: int = 2000) -> str | None:
    """The format in :data:`DATE_FORMATS` that parses most of (a sample of) the non-blank values.

    Ties go to the earlier format, so ``03/04/2015`` reads as 3 April unless other values show the
    column is month-first. ``None`` if nothing parses.
    """
    texts: list[str] = []
    for value in values:
        if value is None or isinstance(value, dt.date):
            continue
        text = _clean(str(value))
        if text:
            texts.append(text)
            if len(texts) >= sample:
                break
    if not texts:
        return None
    today = dt.date.today()  # noqa: DTZ011
    best, best_count = None, 0
    for fmt in DATE_FORMATS:
        count = sum(1 for t in texts if _strptime(t, fmt, today) is not None)
        if count > best_count:
            best, best_count = fmt, count
    return best


@dataclass
class DateColumn:
    """A parsed column: ``dates`` (``None`` where blank or bad), the format used, and the bad rows."""

    dates: list[dt.date | None]
    format: str | None
    #: ``(row_number, value)`` for each non-blank value that did not parse (row numbers 1-based).
    unparseable: list[tuple[int, str]] = field(default_factory=list)
    #: For each unparseable value shaped like a date (``19450493``): its digits, by 0-based position in ``dates``.
    partial: dict[int, PartialDate] = field(default_factory=dict)

    def best(self, index: int) -> dt.date | PartialDate | None:
        """The date at ``index``, else its :class:`PartialDate`, else ``None``."""
        return self.dates[index] or self.partial.get(index)


def parse_date_column(values: Sequence[object], fmt: str | None = None, *, first_row: int = 1) -> DateColumn:
    """Parse a whole column with one format (given, or detected with :func:`detect_date_format`).

    Values that are already dates pass through; blank values become ``None`` silently; others that
    do not parse become ``None`` and are listed in ``unparseable`` with their row numbers (and, when they
    are shaped like a date, in ``partial``).
    """
    fmt = fmt or detect_date_format(values)
    today = dt.date.today()  # noqa: DTZ011
    cache: dict[str, dt.date | None] = {}
    dates: list[dt.date | None] = []
    bad: list[tuple[int, str]] = []
    partial: dict[int, PartialDate] = {}
    for i, value in enumerate(values):
        if value is None:
            dates.append(None)
            continue
        if isinstance(value, dt.datetime):
            dates.append(value.date())
            continue
        if isinstance(value, dt.date):
            dates.append(value)
            continue
        text = _clean(str(value))
        if not text:
            dates.append(None)
            continue
        if text not in cache:
            cache[text] = _strptime(text, fmt, today) if fmt else None
        parsed = cache[text]
        if parsed is None:
            bad.append((first_row + i, str(value)))
            digits = parse_partial_date(text, fmt, today=today) if fmt else None
            if digits is not None:
                partial[i] = digits
        dates.append(parsed)
    return DateColumn(dates=dates, format=fmt, unparseable=bad, partial=partial)
