"""The records behind an indicator's numerator, for the drill-down: child id, day and what counted. Only measures whose
numerator is about children are listed; the view decides what of each child the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from safehub.performance.dataset import Dataset, between
from safehub.performance.periods import Period


@dataclass(frozen=True)
class Record:
    child_id: int
    day: dt.date
    what: str


def _events(type_: str, what: str):
    def rows(ds: Dataset, period: Period) -> pl.DataFrame:
        return between(ds.events_of(type_), "day", period.start, period.end).select("child_id", "day").with_columns(
            what=pl.lit(what))
    return rows


def _referrals(re_only: bool):
    def rows(ds: Dataset, period: Period) -> pl.DataFrame:
        frame = between(ds.referrals, "day", period.start, period.end)
        if re_only:
            frame = frame.filter(pl.col("re_referral"))
        return frame.select("child_id", "day").with_columns(what=pl.lit("Re-referral" if re_only else "Referral"))
    return rows


def _open_plans(type_: str, what: str):
    def rows(ds: Dataset, period: Period) -> pl.DataFrame:
        plans = ds.plans.filter((pl.col("type") == type_) & (pl.col("start_on") <= period.end)
                                & (pl.col("end_on").is_null() | (pl.col("end_on") >= period.end)))
        return plans.select("child_id", pl.col("start_on").alias("day")).with_columns(what=pl.lit(what))
    return rows


DRILLS = {
    "contacts": _events("contact", "Contact"),
    "missing_children": _events("missing.started", "Missing episode started"),
    "missing_episodes": _events("missing.started", "Missing episode started"),
    "repeat_missing": _events("missing.trigger", "Missing trigger fired"),
    "risk_assessments": _events("risk.assessment", "Risk assessment"),
    "share_decisions": _events("share.decision", "Information-sharing decision"),
    "referrals": _referrals(False),
    "re_referrals": _referrals(True),
    "cp_plans": _open_plans("cp", "Child protection plan open (start date)"),
    "cla": _open_plans("cla", "Looked after (care plan start date)"),
}


def records(measure: str, period: Period, *, now: dt.datetime) -> list[Record]:
    ds = Dataset(period.start, period.end, now=now)
    frame = DRILLS[measure](ds, period).drop_nulls("child_id").sort(["day", "child_id"])
    return [Record(int(c), d, w) for c, d, w in frame.iter_rows()]
