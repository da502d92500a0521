"""A small front-door world on top of the shared `world`: a contact on the police-and-health child with checks sent to
the police and health, and a contact on a child restricted to someone else (so even the MASH practitioner gets a 404).

Imported by tests/test_permission_matrix.py for its rows, and by this app's tests through conftest.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from tests.factories import ChildFactory

from safehub.intake import services
from safehub.intake.models import AgencyCheckRequest, Contact, Task

LONDON = ZoneInfo("Europe/London")
RECEIVED = dt.datetime(2025, 12, 19, 16, 0, tzinfo=LONDON)  # a Friday
CHECKS_SENT = dt.datetime(2025, 12, 19, 16, 30, tzinfo=LONDON)


@dataclass
class IntakeWorld:
    contact: Contact
    hidden_contact: Contact
    police_check: AgencyCheckRequest
    health_check: AgencyCheckRequest
    task: Task


def make_contact(actor, child, *, received_at=RECEIVED, urgency="normal", **fields) -> Contact:
    values = {
        "reporter_name": "Sam Teacher",
        "reporter_relationship": "Designated safeguarding lead",
        "concerns": ["3A", "11A"],
        "consent": "not_sought",
        "without_consent_reason": "Asking would put the child at risk",
        "summary": "Disclosed being hit at home; seen with older males after school.",
        **fields,
    }
    return services.record_contact(
        actor=actor, child=child, received_at=received_at, urgency=urgency, now=received_at + dt.timedelta(minutes=5),
        **values,
    )


@pytest.fixture
def intake_world(world, personas, agencies) -> IntakeWorld:
    mash = personas["mash_practitioner"]
    contact = make_contact(mash, world.police_child)
    police_check, health_check = services.send_agency_checks(
        contact,
        agencies=[agencies["police"], agencies["health"]],
        question="What do you know about the child and the household?",
        actor=mash,
        now=CHECKS_SENT,
    )
    hidden_child = ChildFactory(given_name="Nadia", family_name="Okoro", restricted=True, restriction_reason="Named only")
    hidden_child.restricted_to.add(personas["admin"])
    hidden_contact = Contact.objects.create(
        child=hidden_child,
        reporter_name="Anonymous",
        reporter_relationship="Member of the public",
        received_at=RECEIVED,
        consent="not_sought",
        summary="Concern about a restricted child.",
        decision_due=RECEIVED + dt.timedelta(days=3),
        recording_agency=agencies["social_care"],
        recorded_by=personas["admin"],
    )
    task = Task.objects.get(detail_type="intake.contact", detail_id=str(contact.pk))
    return IntakeWorld(contact, hidden_contact, police_check, health_check, task)
