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
