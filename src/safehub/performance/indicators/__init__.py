"""The indicator library: definitions as data (YAML in this folder), validated when loaded, with the analysts' targets and
comparators from the database laid over the defaults.

    library()            every indicator, defaults only (cached; no database)
    effective(ids=None)  the same with Target / Comparator rows applied (one query each)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

HERE = Path(__file__).parent

Unit = Literal["count", "percent", "rate"]
Polarity = Literal["high_good", "low_good", "neutral"]
PeriodType = Literal["month", "quarter", "year", "rolling_12"]
ComparatorKind = Literal["england", "region", "statistical_neighbours"]


class ComparatorDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ComparatorKind
    value: float
    year: str
    source: str
    editable: bool = True


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    title: str
    definition: str
    numerator: str
    denominator: str | None = None
    unit: Unit
    polarity: Polarity = "neutral"
    period: PeriodType = "month"
    measure: str
    source: str
    by_agency: bool = False
    annualise: bool = False
    target: float | None = None
    tolerance: float = 0.0
    comparators: list[ComparatorDef] = []

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, value: str) -> str:
        from safehub.performance.measures import MEASURES

        if value not in MEASURES:
            raise ValueError(f"unknown measure {value!r}; known: {', '.join(sorted(MEASURES))}")
        return value

    def comparator(self, kind: str) -> ComparatorDef | None:
        return next((c for c in self.comparators if c.kind == kind), None)


class IndicatorLibraryError(ValueError):
    pass


def parse_library(text: str, *, name: str = "indicators", model: type[BaseModel] | None = None) -> list:
    """Validate a YAML list of indicators (of `model`, `Indicator` by default); the error names the indicator and key."""
    model = model or Indicator
    entries = yaml.safe_load(text) or []
    if not isinstance(entries, list):
        raise IndicatorLibraryError(f"{name}: expected a list of indicators")
    out, seen = [], set()
    for n, entry in enumerate(entries, start=1):
        ident = entry.get("id", f"#{n}") if isinstance(entry, dict) else f"#{n}"
        try:
            indicator = model.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise IndicatorLibraryError(f"{name}: indicator {ident}: {problems}") from None
        if indicator.id in seen:
            raise IndicatorLibraryError(f"{name}: indicator {ident}: id used twice")
        seen.add(indicator.id)
        out.append(indicator)
    return out


@lru_cache(maxsize=1)
def library() -> tuple[Indicator, ...]:
    indicators: list[Indicator] = []
    for path in sorted(HERE.glob("*.yaml")):
        indicators.extend(parse_library(path.read_text(encoding="utf-8"), name=path.name))
    return tuple(indicators)


def by_id() -> dict[str, Indicator]:
    return {i.id: i for i in library()}


def get(indicator_id: str) -> Indicator:
    try:
        return by_id()[indicator_id]
    except KeyError:
        raise KeyError(f"No indicator {indicator_id!r}") from None


def effective(ids: list[str] | None = None) -> list[Indicator]:
    """The library with the partnership's targets and comparators (database rows override the YAML defaults)."""
    from safehub.performance.models import Comparator, Target

    indicators = [i for i in library() if ids is None or i.id in ids]
    targets = {t.indicator: t for t in Target.objects.all()}
    comparators: dict[str, list] = {}
    for c in Comparator.objects.all():
        comparators.setdefault(c.indicator, []).append(c)
    out = []
    for indicator in indicators:
        changes: dict = {}
        if (t := targets.get(indicator.id)) is not None:
            changes.update(target=t.target, tolerance=t.tolerance)
        if indicator.id in comparators:
            merged = {c.kind: c for c in indicator.comparators}
            for row in comparators[indicator.id]:
                merged[row.kind] = ComparatorDef(kind=row.kind, value=row.value, year=row.year, source=row.source)
            changes["comparators"] = list(merged.values())
        out.append(indicator.model_copy(update=changes) if changes else indicator)
    return out
