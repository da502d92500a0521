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


@lru_cache(maxsize=8)
def _bst_case(first_year: int, last_year: int) -> str:
    """SQLite: the offset from UTC to local time for a stored UTC timestamp, as a CASE over the years' summer-time
    ranges (read from zoneinfo), so a million rows are grouped by local day inside SQLite."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    whens = [(start, start.astimezone(zone).utcoffset())]
    for year in range(first_year, last_year + 1):
        moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        offset = moment.astimezone(zone).utcoffset()
        hour = dt.timedelta(hours=1)
        while moment.year == year:  # walk the year in hours only around changes: find each offset change by day, then hour
            day_later = moment + dt.timedelta(days=1)
            if day_later.astimezone(zone).utcoffset() != offset:
                probe = moment
                while probe.astimezone(zone).utcoffset() == offset:
                    probe += hour
                whens.append((probe, probe.astimezone(zone).utcoffset()))
                offset = probe.astimezone(zone).utcoffset()
                moment = probe
            else:
                moment = day_later
    parts, previous = [], None
    for (at, offset) in whens:
        if previous is not None and previous[1]:
            parts.append(f"WHEN {{col}} >= '{previous[0]:%Y-%m-%d %H:%M:%S}' AND {{col}} < '{at:%Y-%m-%d %H:%M:%S}' "
                         f"THEN '{int(previous[1].total_seconds() // 60):+d} minutes'")
        previous = (at, offset)
    if previous is not None and previous[1]:
        parts.append(f"WHEN {{col}} >= '{previous[0]:%Y-%m-%d %H:%M:%S}' "
                     f"THEN '{int(previous[1].total_seconds() // 60):+d} minutes'")
    return "CASE " + " ".join(parts) + " ELSE '+0 minutes' END" if parts else "'+0 minutes'"


def local_day_sql(column: str, first_year: int, last_year: int) -> str:
    """SQL for the local (Europe/London) day of a stored timestamp, as days since 1970."""
    if connection.vendor == "sqlite":
        case = _bst_case(first_year, last_year).replace("{col}", column)
        return f"CAST(julianday({column}, {case}) - 2440587.5 AS INTEGER)"
    return f"(CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS DATE) - DATE '1970-01-01')"


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
    def _day(self, column: str) -> str:
        return local_day_sql(column, self.since.year - 2, self.until.year + 1)

    @cached_property
    def event_counts(self) -> dict[str, pl.DataFrame]:
        """Events per type, agency and local day (counted inside the database), split by type, sorted by day."""
        from safehub.people.models import Event

        marks = ", ".join(["%s"] * len(COUNTED_EVENT_TYPES))
        day = self._day("occurred_at")
        frame = _frame(
            f"SELECT type, agency_id, {day} AS d, COUNT(*) FROM {_table(Event)} "  # noqa: S608
            f"WHERE type IN ({marks}) AND occurred_at >= %s GROUP BY type, agency_id, d",
            [*COUNTED_EVENT_TYPES, _from(self.since)],
            {"type": pl.Utf8, "agency_id": pl.Int64, "d": pl.Int32, "n": pl.Int64},
        )
        frame = frame.with_columns(day=epoch_date("d")).sort("day")
        return {t: part for (t,), part in frame.partition_by("type", as_dict=True).items()}

    @cached_property
    def events(self) -> dict[str, pl.DataFrame]:
        """Child-level events (child, agency, local day) of the types counted by distinct child, sorted by day."""
        from safehub.people.models import Event

        marks = ", ".join(["%s"] * len(CHILD_EVENT_TYPES))
        frame = _frame(
            f"SELECT type, child_id, agency_id, {self._day('occurred_at')} FROM {_table(Event)} "  # noqa: S608
            f"WHERE type IN ({marks}) AND occurred_at >= %s",
            [*CHILD_EVENT_TYPES, _from(self.since)],
            {"type": pl.Utf8, "child_id": pl.Int64, "agency_id": pl.Int64, "d": pl.Int32},
        )
        frame = frame.with_columns(day=epoch_date("d")).sort("day")
        return {t: part for (t,), part in frame.partition_by("type", as_dict=True).items()}

    def events_of(self, type_: str) -> pl.DataFrame:
        """Child-level rows of one type: loaded by distinct-child measures and the drill-down."""
        if type_ not in CHILD_EVENT_TYPES:
            return self._child_events(type_)
        return self.events.get(type_, pl.DataFrame(schema={"type": pl.Utf8, "child_id": pl.Int64,
                                                             "agency_id": pl.Int64, "d": pl.Int32, "day": pl.Date}))

    def _child_events(self, type_: str) -> pl.DataFrame:
        from safehub.people.models import Event

        frame = _frame(
            f"SELECT type, child_id, agency_id, {self._day('occurred_at')} FROM {_table(Event)} "  # noqa: S608
            "WHERE type = %s AND occurred_at >= %s AND occurred_at < %s",
            [type_, _from(self.since), _from(self.until + dt.timedelta(days=3))],
            {"type": pl.Utf8, "child_id": pl.Int64, "agency_id": pl.Int64, "d": pl.Int32},
        )
        return frame.with_columns(day=epoch_date("d")).sort("day")

    def counts_of(self, type_: str) -> pl.DataFrame:
        return self.event_counts.get(type_, pl.DataFrame(schema={"type": pl.Utf8, "agency_id": pl.Int64, "d": pl.Int32,
                                                                   "n": pl.Int64, "day": pl.Date}))

    def has_events(self, type_: str) -> bool:
        return type_ in self.event_counts or type_ in self.events

    # -- front door -----------------------------------------------------------------------------------------------
    @cached_property
    def decision_counts(self) -> pl.DataFrame:
        """MASH decisions per local day: all, referrals (s17/s47) and those made by the contact's deadline."""
        from safehub.intake.models import Contact, MashDecision

        frame = _frame(
            f"SELECT {self._day('d.decided_at')} AS day_n, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN d.outcome IN ('s17', 's47') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.decided_at <= c.decision_due THEN 1 ELSE 0 END) "
            f"FROM {_table(MashDecision)} d JOIN {_table(Contact)} c ON c.id = d.contact_id "
            "WHERE d.decided_at >= %s GROUP BY day_n",
            [_from(self.since)],
            {"d": pl.Int32, "decided": pl.Int64, "referrals": pl.Int64, "on_time": pl.Int64},
        )
        return frame.with_columns(day=epoch_date("d")).sort("day")

    @cached_property
    def decisions(self) -> pl.DataFrame:
        """Referral and MACE decisions on a known child, one row each (a year's look-back for re-referrals)."""
        from safehub.intake.models import Contact, MashDecision

        frame = _frame(
            f"SELECT d.outcome, c.child_id, {_epoch_seconds('d.decided_at')}, {self._day('d.decided_at')} "  # noqa: S608
            f"FROM {_table(MashDecision)} d JOIN {_table(Contact)} c ON c.id = d.contact_id "
            "WHERE d.decided_at >= %s AND d.outcome IN ('s17', 's47', 'mace') AND c.child_id IS NOT NULL",
            [_from(self.since - dt.timedelta(days=400))],
            {"outcome": pl.Utf8, "child_id": pl.Int64, "at": pl.Int64, "d": pl.Int32},
        )
        return frame.with_columns(day=epoch_date("d")).sort("day")

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
            f"SELECT r.agency_id, {self._day('r.sent_at')} AS day_n, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN a.answered_at IS NOT NULL OR r.deadline < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN a.answered_at IS NOT NULL AND a.answered_at <= r.deadline THEN 1 ELSE 0 END) "
            f"FROM {_table(AgencyCheckRequest)} r LEFT JOIN {_table(AgencyCheckResponse)} a ON a.request_id = r.id "
            "WHERE r.sent_at >= %s GROUP BY r.agency_id, day_n",
            [now, _from(self.since)],
            {"agency_id": pl.Int64, "d": pl.Int32, "sent": pl.Int64, "decided": pl.Int64, "on_time": pl.Int64},
        )
        return frame.with_columns(day=epoch_date("d")).sort("day")

    # -- missing ----------------------------------------------------------------------------------------------------
    @cached_property
    def interviews_due(self) -> pl.DataFrame:
        """Return home interviews per local day due: all, and offered by the due time."""
        from safehub.missing.models import ReturnHomeInterview

        frame = _frame(
            f"SELECT {self._day('due_at')} AS day_n, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN offered_at IS NOT NULL AND offered_at <= due_at THEN 1 ELSE 0 END) "
            f"FROM {_table(ReturnHomeInterview)} WHERE due_at >= %s GROUP BY day_n",
            [_from(self.since)],
            {"d": pl.Int32, "due": pl.Int64, "on_time": pl.Int64},
        )
        return frame.with_columns(day=epoch_date("d")).sort("day")

    @cached_property
    def interviews_offered(self) -> pl.DataFrame:
        """Return home interviews per local day offered that have an answer: answered, and accepted."""
        from safehub.missing.models import ReturnHomeInterview

        frame = _frame(
            f"SELECT {self._day('offered_at')} AS day_n, COUNT(*), "  # noqa: S608
            "SUM(CASE WHEN response = 'accepted' THEN 1 ELSE 0 END) "
            f"FROM {_table(ReturnHomeInterview)} WHERE offered_at >= %s AND response IN ('accepted', 'declined') "
            "GROUP BY day_n",
            [_from(self.since)],
            {"d": pl.Int32, "answered": pl.Int64, "accepted": pl.Int64},
        )
        return frame.with_columns(day=epoch_date("d")).sort("day")

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
