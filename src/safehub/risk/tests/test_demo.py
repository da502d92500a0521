"""The demo loader: deterministic, through the service, once."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories import ChildFactory

from safehub.people.models import Event
from safehub.risk.demo import load_demo
from safehub.risk.models import RiskAssessment

NOW = dt.datetime(2026, 5, 6, 12, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_demo_screens_adolescents_over_recent_months(personas):
    for n in range(6):
        ChildFactory(date_of_birth=dt.date(2011, 1 + n, 10))  # 14 or 15 on NOW
    ChildFactory(date_of_birth=dt.date(2022, 1, 1))  # too young to screen
    summary = load_demo(NOW, children=4)
    assessments = list(RiskAssessment.objects.select_related("child"))
    made = len(assessments)
    assert made == 3 + 3 + 2 + 4  # the four trajectories
    flagged = len({a.child_id for a in assessments if a.flagged_for_panel})
    assert summary == f"12 risk assessments; {flagged} children flagged for a MACE panel."
    assert {a.child.date_of_birth.year for a in assessments} == {2011}
    assert all(NOW - dt.timedelta(weeks=21) < a.completed_at <= NOW for a in assessments)
    assert {a.tool.code for a in assessments} == {"rfm_child_exploitation", "seraf_sexual_exploitation"}
    assert Event.objects.filter(type="risk.assessment").count() == made
    assert all(a.override_reason for a in assessments if a.is_override)
    assert load_demo(NOW, children=4) == ""
