"""Exact deadlines from the timescales, and the red/amber/green of the decision clock."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.core.models import TimescaleRule
from safehub.intake.deadlines import Rag, due_at, due_on, rag

from .fixtures import LONDON


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "start", "expected"),
    [
        # Friday 16:00 -> the next working day, same time
        ("mash_decision", at(2025, 12, 19, 16, 0), at(2025, 12, 22, 16, 0)),
        # Christmas Eve -> past Christmas, Boxing Day and the weekend
        ("mash_decision", at(2025, 12, 24, 10, 0), at(2025, 12, 29, 10, 0)),
        # urgent: four clock hours, through midnight
        ("mash_decision_urgent", at(2025, 12, 19, 22, 30), at(2025, 12, 20, 2, 30)),
        # agency checks: 72 clock hours, bank holidays included
        ("agency_check", at(2025, 12, 23, 10, 0), at(2025, 12, 26, 10, 0)),
        ("agency_check_urgent", at(2025, 12, 23, 10, 0), at(2025, 12, 23, 14, 0)),
        # 72 elapsed hours across the October clock change end at 11:00 GMT, not 12:00
        ("agency_check", at(2025, 10, 24, 12, 0), at(2025, 10, 27, 11, 0)),
    ],
)
def test_due_at_exact_values(code, start, expected):
    due = due_at(code, start)
    assert due == expected
    assert (due.hour, due.minute) == (expected.hour, expected.minute)  # shown in local time


@pytest.mark.django_db
def test_icpc_and_assessment_dates_count_working_days():
    # 15 working days from Monday 22 December 2025 skips Christmas, Boxing Day, New Year's Day and weekends
    assert due_on("icpc", dt.date(2025, 12, 22)) == dt.date(2026, 1, 15)
    assert due_on("assessment", dt.date(2025, 12, 22)) == dt.date(2026, 2, 26)


@pytest.mark.django_db
def test_a_configured_rule_overrides_the_default():
    TimescaleRule.objects.create(code="agency_check", name="Agency check", amount=48, unit="hours")
    assert due_at("agency_check", at(2025, 12, 23, 10, 0)) == at(2025, 12, 25, 10, 0)


def test_due_at_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        due_at("agency_check", dt.datetime(2025, 12, 23, 10, 0))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2025, 12, 19, 17, 0), Rag.GREEN),  # Friday evening, due Monday 16:00
        (at(2025, 12, 22, 9, 0), Rag.AMBER),  # due later today
        (at(2025, 12, 22, 12, 0), Rag.AMBER),  # within four hours
        (at(2025, 12, 22, 16, 0), Rag.AMBER),  # due now: not yet late
        (at(2025, 12, 22, 16, 1), Rag.RED),
    ],
)
def test_rag(now, expected):
    assert rag(at(2025, 12, 22, 16, 0), now) is expected


def test_amber_within_four_hours_across_midnight():
    assert rag(at(2025, 12, 23, 2, 0), at(2025, 12, 22, 23, 0)) is Rag.AMBER
    assert rag(at(2025, 12, 23, 9, 0), at(2025, 12, 22, 23, 0)) is Rag.GREEN
