"""A demonstration exploitation cohort among the demo children, recorded through the services (synthetic, fixed).

Six children known to the police, two adults of concern, three places, a peer group, a car and a Snapchat handle, with graded,
dated links from the police, education and children's social care. Safe to run again: nothing is added once demo links exist.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.people.models import Child

from .models import Group, Link, LinkType, OnlineIdentity, PersonOfConcern, Place
from .services import (
    create_group,
    create_online_identity,
    create_person_of_concern,
    create_place,
    create_vehicle,
    record_link,
)


def _children(today: dt.date, count: int = 6) -> list[Child]:
    """Unrestricted children aged 12 to 16 whom the police know, the same ones on every run of the same data."""
    oldest = dt.date(today.year - 17, today.month, min(today.day, 28))
    youngest = dt.date(today.year - 12, today.month, min(today.day, 28))
    return list(
        Child.objects.filter(restricted=False, merged_into__isnull=True, date_of_birth__gt=oldest,
                             date_of_birth__lte=youngest, record_links__source_record__agency__code="police")
        .distinct().order_by("pk")[:count]
    )


@transaction.atomic
def load_demo(now: dt.datetime) -> str:
    """Create the demo cohort (see the module docstring) and say what was made; "" when it exists or cannot be made."""
    if Link.objects.filter(origin=Link.Origin.DEMO).exists():
        return ""
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["police", "education", "social_care"])}
    children = _children(now.date())
    if len(agencies) < 3 or len(children) < 6:
        return ""
    police, education, social_care = agencies["police"], agencies["education"], agencies["social_care"]
    c1, c2, c3, c4, c5, c6 = children
    today = now.date()

    def days_ago(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    dean = create_person_of_concern(actor=None, agency=police, given_name="Dean", family_name="Carver", aliases="DC\nD-Man",
                                    age_from=24, age_to=28, concern_level=PersonOfConcern.Level.HIGH, now=now,
                                    description="Believed to run a local drugs line using children to carry.").person
    kyle = create_person_of_concern(actor=None, agency=police, given_name="Kyle", family_name="Rowe", aliases="K",
                                    age_from=19, age_to=22, concern_level=PersonOfConcern.Level.MEDIUM, now=now).person
    flat = create_place(actor=None, agency=police, name="Flat 3, 27 Wexford Road", kind=Place.Kind.ADDRESS,
                        address="Flat 3, 27 Wexford Road", postcode="ZZ1 4QX", now=now)
    retail = create_place(actor=None, agency=police, name="Millgate Retail Park car park", kind=Place.Kind.BUSINESS,
                          postcode="ZZ2 7RT", now=now)
    interchange = create_place(actor=None, agency=education, name="Station Approach bus interchange",
                               kind=Place.Kind.TRANSPORT_HUB, postcode="ZZ1 1AA", now=now)
    peers = create_group(actor=None, agency=social_care, name="Eastside peer group", kind=Group.Kind.PEER_GROUP, now=now,
                         description="Children who spend time together around the retail park and the interchange.")
    car = create_vehicle(actor=None, agency=police, registration="ZZ19 KXR", make="Ford", model="Focus", colour="Silver",
                         now=now)
    handle = create_online_identity(actor=None, agency=social_care, handle="eastside.deals",
                                    platform=OnlineIdentity.Platform.SNAPCHAT, now=now)

    plan = [
        # (from, to, type, agency, grading, days ago it started, days ago it ended or None, caveat, summary)
        (c1, dean, LinkType.EXPLOITED_BY, police, ("B", 2), 70, None, Caveat.PARTNERSHIP,
         "Found carrying cash and two phones; told officers he 'works for DC'."),
        (c2, dean, LinkType.EXPLOITED_BY, police, ("C", 3), 45, None, Caveat.PARTNERSHIP,
         "Intelligence that the child is holding drugs for an adult known as DC."),
        (c3, kyle, LinkType.ASSOCIATES_WITH, police, ("B", 2), 32, None, Caveat.PARTNERSHIP,
         "Seen with the adult on three evenings at the retail park."),
        (kyle, dean, LinkType.ASSOCIATES_WITH, police, ("B", 2), 120, None, Caveat.MASH_ONLY,
         "Known associates: arrested together in a previous investigation."),
        (dean, flat, LinkType.OPERATES_FROM, police, ("A", 2), 150, None, Caveat.PARTNERSHIP,
         "Tenancy in a relative's name; regular visitors late at night."),
        (c1, flat, LinkType.FOUND_AT, police, ("A", 1), 62, None, Caveat.PARTNERSHIP,
         "Found by officers after being reported missing."),
        (c2, flat, LinkType.FOUND_AT, police, ("A", 1), 38, None, Caveat.PARTNERSHIP,
         "Found by officers after being reported missing."),
        (c4, flat, LinkType.FOUND_AT, police, ("B", 2), 21, None, Caveat.PARTNERSHIP,
         "Told the return home interviewer she stayed there overnight."),
        (c3, retail, LinkType.FREQUENTS, police, ("B", 3), 60, 10, Caveat.PARTNERSHIP,
         "Repeatedly seen by patrols in the car park after dark."),
        (c5, retail, LinkType.FREQUENTS, social_care, ("C", 3), 25, None, Caveat.PARTNERSHIP,
         "Youth worker saw the child there on several evenings."),
        (kyle, retail, LinkType.FREQUENTS, police, ("B", 2), 90, None, Caveat.PARTNERSHIP, ""),
        (c4, interchange, LinkType.FREQUENTS, education, ("B", 2), 50, None, Caveat.PARTNERSHIP,
         "Leaves school at lunchtime and is seen at the interchange."),
        (c6, interchange, LinkType.FOUND_AT, police, ("A", 1), 12, None, Caveat.PARTNERSHIP,
         "Found at the interchange after being missing for 20 hours."),
        (c1, peers, LinkType.MEMBER_OF, education, ("B", 2), 200, None, Caveat.PARTNERSHIP, ""),
        (c2, peers, LinkType.MEMBER_OF, education, ("B", 2), 200, None, Caveat.PARTNERSHIP, ""),
        (c3, peers, LinkType.MEMBER_OF, education, ("B", 3), 150, None, Caveat.PARTNERSHIP, ""),
        (c5, peers, LinkType.MEMBER_OF, social_care, ("C", 3), 80, None, Caveat.PARTNERSHIP, ""),
        (c4, c6, LinkType.PEER, education, ("A", 2), 300, None, Caveat.PARTNERSHIP, "Friends since primary school."),
        (dean, car, LinkType.USES_VEHICLE, police, ("B", 2), 100, None, Caveat.PARTNERSHIP, ""),
        (c2, car, LinkType.USES_VEHICLE, police, ("C", 3), 30, None, Caveat.PARTNERSHIP,
         "Seen getting into the car near school."),
        (c5, handle, LinkType.CONTACTED_BY, social_care, ("E", 4), 18, None, Caveat.MASH_ONLY,
         "Mother saw messages offering 'easy money'."),
    ]
    for a, b, kind, agency, (reliability, assessment), start, end, caveat, summary in plan:
        record_link(from_record=a, to_record=b, type=kind, valid_from=days_ago(start),
                    valid_to=days_ago(end) if end is not None else None, agency=agency, source_reliability=reliability,
                    information_assessment=assessment, caveat=caveat, summary=summary, now=now,
                    origin=Link.Origin.DEMO)
    return (f"Network: an exploitation cohort of {len(children)} children, 2 adults of concern, 3 places, a peer group, "
            f"a vehicle and an online identity ({len(plan)} graded links).")
