"""Indicators computed from imported statutory returns (Annex A, SSDA903, CIN census) instead of safehub's own records.

The definitions are data (`indicators/returns/*.yaml`), validated like the main library; each measure reads the rows a
return import stored (`safehub.imports.selectors.return_rows`) and returns a `Measured`. `engine.compute` hands an id
from this library here, so the same `Value` (unit, RAG against target) comes back:

    compute("annex_a_re_referrals", "2025-26") -> Value

A measure is "no data" (not zero) until a return of its kind has been imported.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from .indicators import Indicator, parse_library
from .measures import Measured
from .periods import Period, parse_period

HERE = Path(__file__).parent / "indicators" / "returns"
ReturnKind = Literal["annex_a", "ssda903", "cin_census"]


class ReturnIndicator(Indicator):
    """An indicator whose numbers come from an imported return."""

    return_kind: ReturnKind

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, value: str) -> str:
        if value not in RETURN_MEASURES:
            raise ValueError(f"unknown return measure {value!r}; known: {', '.join(sorted(RETURN_MEASURES))}")
        return value


def _in(day, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


def _rows(kind: str, *tables: str, agency_id: int | None = None):
    from safehub.imports.selectors import return_rows

    return return_rows(kind, tables, agency_id=agency_id)


def annex_a_referrals(period: Period, agency_id: int | None = None) -> Measured:
    return Measured(sum(1 for r in _rows("annex_a", "list_3", agency_id=agency_id) if _in(r.key_date, period)))


def annex_a_re_referrals(period: Period, agency_id: int | None = None) -> Measured:
    """A re-referral: an earlier list 3 referral of the same child (same council) in the 365 days before."""
    by_child: dict[tuple, list[dt.date]] = defaultdict(list)
    rows = _rows("annex_a", "list_3", agency_id=agency_id)
    for r in rows:
        if r.key_date:
            by_child[(r.agency_id, r.child_key)].append(r.key_date)
    referred = [r for r in rows if _in(r.key_date, period)]
    again = sum(
        1 for r in referred
        if any(r.key_date - dt.timedelta(days=365) <= d < r.key_date for d in by_child[(r.agency_id, r.child_key)])
    )
    return Measured(again, len(referred))


def annex_a_s47_to_icpc(period: Period, agency_id: int | None = None) -> Measured:
    started = [r for r in _rows("annex_a", "list_5", agency_id=agency_id) if _in(r.key_date, period)]
    return Measured(sum(1 for r in started if r.fields.get("icpc_date")), len(started))


def annex_a_cp_second_plans(period: Period, agency_id: int | None = None) -> Measured:
    started = [r for r in _rows("annex_a", "list_7", agency_id=agency_id) if _in(r.key_date, period)]
    return Measured(sum(1 for r in started if (r.fields.get("previous_plans") or 0) > 0), len(started))


def ssda903_cla(period: Period, agency_id: int | None = None) -> Measured:
    open_at_end = {
        (r.agency_id, r.child_key)
        for r in _rows("ssda903", "episodes", agency_id=agency_id)
        if r.key_date and r.key_date <= period.end and (r.end_date is None or r.end_date > period.end)
    }
    return Measured(len(open_at_end))


def _missing(period: Period, agency_id: int | None):
    return [r for r in _rows("ssda903", "missing", agency_id=agency_id)
            if r.fields.get("missing") == "M" and _in(r.key_date, period)]


def ssda903_missing_episodes(period: Period, agency_id: int | None = None) -> Measured:
    return Measured(len(_missing(period, agency_id)))


def ssda903_missing_children(period: Period, agency_id: int | None = None) -> Measured:
    return Measured(len({(r.agency_id, r.child_key) for r in _missing(period, agency_id)}))


def _referrals(period: Period, agency_id: int | None):
    return [r for r in _rows("cin_census", "cin_details", agency_id=agency_id) if _in(r.key_date, period)]


def cin_census_referrals(period: Period, agency_id: int | None = None) -> Measured:
    return Measured(len(_referrals(period, agency_id)))


def cin_census_nfa_referrals(period: Period, agency_id: int | None = None) -> Measured:
    referred = _referrals(period, agency_id)
    return Measured(sum(1 for r in referred if r.fields.get("referral_nfa") == "Y"), len(referred))


RETURN_MEASURES: dict[str, Callable[..., Measured]] = {
    "annex_a_referrals": annex_a_referrals,
    "annex_a_re_referrals": annex_a_re_referrals,
    "annex_a_s47_to_icpc": annex_a_s47_to_icpc,
    "annex_a_cp_second_plans": annex_a_cp_second_plans,
    "ssda903_cla": ssda903_cla,
    "ssda903_missing_episodes": ssda903_missing_episodes,
    "ssda903_missing_children": ssda903_missing_children,
    "cin_census_referrals": cin_census_referrals,
    "cin_census_nfa_referrals": cin_census_nfa_referrals,
}


def _parse(text: str, name: str) -> list[ReturnIndicator]:
    """Validate a YAML list of return indicators, as the main library's are (the error names the indicator and key)."""
    return parse_library(text, name=name, model=ReturnIndicator)


@lru_cache(maxsize=1)
def library() -> tuple[ReturnIndicator, ...]:
    """Every return indicator (YAML defaults; the analysts' Target rows apply through `effective`)."""
    indicators: list[ReturnIndicator] = []
    for path in sorted(HERE.glob("*.yaml")):
        indicators.extend(_parse(path.read_text(encoding="utf-8"), path.name))
    return tuple(indicators)


def is_return_indicator(indicator_id: str) -> bool:
    return any(i.id == indicator_id for i in library())


def effective(indicator_id: str) -> ReturnIndicator:
    """The indicator with the partnership's target (a `Target` row) over the YAML default."""
    from .models import Target

    indicator = next(i for i in library() if i.id == indicator_id)
    target = Target.objects.filter(indicator=indicator_id).first()
    return indicator.model_copy(update={"target": target.target, "tolerance": target.tolerance}) if target else indicator


def compute(indicator_id: str, period: Period | str, *, agency_id: int | None = None):
    """One return indicator for one period (and optionally one agency): an `engine.Value`."""
    from safehub.imports.selectors import has_return

    from .engine import Value, _Populations, _value

    period = parse_period(period) if isinstance(period, str) else period
    indicator = effective(indicator_id)
    if not has_return(indicator.return_kind):
        return Value(indicator, period, status="no_data")
    measured = RETURN_MEASURES[indicator.measure](period, agency_id)
    return _value(indicator, period, measured, _Populations())
