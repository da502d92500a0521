"""The public face of the performance framework: compute any indicator for any period (optionally one agency), the
12-period trend, RAG against target and tolerance with the indicator's polarity, and direction of travel.

    scorecard(now=..., month=date, kind=None) -> Scorecard      every indicator, one data load
    compute(indicator_id, period, now=..., agency_id=None) -> Value

Values are aggregates only. Suppression of small numbers is applied where they are shown (safehub.reports.suppression).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from . import indicators as library
from .dataset import Dataset
from .indicators import Indicator
from .measures import AGENCY_MEASURES, MEASURES, Measured
from .periods import Period, parse_period, period_containing

TREND_LENGTH = {"month": 12, "quarter": 12, "rolling_12": 12, "year": 5}
RAG_LABELS = {"green": "Green: on target", "amber": "Amber: within tolerance", "red": "Red: outside tolerance"}


@dataclass
class Value:
    indicator: Indicator
    period: Period
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    status: str = "ok"  # ok, no_data, no_cases, no_population
    rag: str | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def status_label(self) -> str:
        return {
            "ok": "",
            "no_data": "No data: safehub does not record this yet",
            "no_cases": "No cases in the period",
            "no_population": "No data: population base not entered for this year",
        }[self.status]


@dataclass
class Row:
    indicator: Indicator
    current: Value
    previous: Value | None
    trend: list[Value]
    direction: str | None = None  # up, down, same
    judgement: str | None = None  # improving, worsening, no change
    by_agency: list[tuple[str, Value]] = field(default_factory=list)

    @property
    def direction_label(self) -> str:
        if self.direction is None:
            return "Not comparable"
        arrow = {"up": "Up", "down": "Down", "same": "No change"}[self.direction]
        return f"{arrow} ({self.judgement})" if self.judgement and self.direction != "same" else arrow


@dataclass
class Scorecard:
    month: dt.date
    kind: str | None
    rows: list[Row]
    computed_at: dt.datetime


def rag_for(value: float | None, target: float | None, tolerance: float, polarity: str) -> str | None:
    """Green on or beyond the target, amber within the tolerance on the wrong side, red outside it."""
    if value is None or target is None or polarity == "neutral":
        return None
    gap = value - target if polarity == "high_good" else target - value
    if gap >= 0:
        return "green"
    return "amber" if -gap <= tolerance else "red"


def direction_of_travel(current: Value, previous: Value | None, polarity: str) -> tuple[str | None, str | None]:
    if previous is None or current.value is None or previous.value is None:
        return None, None
    diff = current.value - previous.value
    if abs(diff) < 1e-9:
        return "same", "no change"
    direction = "up" if diff > 0 else "down"
    if polarity == "neutral":
        return direction, None
    better = (diff > 0) == (polarity == "high_good")
    return direction, "improving" if better else "worsening"


class _Populations:
    def __init__(self):
        from .models import PopulationBase

        self.by_year = dict(PopulationBase.objects.values_list("year", "children"))

    def for_period(self, period: Period) -> int | None:
        """The mid-year estimate for the year the period ends in, else the latest earlier one."""
        years = [y for y in self.by_year if y <= period.end.year]
        return self.by_year[max(years)] if years else None


def _value(indicator: Indicator, period: Period, measured: Measured | None, populations: _Populations) -> Value:
    out = Value(indicator, period)
    if measured is None:
        out.status = "no_data"
        return out
    out.numerator = measured.numerator
    if indicator.unit == "count":
        out.value = float(measured.numerator)
    elif indicator.unit == "percent":
        out.denominator = measured.denominator
        if measured.denominator:
            out.value = 100.0 * measured.numerator / measured.denominator
        else:
            out.status = "no_cases"
    else:  # rate per 10,000 children
        population = populations.for_period(period)
        if not population:
            out.status = "no_population"
            return out
        out.denominator = population
        rate = 10_000 * measured.numerator / population
        out.value = rate * 365.25 / period.days if indicator.annualise and period.days < 360 else rate
    out.rag = rag_for(out.value, indicator.target, indicator.tolerance, indicator.polarity)
    return out


def _dataset_for(periods: list[Period], now: dt.datetime) -> Dataset:
    since = min(p.start for p in periods)
    until = max(p.end for p in periods)
    return Dataset(since, until, now=now)


def _row(indicator: Indicator, period: Period, ds: Dataset, populations: _Populations, agencies) -> Row:
    measure = MEASURES[indicator.measure]
    series = period.series(TREND_LENGTH[period.kind])
    trend = [_value(indicator, p, measure(ds, p), populations) for p in series]
    current = trend[-1]
    previous = trend[-2] if len(trend) > 1 else None
    direction, judgement = direction_of_travel(current, previous, indicator.polarity)
    row = Row(indicator, current, previous, trend, direction, judgement)
    if indicator.by_agency and indicator.measure in AGENCY_MEASURES:
        for agency_id, name in agencies:
            row.by_agency.append((name, _value(indicator, period, measure(ds, period, agency_id), populations)))
    return row


def scorecard(*, now: dt.datetime | None = None, month: dt.date | None = None, kind: str | None = None,
              ids: list[str] | None = None) -> Scorecard:
    """Every indicator (or those in `ids`) for the period of its own type (or `kind`) containing `month`, with trends.

    `month` defaults to the last complete month before `now`.
    """
    from safehub.core.models import Agency

    now = now or timezone.now()
    if month is None:
        month = timezone.localdate(now).replace(day=1) - dt.timedelta(days=1)
    indicators = library.effective(ids)
    periods = {i.id: period_containing(kind or i.period, month) for i in indicators}
    all_periods = [p for i in indicators for p in periods[i.id].series(TREND_LENGTH[periods[i.id].kind])]
    ds = _dataset_for(all_periods, now)
    populations = _Populations()
    agencies = list(Agency.objects.filter(active=True).order_by("name").values_list("pk", "name"))
    rows = [_row(i, periods[i.id], ds, populations, agencies) for i in indicators]
    return Scorecard(month=month, kind=kind, rows=rows, computed_at=now)


def compute(indicator_id: str, period: Period | str, *, now: dt.datetime | None = None,
            agency_id: int | None = None) -> Value:
    """One indicator for one period (and optionally one agency)."""
    from . import returns  # indicators computed from imported DfE returns have their own library

    if returns.is_return_indicator(indicator_id):
        return returns.compute(indicator_id, period, agency_id=agency_id)
    now = now or timezone.now()
    period = parse_period(period) if isinstance(period, str) else period
    indicator = next(i for i in library.effective([indicator_id]))
    ds = _dataset_for([period], now)
    return _value(indicator, period, MEASURES[indicator.measure](ds, period, agency_id), _Populations())
