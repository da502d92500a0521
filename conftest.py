"""Named personas and a small two-agency world, shared by every test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings
from tests.factories import AgencyFactory, ChildFactory, SourceRecordFactory, UserFactory, link

from safehub.core.models import AgencyType
from safehub.core.roles import Role
from safehub.people.models import Child, SourceRecord

# Property tests must be deterministic and must not fail because a shared CI machine was slow for one example.
hypothesis_settings.register_profile("safehub", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("safehub")

PERSONA_ROLES = {
    "mash_practitioner": ("mash", "social_care", [Role.MASH_PRACTITIONER]),
    "police_contributor": ("police", "police", [Role.AGENCY_CONTRIBUTOR]),
    "health_contributor": ("health", "health", [Role.AGENCY_CONTRIBUTOR]),
    "panel_chair": ("panel.chair", "social_care", [Role.PANEL_CHAIR]),
    "missing_coordinator": ("missing", "social_care", [Role.MISSING_COORDINATOR]),
    "analyst": ("analyst", "social_care", [Role.ANALYST]),
    "board_member": ("board", "voluntary", [Role.BOARD_MEMBER]),
    "admin": ("admin", "social_care", [Role.ADMINISTRATOR]),
}
AGENCY_TYPES = {
    "social_care": AgencyType.SOCIAL_CARE,
    "police": AgencyType.POLICE,
    "health": AgencyType.HEALTH,
    "voluntary": AgencyType.VOLUNTARY,
}


@pytest.fixture
def agencies(db):
    return {
        code: AgencyFactory(code=code, name=code.replace("_", " ").title(), type=kind)
        for code, kind in AGENCY_TYPES.items()
    }


@pytest.fixture
def personas(agencies):
    return {
        key: UserFactory(username=username, agency=agencies[agency], roles=roles)
        for key, (username, agency, roles) in PERSONA_ROLES.items()
    }


@dataclass
class World:
    police_child: Child  # known to police and health
    health_only_child: Child  # known to health only
    restricted_child: Child  # known to police; restricted to the MASH practitioner
    police_record: SourceRecord
    health_record: SourceRecord
    health_only_record: SourceRecord
    restricted_record: SourceRecord
    review_pair: object  # linkage.ReviewPair between the police and health records of police_child
    share_decision: object  # sharing.ShareDecision by the police contributor about police_child


@pytest.fixture
def world(personas, agencies) -> World:
    police_child = ChildFactory(given_name="Olivia", family_name="Brennan", nhs_number="9434765919")
    health_only = ChildFactory(given_name="Jacob", family_name="Whitfield")
    restricted = ChildFactory(
        given_name="Ruby", family_name="Castellano", restricted=True, restriction_reason="Named staff only"
    )
    restricted.restricted_to.add(personas["mash_practitioner"])
    police_record = SourceRecordFactory(
        agency=agencies["police"], system="Niche", given_name="Olivia", family_name="Brennan"
    )
    health_record = SourceRecordFactory(
        agency=agencies["health"], system="RiO", given_name="Livvy", family_name="Brennan", nhs_number="9434765919"
    )
    health_only_record = SourceRecordFactory(
        agency=agencies["health"], system="RiO", given_name="Jacob", family_name="Whitfield"
    )
    restricted_record = SourceRecordFactory(
        agency=agencies["police"], system="Niche", given_name="Ruby", family_name="Castellano"
    )
    link(police_record, police_child)
    link(health_record, police_child)
    link(health_only_record, health_only)
    link(restricted_record, restricted)
    from safehub.linkage.models import ReviewPair

    a, b = sorted((police_record.pk, health_record.pk))
    review_pair = ReviewPair.objects.create(left_id=a, right_id=b, match_probability=0.7)
    from safehub.sharing.services import record_share_decision

    share_decision = record_share_decision(
        child=police_child, actor=personas["police_contributor"], decision="share", shared_with="MASH",
        information="Two domestic incidents this year", basis="safeguarding", lawful_basis="ca2004_s11",
        reason="Child present at both incidents",
    )
    return World(
        police_child, health_only, restricted, police_record, health_record, health_only_record, restricted_record,
        review_pair, share_decision,
    )
