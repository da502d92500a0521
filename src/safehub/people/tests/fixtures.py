"""Objects for the people app's own permission-matrix rows: a warning note the police recorded about `police_child`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from safehub.people.models import WarningNote
from safehub.people.warning_notes import record_warning

RECORDED = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@dataclass
class PeopleWorld:
    warning: WarningNote


@pytest.fixture
def people_world(world, personas) -> PeopleWorld:
    note = record_warning(subject=world.police_child, actor=personas["police_contributor"],
                          reason="Dog at the address has bitten a visitor", review_date=dt.date(2027, 5, 1),
                          now=RECORDED)
    return PeopleWorld(warning=note)
