"""Fixtures for the missing-children tests: a fixed 'now' and a helper to record episodes through the service."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.missing.services import record_missing_episode

from .fixtures import missing_profiles, missing_world  # noqa: F401 - shared with the permission matrix

# A Monday in term time; every test passes times explicitly, so the real clock never matters.
NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


def days_ago(days: float, now: dt.datetime = NOW) -> dt.datetime:
    return now - dt.timedelta(days=days)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def record(agencies, personas):
    """Record an episode for a child as the missing coordinator: `record(child, start, end=None, **fields)`."""

    def _record(child, started_at, ended_at=None, *, now=NOW, **fields):
        fields.setdefault("agency", agencies["social_care"])
        fields.setdefault("actor", personas["missing_coordinator"])
        return record_missing_episode(child=child, started_at=started_at, ended_at=ended_at, now=now, **fields)

    return _record

