"""The data the indicators read, loaded once per scorecard into polars frames straight from SQL (no ORM objects).

Only aggregates leave this module. Each source is loaded on first use; datetimes are read as epoch seconds and turned
into local (Europe/London) days in polars, dates as days since 1970, so loading a million events stays cheap.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection

EPOCH = dt.date(1970, 1, 1)

# The event types the indicators count (grouped by type, agency and day in the database) ...
COUNTED_EVENT_TYPES = ("contact", "missing.started", "risk.assessment", "share.decision", "cp.visit", "police.protection")
# ... and those they count by distinct child (read row by row).
CHILD_EVENT_TYPES = ("missing.started", "missing.trigger", "risk.flag_mace")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _epoch_seconds(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"


def _epoch_day(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"({column} - DATE '1970-01-01')"


def day_sql(column: str) -> str:
    """Two SQL columns from which `local_days` gives the local (Europe/London) day of a stored UTC timestamp: the UTC
    date as days since 1970 (integers are far cheaper to fetch than text) and whether the UTC hour is 23 (the only hour
    that can fall on the next local day). Cheap to compute and to group by inside SQLite; PostgreSQL converts the time
    zone itself."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday(substr({column}, 1, 10)) - 2440587.5 AS INTEGER), substr({column}, 12, 2) = '23'"
    return f"(CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS DATE) - DATE '1970-01-01'), FALSE"


@lru_cache(maxsize=4096)
def _ahead_at_midnight(day: dt.date) -> bool:
    """Whether local time is ahead of UTC in the last hour of `day` (UTC), so 23:xx UTC is the next local day."""
    moment = dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.UTC)
    offset = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).utcoffset() or dt.timedelta(0)
    return offset >= dt.timedelta(minutes=30)


def local_days(frame: pl.DataFrame) -> pl.DataFrame:
    """Turn the `utc_date`/`late` columns from `day_sql` into `day` (local calendar day)."""
    if frame.height == 0:
        return frame.drop("utc_date", "late").with_columns(day=pl.lit(None, dtype=pl.Date))
    frame = frame.with_columns(pl.col("utc_date").cast(pl.Date))
    dates = frame.get_column("utc_date").unique().drop_nulls()
    ahead = pl.DataFrame({"utc_date": dates, "ahead": [_ahead_at_midnight(d) for d in dates.to_list()]},
                         schema={"utc_date": pl.Date, "ahead": pl.Boolean})
    frame = frame.join(ahead, on="utc_date", how="left")
    shift = (pl.col("late").cast(pl.Boolean) & pl.col("ahead")).cast(pl.Int32)
    return frame.with_columns(day=pl.col("utc_date") + pl.duration(days=shift)).drop("utc_date", "late", "ahead")


def _from(day: dt.date):
    """A datetime parameter for `column >= %s`, from a day's slack before `day` (time zones), as the backend stores it."""
    moment = dt.datetime.combine(day - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return connection.ops.adapt_datetimefield_value(moment)


def _from_day(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


def _frame(sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = list(schema)
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = list(zip(*rows, strict=True))
    return pl.DataFrame({n: pl.Series(n, columns[i], dtype=schema[n]) for i, n in enumerate(names)})


def local_day(column: str) -> pl.Expr:
    """Epoch seconds (UTC) → the local calendar day."""
    return (
        pl.from_epoch(pl.col(column), time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(settings.TIME_ZONE)
        .dt.date()
    )


def epoch_date(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Int32).cast(pl.Date)


class Dataset:
    """Frames for one scorecard run, covering days from `since` (with look-back where an indicator needs it) to `until`."""

    def __init__(self, since: dt.date, until: dt.date, *, now: dt.datetime):
        from django.utils import timezone

        self.since, self.until, self.now = since, until, now
        self.today = timezone.localdate(now)

    # -- the event table ------------------------------------------------------------------------------------------
    @cached_property
    def event_counts(self) -> dict[str, pl.DataFrame]:
        """Events per type, agency and local day (counted inside the database), split by type, sorted by day."""
        from .event_counts import day_counts

        frame = day_counts(COUNTED_EVENT_TYPES, self.since).select("type", "agency_id", "n", "day").sort("day")
        return {t: part for (t,), part in frame.partition_by("type", as_dict=True).items()}

    @cached_property
    def events(self) -> dict[str, pl.DataFrame]:
        """Child-level events (child, agency, local day) of the types counted by distinct child, sorted by day."""
        from safehub.people.models import Event

        marks = ", ".join(["%s"] * len(CHILD_EVENT_TYPES))
        frame = _frame(
            f"SELECT type, child_id, agency_id, {day_sql('occurred_at')} FROM {_table(Event)} "  # noqa: S608
            f"WHERE type IN ({marks}) AND occurred_at >= %s",
            [*CHILD_EVENT_TYPES, _from(self.since)],
            {"type": pl.Utf8, "child_id": pl.Int64, "agency_id": pl.Int64, "utc_date": pl.Int32, "late": pl.Int8},
        )
        frame = local_days(frame).sort("day")
        return {t: part for (t,), part in frame.partition_by("type", as_dict=True).items()}

    def events_of(self, type_: str) -> pl.DataFrame:
        """Child-level rows of one type: loaded by distinct-child measures and the drill-down."""
        if type_ not in CHILD_EVENT_TYPES:
            return self._child_events(type_)
        return self.events.get(type_, pl.DataFrame(schema={"type": pl.Utf8, "child_id": pl.Int64,
                                                             "agency_id": pl.Int64, "day": pl.Date}))

    def _child_events(self, type_: str) -> pl.DataFrame:
        from safehub.people.models import Event

        frame = _frame(
            f"SELECT type, child_id, agency_id, {day_sql('occurred_at')} FROM {_table(Event)} "  # noqa: S608
            "WHERE type = %s AND occurred_at >= %s AND occurred_at < %s",
            [type_, _from(self.since), _from(self.until + dt.timedelta(days=3))],
            {"type": pl.Utf8, "child_id": pl.Int64, "agency_id": pl.Int64, "utc_date": pl.Int32, "late": pl.Int8},
        )
        return local_days(frame).sort("day")

    def counts_of(self, type_: str) -> pl.DataFrame:
        return self.event_counts.get(type_, pl.DataFrame(schema={"type": pl.Utf8, "agency_id": pl.Int64,
                                                                   "n": pl.Int64, "day": pl.Date}))

    def has_events(self, type_: str) -> bool:
        return type_ in self.event_counts or type_ in self.events

    # -- front door -----------------------------------------------------------------------------------------------
    @cached_property
    def decision_counts(self) -> pl.DataFrame:
        """MASH decisions per local day: all, referrals (s17/s47) and those made by the contact's deadline."""
        from safehub.intake.models import Contact, MashDecision

        frame = _frame(
            f"SELECT {day_sql('d.decided_at')}, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN d.outcome IN ('s17', 's47') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.decided_at <= c.decision_due THEN 1 ELSE 0 END) "
            f"FROM {_table(MashDecision)} d JOIN {_table(Contact)} c ON c.id = d.contact_id "
            "WHERE d.decided_at >= %s GROUP BY 1, 2",
            [_from(self.since)],
            {"utc_date": pl.Int32, "late": pl.Int8, "decided": pl.Int64, "referrals": pl.Int64, "on_time": pl.Int64},
        )
        return _regroup(local_days(frame), [], ["decided", "referrals", "on_time"])

    @cached_property
    def decisions(self) -> pl.DataFrame:
        """Referral and MACE decisions on a known child, one row each (a year's look-back for re-referrals)."""
        from safehub.intake.models import Contact, MashDecision

        frame = _frame(
            f"SELECT d.outcome, c.child_id, {_epoch_seconds('d.decided_at')}, {day_sql('d.decided_at')} "  # noqa: S608
            f"FROM {_table(MashDecision)} d JOIN {_table(Contact)} c ON c.id = d.contact_id "
            "WHERE d.decided_at >= %s AND d.outcome IN ('s17', 's47', 'mace') AND c.child_id IS NOT NULL",
            [_from(self.since - dt.timedelta(days=400))],
            {"outcome": pl.Utf8, "child_id": pl.Int64, "at": pl.Int64, "utc_date": pl.Int32, "late": pl.Int8},
        )
        return local_days(frame).sort("day")

    @cached_property
    def referrals(self) -> pl.DataFrame:
        """Referrals (s17/s47 decisions on a known child), each marked with whether the child had one in the 365 days before."""
        frame = self.decisions.filter(pl.col("outcome").is_in(["s17", "s47"]))
        frame = frame.sort(["child_id", "at"]).with_columns(
            previous_day=pl.col("day").shift(1).over("child_id")
        ).with_columns(
            re_referral=(pl.col("previous_day").is_not_null() & ((pl.col("day") - pl.col("previous_day")).dt.total_days()
                                                                 <= 365))
        )
        return frame.sort("day")

    @cached_property
    def assessments(self) -> pl.DataFrame:
        from safehub.intake.models import Assessment

        frame = _frame(
            f"SELECT child_id, {_epoch_day('started_on')}, {_epoch_day('completed_on')} FROM {_table(Assessment)} "  # noqa: S608
            "WHERE completed_on IS NOT NULL AND completed_on >= %s",
            [_from_day(self.since)],
            {"child_id": pl.Int64, "started": pl.Int32, "completed": pl.Int32},
        )
        return frame.with_columns(started_on=epoch_date("started"), completed_on=epoch_date("completed")).sort(
            "completed_on")

    @cached_property
    def enquiries(self) -> pl.DataFrame:
        """Section 47 enquiries with the day of their strategy discussion and the first CP plan start after it (the
        conference, until conference dates are recorded)."""
        from safehub.intake.models import Enquiry, StrategyDiscussion

        frame = _frame(
            f"SELECT e.child_id, {_epoch_day('e.started_on')}, {_epoch_seconds('s.held_at')} "  # noqa: S608
            f"FROM {_table(Enquiry)} e JOIN {_table(StrategyDiscussion)} s ON s.id = e.strategy_discussion_id "
            "WHERE e.started_on >= %s",
            [_from_day(self.since - dt.timedelta(days=120))],
            {"child_id": pl.Int64, "started": pl.Int32, "held_at": pl.Int64},
        )
        frame = frame.with_columns(started_on=epoch_date("started"), held_on=local_day("held_at"),
                                   enquiry=pl.int_range(pl.len()))
        cp = self.plans.filter(pl.col("type") == "cp").select("child_id", "start_on")
        joined = frame.join(cp, on="child_id", how="left").filter(
            pl.col("start_on").is_null()
            | ((pl.col("start_on") >= pl.col("started_on"))
               & ((pl.col("start_on") - pl.col("started_on")).dt.total_days() <= 90))
        )
        first = joined.group_by("enquiry").agg(pl.col("start_on").min().alias("icpc_on"))
        return frame.join(first, on="enquiry", how="left").sort("started_on")

    @cached_property
    def plans(self) -> pl.DataFrame:
        from safehub.intake.models import Plan

        frame = _frame(
            f"SELECT child_id, type, {_epoch_day('start_on')}, {_epoch_day('end_on')} FROM {_table(Plan)} "  # noqa: S608
            "WHERE type IN ('cp', 'cla')",
            [],
            {"child_id": pl.Int64, "type": pl.Utf8, "start": pl.Int32, "end": pl.Int32},
        )
        return frame.with_columns(start_on=epoch_date("start"), end_on=epoch_date("end")).sort("start_on")

    @cached_property
    def checks(self) -> pl.DataFrame:
        """Agency checks per agency and local day sent: sent, with an outcome at `now`, and answered by the deadline."""
        from safehub.intake.models import AgencyCheckRequest, AgencyCheckResponse

        now = connection.ops.adapt_datetimefield_value(self.now)
        frame = _frame(
            f"SELECT r.agency_id, {day_sql('r.sent_at')}, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN a.answered_at IS NOT NULL OR r.deadline < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN a.answered_at IS NOT NULL AND a.answered_at <= r.deadline THEN 1 ELSE 0 END) "
            f"FROM {_table(AgencyCheckRequest)} r LEFT JOIN {_table(AgencyCheckResponse)} a ON a.request_id = r.id "
            "WHERE r.sent_at >= %s GROUP BY 1, 2, 3",
            [now, _from(self.since)],
            {"agency_id": pl.Int64, "utc_date": pl.Int32, "late": pl.Int8, "sent": pl.Int64, "decided": pl.Int64,
             "on_time": pl.Int64},
        )
        return _regroup(local_days(frame), ["agency_id"], ["sent", "decided", "on_time"])

    # -- missing ----------------------------------------------------------------------------------------------------
    @cached_property
    def interviews_due(self) -> pl.DataFrame:
        """Return home interviews per local day due: all, and offered by the due time."""
        from safehub.missing.models import ReturnHomeInterview

        frame = _frame(
            f"SELECT {day_sql('due_at')}, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN offered_at IS NOT NULL AND offered_at <= due_at THEN 1 ELSE 0 END) "
            f"FROM {_table(ReturnHomeInterview)} WHERE due_at >= %s GROUP BY 1, 2",
            [_from(self.since)],
            {"utc_date": pl.Int32, "late": pl.Int8, "due": pl.Int64, "on_time": pl.Int64},
        )
        return _regroup(local_days(frame), [], ["due", "on_time"])

    @cached_property
    def interviews_offered(self) -> pl.DataFrame:
        """Return home interviews per local day offered that have an answer: answered, and accepted."""
        from safehub.missing.models import ReturnHomeInterview

        frame = _frame(
            f"SELECT {day_sql('offered_at')}, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN response = 'accepted' THEN 1 ELSE 0 END) "
            f"FROM {_table(ReturnHomeInterview)} WHERE offered_at >= %s AND response IN ('accepted', 'declined') "
            "GROUP BY 1, 2",
            [_from(self.since)],
            {"utc_date": pl.Int32, "late": pl.Int8, "answered": pl.Int64, "accepted": pl.Int64},
        )
        return _regroup(local_days(frame), [], ["answered", "accepted"])

    # -- meetings -----------------------------------------------------------------------------------------------------
    @cached_property
    def actions(self) -> pl.DataFrame:
        from safehub.meetings.models import Action

        frame = _frame(
            f"SELECT owner_agency_id, status, {_epoch_day('due_on')}, {_epoch_seconds('completed_at')} "  # noqa: S608
            f"FROM {_table(Action)} WHERE due_on IS NOT NULL AND due_on >= %s",
            [_from_day(self.since)],
            {"agency_id": pl.Int64, "status": pl.Utf8, "due": pl.Int32, "completed": pl.Int64},
        )
        return frame.with_columns(due_on=epoch_date("due"), completed_on=local_day("completed")).sort("due_on")


def _regroup(frame: pl.DataFrame, keys: list[str], sums: list[str]) -> pl.DataFrame:
    """Sum the counts again after late-evening rows moved to the next local day."""
    if frame.height == 0:
        return frame
    return frame.group_by([*keys, "day"]).agg([pl.col(c).sum() for c in sums]).sort("day")


def between(frame: pl.DataFrame, column: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Rows whose `column` (sorted ascending) falls between `start` and `end` inclusive, by binary search."""
    if frame.height == 0:
        return frame
    series = frame.get_column(column)
    lo = series.search_sorted(start, side="left")
    hi = series.search_sorted(end, side="right")
    return frame.slice(lo, hi - lo)


class WorkingDayIndex:
    """Working days over a range of dates, as a cumulative count, so "N working days after" is vectorised.

    `cumulative[i]` counts working days after `first` up to and including `first + i`.
    """

    def __init__(self, first: dt.date, last: dt.date, calendar=None):
        from safehub.core.working_days import calendar as partnership_calendar

        calendar = calendar or partnership_calendar()
        self.first = first
        days = (last - first).days + 1
        working = np.fromiter(
            (calendar.is_working_day(first + dt.timedelta(days=n)) for n in range(days)), dtype=np.int32, count=days
        )
        working[0] = 0
        self.cumulative = np.cumsum(working)

    def due(self, starts: pl.Series, amount: int) -> pl.Series:
        """The day `amount` working days after each start (the start itself not counted)."""
        offsets = (starts.cast(pl.Int32) - (self.first - EPOCH).days).to_numpy()
        target = self.cumulative[offsets] + amount
        due = np.searchsorted(self.cumulative, target, side="left")
        return pl.Series(due + (self.first - EPOCH).days, dtype=pl.Int32).cast(pl.Date)
