"""A small network around the shared `world` children, made through the services, for the permission matrix and the tests.

    police_child ──exploited by──▶ Jay Mercer (police, partnership)
    police_child ──found at──▶ Riverside Hotel ◀──found at── health_only_child (health) ◀── restricted_child (police)
    police_child ──peer── health_only_child (health, partnership)
    police_child ──member of──▶ Northside Boys (social care, MASH only)
    police_child ──frequents──▶ 14 Canal Street (police place and link, owning agency only)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from safehub.core.caveats import Caveat
from safehub.network.models import Group, Link, LinkType, Node, Place
from safehub.network.services import create_group, create_person_of_concern, create_place, node_for, record_link
from safehub.people.models import Person

NOW = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)
TODAY = NOW.date()


@dataclass
class NetworkWorld:
    person: Person  # a person of concern recorded by the police, shared with the partnership
    place: Place  # a hotel shared with the partnership (police)
    hidden_place: Place  # an address the police keep to themselves
    group: Group  # a peer group recorded by children's social care
    cohort: Node  # police_child's node: the cohort page's number
    links: dict[str, Link]


def build_network_world(world, personas, agencies) -> NetworkWorld:
    police, health, social_care = agencies["police"], agencies["health"], agencies["social_care"]
    police_user, health_user, mash = personas["police_contributor"], personas["health_contributor"], personas[
        "mash_practitioner"]
    person = create_person_of_concern(actor=police_user, agency=police, given_name="Jay", family_name="Mercer",
                                      aliases="J-Man", age_from=19, age_to=24, concern_level="high", now=NOW).person
    place = create_place(actor=police_user, agency=police, name="Riverside Hotel", kind=Place.Kind.HOTEL,
                         postcode="ab1 2cd", now=NOW)
    hidden_place = create_place(actor=police_user, agency=police, name="14 Canal Street", kind=Place.Kind.ADDRESS,
                                caveat=Caveat.AGENCY_ONLY, now=NOW)
    group = create_group(actor=mash, agency=social_care, name="Northside Boys", now=NOW)

    def link(a, b, kind, agency, actor, *, grading=("B", 2), caveat=Caveat.PARTNERSHIP, start=dt.date(2026, 1, 10),
             end=None):
        return record_link(from_record=a, to_record=b, type=kind, valid_from=start, valid_to=end, agency=agency,
                           source_reliability=grading[0], information_assessment=grading[1], caveat=caveat,
                           summary=f"{kind} as reported", actor=actor, now=NOW)

    links = {
        "exploited": link(world.police_child, person, LinkType.EXPLOITED_BY, police, police_user),
        "hotel": link(world.police_child, place, LinkType.FOUND_AT, police, police_user, grading=("A", 1),
                      start=dt.date(2026, 1, 20)),
        "health_hotel": link(world.health_only_child, place, LinkType.FOUND_AT, health, health_user,
                             start=dt.date(2026, 2, 3)),
        "peer": link(world.police_child, world.health_only_child, LinkType.PEER, health, health_user, grading=("C", 3),
                     start=dt.date(2025, 12, 1)),
        "restricted_hotel": link(world.restricted_child, place, LinkType.FOUND_AT, police, police_user,
                                 start=dt.date(2026, 2, 14)),
        "group": link(world.police_child, group, LinkType.MEMBER_OF, social_care, mash, caveat=Caveat.MASH_ONLY,
                      start=dt.date(2025, 11, 1)),
        "hidden": link(world.police_child, hidden_place, LinkType.FREQUENTS, police, police_user,
                       caveat=Caveat.AGENCY_ONLY, start=dt.date(2026, 2, 1)),
    }
    return NetworkWorld(person=person, place=place, hidden_place=hidden_place, group=group,
                        cohort=node_for(world.police_child), links=links)


@pytest.fixture
def network_world(world, personas, agencies) -> NetworkWorld:
    return build_network_world(world, personas, agencies)
