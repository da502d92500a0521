"""How each indicator is counted: one function per measure, reading a `Dataset` for one period (and optionally one
agency) and returning the numerator and denominator. `None` means the platform has no data for it yet — shown as
"no data", never as zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from .dataset import Dataset, WorkingDayIndex, between
from .periods import Period


@dataclass(frozen=True)
class Measured:
    numerator: int
    denominator: int | None = None


def _by_agency(frame: pl.DataFrame, agency_id: int | None) -> pl.DataFrame:
    return frame if agency_id is None else frame.filter(pl.col("agency_id") == agency_id)


def _sum(frame: pl.DataFrame, column: str) -> int:
    return int(frame.get_column(column).sum()) if frame.height else 0


def _count_events(type_: str):
    def measure(ds: Dataset, period: Period, agency_id: int | None = None) -> Measured:
        return Measured(_sum(_by_agency(between(ds.counts_of(type_), "day", period.start, period.end), agency_id), "n"))

    return measure


def _no_data_unless_events(type_: str):
    counted = _count_events(type_)

    def measure(ds: Dataset, period: Period, agency_id: int | None = None) -> Measured | None:
        return counted(ds, period, agency_id) if ds.has_events(type_) else None

    return measure


def contacts_to_referral(ds, period, agency_id=None):
    decided = between(ds.decision_counts, "day", period.start, period.end)
    return Measured(_sum(decided, "referrals"), _sum(decided, "decided"))


def referrals(ds, period, agency_id=None):
    return Measured(between(ds.referrals, "day", period.start, period.end).height)


def re_referrals(ds, period, agency_id=None):
    referred = between(ds.referrals, "day", period.start, period.end)
    return Measured(int(referred.get_column("re_referral").sum()), referred.height)


def _working_days(ds: Dataset) -> WorkingDayIndex:
    index = getattr(ds, "_working_day_index", None)
    if index is None:
        index = WorkingDayIndex(ds.since - dt.timedelta(days=500), ds.until + dt.timedelta(days=200))
        ds._working_day_index = index
    return index


def _timescale_amount(code: str) -> tuple[int, str]:
    from safehub.core.timescales import timescale

    rule = timescale(code)
    return rule.amount, rule.unit


def assessments_in_time(ds, period, agency_id=None):
    done = between(ds.assessments, "completed_on", period.start, period.end)
    if done.height == 0:
        return Measured(0, 0)
    amount, unit = _timescale_amount("assessment")
    due = _working_days(ds).due(done.get_column("started_on"), amount) if unit == "working_days" else None
    on_time = (done.get_column("completed_on") <= due).sum()
    return Measured(int(on_time), done.height)


def s47_enquiries(ds, period, agency_id=None):
    return Measured(between(ds.enquiries, "started_on", period.start, period.end).height)


def s47_to_icpc(ds, period, agency_id=None):
    started = between(ds.enquiries, "started_on", period.start, period.end)
    return Measured(started.filter(pl.col("icpc_on").is_not_null()).height, started.height)


def icpc_in_time(ds, period, agency_id=None):
    held = ds.enquiries.filter(pl.col("icpc_on").is_between(period.start, period.end))
    if held.height == 0:
        return Measured(0, 0)
    amount, _unit = _timescale_amount("icpc")
    due = _working_days(ds).due(held.get_column("held_on"), amount)
    return Measured(int((held.get_column("icpc_on") <= due).sum()), held.height)


def _open_at_end(ds: Dataset, type_: str, period: Period) -> int | None:
    if ds.plans.filter(pl.col("type") == type_).height == 0:
        return None  # no plans of this type recorded in safehub yet: "no data", not zero
    plans = ds.plans.filter(
        (pl.col("type") == type_) & (pl.col("start_on") <= period.end)
        & (pl.col("end_on").is_null() | (pl.col("end_on") >= period.end))
    )
    return plans.get_column("child_id").n_unique()


def cp_plans(ds, period, agency_id=None):
    count = _open_at_end(ds, "cp", period)
    return None if count is None else Measured(count)


def cla(ds, period, agency_id=None):
    count = _open_at_end(ds, "cla", period)
    return None if count is None else Measured(count)


def cp_second_plans(ds, period, agency_id=None):
    cp = ds.plans.filter(pl.col("type") == "cp").sort(["child_id", "start_on"]).with_columns(
        order=pl.int_range(pl.len()).over("child_id")
    )
    started = cp.filter(pl.col("start_on").is_between(period.start, period.end))
    return Measured(started.filter(pl.col("order") > 0).height, started.height)


def cp_two_years(ds, period, agency_id=None):
    ended = ds.plans.filter((pl.col("type") == "cp") & pl.col("end_on").is_between(period.start, period.end))
    long = ended.filter(pl.col("end_on") >= pl.col("start_on").dt.offset_by("2y"))
    return Measured(long.height, ended.height)


def missing_children(ds, period, agency_id=None):
    started = _by_agency(between(ds.events_of("missing.started"), "day", period.start, period.end), agency_id)
    return Measured(started.get_column("child_id").n_unique())


def repeat_missing(ds, period, agency_id=None):
    fired = between(ds.events_of("missing.trigger"), "day", period.start, period.end)
    return Measured(fired.get_column("child_id").n_unique())


def rhi_offered_in_time(ds, period, agency_id=None):
    due = between(ds.interviews_due, "day", period.start, period.end)
    return Measured(_sum(due, "on_time"), _sum(due, "due"))


def rhi_accepted(ds, period, agency_id=None):
    offered = between(ds.interviews_offered, "day", period.start, period.end)
    return Measured(_sum(offered, "accepted"), _sum(offered, "answered"))


def checks_in_time(ds, period, agency_id=None):
    """Same rule as `safehub.intake.selectors.share_within_sla`: open checks within their deadline have no outcome yet."""
    sent = _by_agency(between(ds.checks, "day", period.start, period.end), agency_id)
    return Measured(_sum(sent, "on_time"), _sum(sent, "decided"))


def mash_decisions_in_time(ds, period, agency_id=None):
    decided = between(ds.decision_counts, "day", period.start, period.end)
    return Measured(_sum(decided, "on_time"), _sum(decided, "decided"))


def mace_referrals(ds, period, agency_id=None):
    decided = between(ds.decisions, "day", period.start, period.end).filter(pl.col("outcome") == "mace")
    flagged = between(ds.events_of("risk.flag_mace"), "day", period.start, period.end)
    children = pl.concat([decided.get_column("child_id"), flagged.get_column("child_id")])
    return Measured(children.drop_nulls().n_unique())


def panel_actions_on_time(ds, period, agency_id=None):
    today = ds.today
    due = _by_agency(between(ds.actions, "due_on", period.start, period.end), agency_id).filter(
        pl.col("status") != "dropped"
    )
    done = pl.col("status") == "done"
    decided = due.filter(done | (pl.col("due_on") < today))
    on_time = due.filter(done & pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= pl.col("due_on")))
    return Measured(on_time.height, decided.height)


def nhs_match_rate(ds, period, agency_id=None):
    """A snapshot of today: only the period containing today (or the latest complete one) has a value."""
    today = ds.today
    if not (period.start <= today <= period.end or today - dt.timedelta(days=31) <= period.end < today):
        return None
    rate = getattr(ds, "_nhs_match_rate", None)
    if rate is None:
        from safehub.linkage.quality import nhs_match_rate as current

        rate = ds._nhs_match_rate = current()
    return Measured(rate["verified"], rate["children"])


MEASURES = {
    "contacts": _count_events("contact"),
    "contacts_to_referral": contacts_to_referral,
    "referrals": referrals,
    "re_referrals": re_referrals,
    "assessments_in_time": assessments_in_time,
    "s47_enquiries": s47_enquiries,
    "s47_to_icpc": s47_to_icpc,
    "icpc_in_time": icpc_in_time,
    "cp_plans": cp_plans,
    "cp_second_plans": cp_second_plans,
    "cp_two_years": cp_two_years,
    "cp_visits_in_time": lambda ds, period, agency_id=None: None,  # no visits recorded yet: "no data"
    "cla": cla,
    "police_protection": _no_data_unless_events("police.protection"),
    "missing_children": missing_children,
    "missing_episodes": _count_events("missing.started"),
    "repeat_missing": repeat_missing,
    "rhi_offered_in_time": rhi_offered_in_time,
    "rhi_accepted": rhi_accepted,
    "checks_in_time": checks_in_time,
    "mash_decisions_in_time": mash_decisions_in_time,
    "mace_referrals": mace_referrals,
    "risk_assessments": _count_events("risk.assessment"),
    "panel_actions_on_time": panel_actions_on_time,
    "share_decisions": _count_events("share.decision"),
    "nhs_match_rate": nhs_match_rate,
}

# Measures whose numbers can be split by the agency on the row.
AGENCY_MEASURES = {"checks_in_time", "missing_children", "missing_episodes", "risk_assessments", "panel_actions_on_time",
                   "share_decisions"}
