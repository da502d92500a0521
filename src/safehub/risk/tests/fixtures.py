"""Assessments on the shared `world` children, completed through the service, for the permission matrix and the tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from safehub.core.caveats import Caveat
from safehub.risk.models import RiskAssessment, RiskTool
from safehub.risk.services import complete_assessment, ensure_default_tools

NOW = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)

RFM_HIGH = {  # scores 24: high (see test_scoring.py for the sum)
    "missing_episodes": "two_or_three", "found_away": "once", "late_home": "often",
    "substance_use": "occasional", "drugs_supply": "no",
    "older_associates": "suspected", "group_links": "no", "places_of_concern": "no",
    "older_partner": "no", "controlled": "some", "family_distance": "some",
    "phone_use": "yes", "online_contact": "no", "images_shared": "no",
    "attendance": "patchy", "school_change": "yes",
    "unexplained_items": "sometimes", "debt": "no",
    "injuries": "no", "sexual_health": "no", "mood": "some", "disclosure": "no",
}


def rfm_answers(**changes: str) -> dict[str, str]:
    """Every RFM question answered with its first (0-weight) answer, then the changes."""
    return {**{q: _first(q) for q in RFM_HIGH}, **changes}


def _first(question_id: str) -> str:
    return {"missing_episodes": "none", "found_away": "no", "attendance": "well"}.get(question_id, "no")


def tools() -> dict[str, RiskTool]:
    return {t.code: t for t in ensure_default_tools()}


@dataclass
class RiskWorld:
    rfm: RiskTool
    seraf: RiskTool
    assessment: RiskAssessment  # police_child, shared with the partnership
    mash_only: RiskAssessment  # police_child, MASH only
    restricted: RiskAssessment  # restricted_child
    tool: RiskTool  # = rfm, for the tool pages' rows


@pytest.fixture
def risk_world(world, personas) -> RiskWorld:
    shipped = tools()
    rfm, seraf = shipped["rfm_child_exploitation"], shipped["seraf_sexual_exploitation"]
    mash = personas["mash_practitioner"]

    def complete(child, caveat=Caveat.PARTNERSHIP, days=0):
        return complete_assessment(child=child, tool=rfm, answers=RFM_HIGH, actor=mash, caveat=caveat,
                                   now=NOW + dt.timedelta(days=days))

    return RiskWorld(
        rfm=rfm,
        seraf=seraf,
        assessment=complete(world.police_child),
        mash_only=complete(world.police_child, Caveat.MASH_ONLY, days=1),
        restricted=complete(world.restricted_child),
        tool=rfm,
    )
