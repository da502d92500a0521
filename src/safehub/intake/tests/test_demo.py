"""The front-door demo hook makes its contacts through the services, relative to `now`, once."""

from __future__ import annotations

import datetime as dt

from tests.factories import ChildFactory, SourceRecordFactory, link

from safehub.intake.demo import load_demo
from safehub.intake.models import (
    AgencyCheckRequest,
    Contact,
    Enquiry,
    FgdmOffer,
    HomeEducationNotice,
    MashDecision,
    NrmReferral,
)

from .fixtures import LONDON


def test_load_demo(world, personas, agencies):
    for n in range(4):
        link(SourceRecordFactory(agency=agencies["police"], system="Niche"), ChildFactory(given_name=f"Demo{n}"))
    now = dt.datetime(2026, 3, 4, 12, 0, tzinfo=LONDON)
    assert load_demo(now) == (
        "Front door: 6 contacts, 8 agency checks, 2 decisions."
        " 2026 Act: 1 FGDM offer, 1 NRM referral, 1 home education alert."
    )
    assert FgdmOffer.objects.get().response == "accepted"
    assert NrmReferral.objects.get().reasonable_grounds == "positive"
    assert HomeEducationNotice.objects.get().consent == "awaiting"
    assert Contact.objects.filter(child__isnull=True).count() == 1
    overdue = AgencyCheckRequest.objects.overdue(now)
    assert overdue.filter(agency=agencies["police"]).exists()
    assert MashDecision.objects.filter(outcome="s47").exists() and Enquiry.objects.exists()
    assert load_demo(now) == "Front door: demo contacts already loaded."
