"""Objects for the trust rows of the permission matrix: a subject access request about the police-and-health child,
logged by the administrator. Imported by tests/test_permission_matrix.py and by this app's tests through conftest.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from safehub.trust.models import SubjectAccessRequest
from safehub.trust.services import create_subject_access_request


@dataclass
class TrustWorld:
    sar: SubjectAccessRequest


@pytest.fixture
def trust_world(world, personas) -> TrustWorld:
    sar = create_subject_access_request(
        actor=personas["admin"], requester="Olivia's mother", received=dt.date(2025, 1, 31), child=world.police_child
    )
    return TrustWorld(sar)


@dataclass
class Inspection:
    access: object  # trust.InspectorAccess
    password: str


@pytest.fixture
def inspection(personas) -> Inspection:
    """An inspector login made by the administrator, in force for the next 30 days (times from the real clock, because
    the middleware reads it: each test states how far inside or outside the window it is)."""
    from django.utils import timezone

    from safehub.trust.services import create_inspector

    now = timezone.now()
    access, password = create_inspector(
        actor=personas["admin"], username="inspector", first_name="Ines", last_name="Pector", email="ines@example.org",
        organisation="Ofsted", purpose="JTAI: children at risk of exploitation", starts_at=now,
        expires_at=now + dt.timedelta(days=30), now=now,
    )
    return Inspection(access, password)
