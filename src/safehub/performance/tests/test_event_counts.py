"""The folded daily event counts give exactly what counting the event table would, before and after a fold."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from tests.factories import ChildFactory

from safehub.people.models import Event
from safehub.performance import event_counts
from safehub.performance.models import EventDayCount

pytestmark = pytest.mark.django_db
TYPES = ("contact", "missing.started")
SINCE = dt.date(2025, 1, 1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def events(agencies):
    child = ChildFactory()
    police, health = agencies["police"], agencies["health"]

    def add(type_, agency, moment):
        return Event.objects.create(child=child, agency=agency, type=type_, occurred_at=at(moment), title=type_)

    return {
        "a": add("contact", police, "2025-03-03T10:00"),
        "b": add("contact", police, "2025-03-03T15:00"),
        "c": add("contact", health, "2025-03-03T10:00"),
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time)
        "d": add("missing.started", police, "2025-06-30T23:30"),
        "e": add("risk.assessment", police, "2025-06-30T10:00"),  # a type not asked for
        "f": add("contact", police, "2024-12-01T10:00"),  # before `since`
    }


def table(agencies) -> set[tuple]:
    frame = event_counts.day_counts(TYPES, SINCE)
    names = {a.pk: code for code, a in agencies.items()}
    return {(t, names[a], d.isoformat(), n) for t, a, d, n in frame.select("type", "agency_id", "day", "n").iter_rows()}


EXPECTED = {
    ("contact", "police", "2025-03-03", 2),
    ("contact", "health", "2025-03-03", 1),
    ("missing.started", "police", "2025-07-01", 1),
}


def fold_everything() -> int:
    return event_counts.fold(settle=dt.timedelta(0), now=at("2100-01-01T00:00"))


def test_live_counts_before_any_fold(events, agencies):
    assert event_counts.folded_to() == 0
    assert table(agencies) == EXPECTED


def test_fold_gives_the_same_counts_and_is_done_once(events, agencies):
    assert fold_everything() == 6
    assert event_counts.folded_to() == events["f"].pk
    assert EventDayCount.objects.count() == 5
    assert table(agencies) == EXPECTED
    assert fold_everything() == 0  # nothing new
    assert table(agencies) == EXPECTED


def test_events_recorded_within_the_settling_time_wait_and_are_counted_live(events, agencies):
    newest = events["f"].recorded_at
    assert event_counts.fold(settle=dt.timedelta(minutes=5), now=newest) == 0
    assert event_counts.folded_to() == 0
    assert table(agencies) == EXPECTED


def test_new_events_after_a_fold_are_counted_live(events, agencies):
    fold_everything()
    Event.objects.create(child=events["a"].child, agency=agencies["police"], type="contact",
                         occurred_at=at("2025-03-03T18:00"), title="contact")
    assert ("contact", "police", "2025-03-03", 3) in table(agencies)


def test_changing_or_deleting_a_folded_event_adjusts_the_counts(events, agencies):
    fold_everything()
    events["b"].type = "missing.started"
    events["b"].save()
    events["c"].delete()
    events["a"].significance = Event.Significance.SIGNIFICANT  # no change to type, agency or day
    events["a"].save()
    assert table(agencies) == {
        ("contact", "police", "2025-03-03", 1),
        ("missing.started", "police", "2025-03-03", 1),
        ("missing.started", "police", "2025-07-01", 1),
    }


def test_a_fold_that_finds_the_mark_moved_changes_nothing(events, agencies, monkeypatch):
    monkeypatch.setattr(event_counts, "folded_to", lambda: -1)  # as if another process folded after we looked
    assert event_counts.fold(settle=dt.timedelta(0), now=at("2100-01-01T00:00")) == 0
    assert EventDayCount.objects.count() == 0


def test_rebuild_starts_again(events, agencies):
    fold_everything()
    event_counts.rebuild()
    assert EventDayCount.objects.count() == 0 and event_counts.folded_to() == 0
    assert table(agencies) == EXPECTED


def test_empty_table():
    assert event_counts.fold() == 0
    assert event_counts.day_counts(TYPES, SINCE).schema == pl.Schema(event_counts.SCHEMA)
