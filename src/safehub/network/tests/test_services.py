"""Recording records and links: ordering, validation naming the field, the child's event, audit, findings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safehub.core.models import AuditEvent
from safehub.network.models import Link, LinkType, Node, PersonOfConcern, Place
from safehub.network.services import create_place, link_from_finding, record_link
from safehub.people.models import Event, Person

from .fixtures import NOW


def _link(world, agencies, a, b, kind, **changes):
    values = {"from_record": a, "to_record": b, "type": kind, "valid_from": dt.date(2026, 2, 1),
              "agency": agencies["police"], "source_reliability": "B", "information_assessment": 2, "now": NOW}
    return record_link(**{**values, **changes})


def test_ends_are_put_in_the_order_the_type_reads(world, agencies, db):
    place = create_place(actor=None, agency=agencies["police"], name="Bus station", now=NOW)
    link = _link(world, agencies, place, world.police_child, LinkType.FOUND_AT)
    assert (link.from_node.kind, link.to_node.kind) == ("child", "place")
    assert link.reported_on == dt.date(2026, 2, 1) and link.grading == "B2" and link.recorded_at == NOW


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"type": LinkType.MEMBER_OF}, "type", "A “member of” link joins a child and a group or a person and a group, not a "
                                           "child and a place"),
    ({"valid_to": dt.date(2026, 1, 1)}, "valid_to", "The date the link ended must be the same as or after the date it "
                                                    "started"),
    ({"valid_from": dt.date(2026, 3, 5)}, "valid_from", "The date the link started must be today or in the past"),
    ({"source_reliability": "F"}, "source_reliability", "Choose how reliable the source is (A to E)"),
    ({"information_assessment": 9}, "information_assessment", "Choose how the information is assessed (1 to 5)"),
    ({"caveat": "everyone"}, "caveat", "Choose who may see this link"),
])
def test_invalid_links_are_refused_naming_the_field(world, agencies, changes, field, message):
    place = create_place(actor=None, agency=agencies["police"], name="Bus station", now=NOW)
    with pytest.raises(ValidationError) as error:
        _link(world, agencies, world.police_child, place, LinkType.FOUND_AT, **changes)
    assert error.value.message_dict == {field: [message]}
    assert not Link.objects.exists()


def test_a_record_cannot_be_linked_to_itself(world, agencies):
    with pytest.raises(ValidationError) as error:
        _link(world, agencies, world.police_child, world.police_child, LinkType.PEER)
    assert list(error.value.message_dict) == ["to_record"]


def test_a_link_writes_an_event_on_each_child_naming_no_one_and_audits(world, agencies, personas):
    actor = personas["police_contributor"]
    before = AuditEvent.objects.count()
    link = _link(world, agencies, world.police_child, world.health_only_child, LinkType.PEER, actor=actor,
                 summary="Seen together at Riverside Hotel")
    events = Event.objects.filter(type="network.link").order_by("child_id")
    assert [e.child_id for e in events] == sorted([world.police_child.pk, world.health_only_child.pk])
    for event in events:
        assert event.title == "Network link recorded: peer of another child" or event.title.startswith(
            "Network link recorded: another child")
        assert "Olivia" not in event.title + event.summary and "Jacob" not in event.title + event.summary
        assert (event.detail_type, event.detail_id, event.agency_id) == ("network.link", str(link.pk), agencies["police"].pk)
        assert event.occurred_at == NOW and event.recorded_by == actor
    audit = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (audit.action, audit.object_id, audit.detail["grading"]) == ("network.link.recorded", str(link.pk), "B2")


def test_exploitation_is_significant_in_the_chronology(world, agencies, network_world):
    event = Event.objects.get(type="network.link", detail_id=str(network_world.links["exploited"].pk))
    assert event.significance == Event.Significance.SIGNIFICANT
    assert event.title == "Network link recorded: exploited by a person"


def test_link_from_finding_reuses_records_and_is_idempotent(world, agencies, personas):
    police = agencies["police"]
    first = link_from_finding(world.police_child, "place", "Riverside Hotel", agency=police, now=NOW,
                              postcode="AB1 2CD", place_kind=Place.Kind.HOTEL, reported_on=dt.date(2026, 2, 2))
    again = link_from_finding(world.police_child, "place", "riverside hotel", agency=police, now=NOW,
                              postcode="ab1 2cd", reported_on=dt.date(2026, 2, 2))
    other_child = link_from_finding(world.health_only_child, "place", "Riverside Hotel", agency=police, now=NOW,
                                    postcode="AB1 2CD")
    assert again.pk == first.pk
    assert other_child.to_node_id == first.to_node_id
    assert Place.objects.count() == 1
    assert (first.type, first.origin, first.valid_from) == (LinkType.FREQUENTS, Link.Origin.FINDING, dt.date(2026, 2, 2))
    assert Event.objects.filter(type="network.link").count() == 2


def test_link_from_finding_records_a_person_of_concern_their_agency_sees(world, agencies, personas):
    link = link_from_finding(world.police_child, "person", "Jay Mercer", agency=agencies["police"], now=NOW,
                             actor=personas["police_contributor"])
    person = Person.objects.get(given_name="Jay", family_name="Mercer")
    assert link.type == LinkType.ASSOCIATES_WITH and Node.objects.get(person=person) == link.to_node
    assert PersonOfConcern.objects.get(person=person).agency == agencies["police"]
    assert Person.objects.visible_to(personas["police_contributor"]).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(personas["health_contributor"]).filter(pk=person.pk).exists()
    link_from_finding(world.health_only_child, "person", "jay mercer", agency=agencies["police"], now=NOW)
    assert Person.objects.filter(family_name="Mercer").count() == 1


def test_link_from_finding_rejects_an_unknown_kind(world, agencies):
    with pytest.raises(ValidationError) as error:
        link_from_finding(world.police_child, "planet", "Mars", agency=agencies["police"], now=NOW)
    assert list(error.value.message_dict) == ["kind"]


def test_place_needs_both_coordinates_or_neither(agencies, db):
    with pytest.raises(ValidationError) as error:
        create_place(actor=None, agency=agencies["police"], name="Park", latitude=51.5, now=NOW)
    assert list(error.value.message_dict) == ["longitude"]
