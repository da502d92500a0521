"""Events per type, agency and local day, for the scorecard, without counting a million rows on every view.

Events up to a mark (an event id) are folded into `EventDayCount`; events after it are counted live, so the answer is
always exact. `fold()` moves the mark forward over events recorded at least `SETTLE` ago — on PostgreSQL a lower id can
still be in an open transaction for a moment, so the newest events wait before they are folded. Saves that change an
already-folded event's type, agency or time, and deletes (retention, merges), adjust the counts in the same transaction
through the signals below. Writes that bypass the ORM (`QuerySet.update()` of those three fields, raw SQL) must call
`rebuild()`; nothing in safehub does (linkage's bulk updates move events between children, which the counts ignore).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from .models import EventCountMark, EventDayCount

SETTLE = dt.timedelta(minutes=5)
SCHEMA = {"type": pl.Utf8, "agency_id": pl.Int64, "day": pl.Date, "n": pl.Int64}


def _event_table() -> str:
    from safehub.people.models import Event

    return connection.ops.quote_name(Event._meta.db_table)


def folded_to() -> int:
    return EventCountMark.objects.filter(pk=1).values_list("folded_to", flat=True).first() or 0


def _grouped(where: str, params: list) -> pl.DataFrame:
    """Event counts per type, agency and local day for the rows matching `where`."""
    from .dataset import _frame, day_sql, local_days

    frame = _frame(
        f"SELECT type, agency_id, {day_sql('occurred_at')}, COUNT(*) FROM {_event_table()} "  # noqa: S608
        f"WHERE {where} GROUP BY 1, 2, 3, 4",
        params,
        {"type": pl.Utf8, "agency_id": pl.Int64, "utc_date": pl.Int32, "late": pl.Int8, "n": pl.Int64},
    )
    if frame.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    return local_days(frame).group_by("type", "agency_id", "day").agg(pl.col("n").sum()).select(list(SCHEMA))


def fold(*, settle: dt.timedelta = SETTLE, now: dt.datetime | None = None) -> int:
    """Fold events recorded before `now - settle` (real time by default) into the daily counts; returns how many."""
    cutoff = (now or timezone.now()) - settle
    start = folded_to()
    with connection.cursor() as cursor:
        table = _event_table()
        cursor.execute(f"SELECT MIN(id) FROM {table} WHERE id > %s AND recorded_at >= %s",  # noqa: S608
                       [start, connection.ops.adapt_datetimefield_value(cutoff)])
        unsettled = cursor.fetchone()[0]
        if unsettled is None:
            cursor.execute(f"SELECT MAX(id) FROM {table} WHERE id > %s", [start])  # noqa: S608
        else:
            cursor.execute(f"SELECT MAX(id) FROM {table} WHERE id > %s AND id < %s", [start, unsettled])  # noqa: S608
        end = cursor.fetchone()[0]
    if end is None:
        return 0
    with transaction.atomic():
        EventCountMark.objects.get_or_create(pk=1)
        # Only one fold moves the mark from `start`: a concurrent one finds it moved and leaves the counts alone.
        if not EventCountMark.objects.filter(pk=1, folded_to=start).update(folded_to=end, folded_at=timezone.now()):
            return 0
        new = _grouped("id > %s AND id <= %s", [start, end])
        _add(new)
    return int(new.get_column("n").sum())


def _add(counts: pl.DataFrame) -> None:
    """Add (type, agency_id, day, n) rows to the stored counts (an upsert that adds, on SQLite and PostgreSQL alike)."""
    if counts.height == 0:
        return
    table = connection.ops.quote_name(EventDayCount._meta.db_table)
    sql = (
        f"INSERT INTO {table} (type, agency_id, day, n) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (type, agency_id, day) DO UPDATE SET n = {table}.n + excluded.n"
    )
    adapt = connection.ops.adapt_datefield_value
    rows = [(t, a, adapt(d), n) for t, a, d, n in counts.select("type", "agency_id", "day", "n").iter_rows()]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[i : i + 10_000])


def rebuild() -> None:
    """Forget the folded counts (the next `fold` recounts everything)."""
    with transaction.atomic():
        EventDayCount.objects.all().delete()
        EventCountMark.objects.update_or_create(pk=1, defaults={"folded_to": 0, "folded_at": None})


def day_counts(types: tuple[str, ...], since: dt.date) -> pl.DataFrame:
    """(type, agency_id, day, n) for days from `since`: folded counts plus the events after the mark, counted live."""
    from .dataset import _epoch_day, _frame, _from, _from_day, epoch_date

    fold()
    mark = folded_to()
    marks = ", ".join(["%s"] * len(types))
    folded = _frame(  # raw rows, days as integers: 25,000 rows through the ORM's converters would cost 0.3 s
        f"SELECT type, agency_id, {_epoch_day('day')}, n FROM "  # noqa: S608
        f"{connection.ops.quote_name(EventDayCount._meta.db_table)} WHERE type IN ({marks}) AND day >= %s AND n > 0",
        [*types, _from_day(since - dt.timedelta(days=1))],
        {"type": pl.Utf8, "agency_id": pl.Int64, "day": pl.Int64, "n": pl.Int64},
    ).with_columns(epoch_date("day").alias("day"))
    live = _grouped(f"id > %s AND type IN ({marks}) AND occurred_at >= %s", [mark, *types, _from(since)])
    both = pl.concat([folded, live])
    if live.height == 0:
        return both
    return both.group_by("type", "agency_id", "day").agg(pl.col("n").sum()).select(list(SCHEMA))


# --- keeping folded counts exact when a folded event changes or goes --------------------------------------------------


def _key(type_: str, agency_id: int, occurred_at: dt.datetime) -> tuple[str, int, dt.date]:
    return type_, agency_id, timezone.localtime(occurred_at).date()


def _adjust(key: tuple[str, int, dt.date], delta: int) -> None:
    type_, agency_id, day = key
    if not EventDayCount.objects.filter(type=type_, agency_id=agency_id, day=day).update(n=F("n") + delta):
        EventDayCount.objects.create(type=type_, agency_id=agency_id, day=day, n=delta)


def _before_save(sender, instance, **kwargs) -> None:
    instance._folded_key = None
    if instance.pk is None or instance.pk > folded_to():
        return
    old = sender.objects.filter(pk=instance.pk).values_list("type", "agency_id", "occurred_at").first()
    if old is not None:
        instance._folded_key = _key(*old)


def _after_save(sender, instance, created, **kwargs) -> None:
    old = getattr(instance, "_folded_key", None)
    if old is None:
        return
    new = _key(instance.type, instance.agency_id, instance.occurred_at)
    if new != old:
        _adjust(old, -1)
        _adjust(new, +1)


def _after_delete(sender, instance, **kwargs) -> None:
    if instance.pk is not None and instance.pk <= folded_to():
        _adjust(_key(instance.type, instance.agency_id, instance.occurred_at), -1)


def connect() -> None:
    from safehub.people.models import Event

    pre_save.connect(_before_save, sender=Event, dispatch_uid="safehub.performance.counts.pre_save")
    post_save.connect(_after_save, sender=Event, dispatch_uid="safehub.performance.counts.post_save")
    post_delete.connect(_after_delete, sender=Event, dispatch_uid="safehub.performance.counts.post_delete")
