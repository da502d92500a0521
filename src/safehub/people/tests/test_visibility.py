"""`visible_to(user)` on every personal-data queryset: who sees which child, record and event."""

from __future__ import annotations

import datetime as dt

import pytest

from safehub.core.caveats import Caveat
from safehub.people.models import Child, Event, Person, SourceRecord
from safehub.people.selectors import search_children


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_mash_practitioner_sees_every_child_including_restricted_where_named(world, personas):
    assert pks(Child.objects.visible_to(personas["mash_practitioner"])) == {
        world.police_child.pk,
        world.health_only_child.pk,
        world.restricted_child.pk,
    }


def test_panel_chair_sees_unrestricted_children_only(world, personas):
    assert pks(Child.objects.visible_to(personas["panel_chair"])) == {world.police_child.pk, world.health_only_child.pk}


def test_contributor_sees_children_their_agency_knows(world, personas):
    assert pks(Child.objects.visible_to(personas["police_contributor"])) == {world.police_child.pk}
    assert pks(Child.objects.visible_to(personas["health_contributor"])) == {
        world.police_child.pk,
        world.health_only_child.pk,
    }


@pytest.mark.parametrize("persona", ["analyst", "board_member", "admin"])
def test_aggregate_and_admin_roles_see_no_identifiable_data(world, personas, persona):
    user = personas[persona]
    assert not Child.objects.visible_to(user).exists()
    assert not SourceRecord.objects.visible_to(user).exists()
    assert not Event.objects.visible_to(user).exists()
    assert not Person.objects.visible_to(user).exists()


def test_contributor_sees_only_own_agency_records(world, personas):
    assert pks(SourceRecord.objects.visible_to(personas["police_contributor"])) == {world.police_record.pk}
    assert pks(SourceRecord.objects.visible_to(personas["health_contributor"])) == {
        world.health_record.pk,
        world.health_only_record.pk,
    }


def test_caveats_limit_who_reads_a_record(world, personas):
    SourceRecord.objects.filter(pk=world.police_record.pk).update(caveat=Caveat.MASH_ONLY)
    assert world.police_record.pk in pks(SourceRecord.objects.visible_to(personas["mash_practitioner"]))
    assert world.police_record.pk not in pks(SourceRecord.objects.visible_to(personas["panel_chair"]))
    assert world.police_record.pk in pks(SourceRecord.objects.visible_to(personas["police_contributor"]))
    SourceRecord.objects.filter(pk=world.police_record.pk).update(caveat=Caveat.AGENCY_ONLY)
    assert world.police_record.pk not in pks(SourceRecord.objects.visible_to(personas["mash_practitioner"]))


def test_restricted_child_records_hidden_from_their_own_agency_unless_named(world, personas):
    assert world.restricted_record.pk not in pks(SourceRecord.objects.visible_to(personas["police_contributor"]))
    world.restricted_child.restricted_to.add(personas["police_contributor"])
    assert world.restricted_record.pk in pks(SourceRecord.objects.visible_to(personas["police_contributor"]))
    assert world.restricted_child.pk in pks(Child.objects.visible_to(personas["police_contributor"]))


def test_events_follow_agency_caveat_and_child(world, personas, agencies):
    when = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    police_event = Event.objects.create(
        child=world.police_child, agency=agencies["police"], occurred_at=when, type="police.incident", title="Incident"
    )
    health_event = Event.objects.create(
        child=world.police_child,
        agency=agencies["health"],
        occurred_at=when,
        type="health.ae",
        title="A&E attendance",
        caveat=Caveat.MASH_ONLY,
    )
    hidden = Event.objects.create(
        child=world.restricted_child,
        agency=agencies["police"],
        occurred_at=when,
        type="police.incident",
        title="Incident",
    )
    ours = Event.objects.filter(pk__in=[police_event.pk, health_event.pk, hidden.pk])
    assert pks(ours.visible_to(personas["mash_practitioner"])) == {police_event.pk, health_event.pk, hidden.pk}
    assert pks(ours.visible_to(personas["panel_chair"])) == {police_event.pk}
    assert pks(ours.visible_to(personas["police_contributor"])) == {police_event.pk}


def test_contributor_search_matches_and_shows_only_own_records(world, personas):
    hits = search_children(personas["police_contributor"], name="Brennan")
    assert [(h.child_id, h.name) for h in hits] == [(world.police_child.pk, "Olivia Brennan")]
    # the health record's nickname is not searchable by police
    assert search_children(personas["police_contributor"], name="Livvy") == []
    assert [h.child_id for h in search_children(personas["mash_practitioner"], name="Livvy")] == [world.police_child.pk]


def test_child_page_for_a_contributor_hides_other_agencies_detail(client, world, personas):
    client.force_login(personas["police_contributor"])
    response = client.get(f"/people/children/{world.police_child.pk}/")
    body = response.content.decode()
    assert "Olivia Brennan" in body
    assert "Livvy" not in body and "RiO" not in body and "9434765919" not in body
    assert "Also known to 1 other agency" in body


def test_child_page_queries_do_not_grow_with_records(client, world, personas, agencies, django_assert_max_num_queries):
    from tests.factories import SourceRecordFactory, link

    client.force_login(personas["mash_practitioner"])
    for _ in range(10):
        link(SourceRecordFactory(agency=agencies["health"], system="RiO"), world.police_child)
    with django_assert_max_num_queries(30):
        assert client.get(f"/people/children/{world.police_child.pk}/").status_code == 200


def test_chronology_page_honours_caveats_and_filters(client, world, personas, agencies):
    when = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    Event.objects.create(child=world.police_child, agency=agencies["police"], occurred_at=when, type="police.incident",
                         title="Domestic incident attended", significance=3, source_record=world.police_record)
    Event.objects.create(child=world.police_child, agency=agencies["health"], occurred_at=when + dt.timedelta(days=3),
                         type="health.ae", title="A&E attendance with injury", caveat=Caveat.MASH_ONLY)
    client.force_login(personas["mash_practitioner"])
    url = f"/people/children/{world.police_child.pk}/chronology/"
    body = client.get(url).content.decode()
    assert body.index("Domestic incident attended") < body.index("A&amp;E attendance with injury")
    assert "A&amp;E" not in client.get(url, {"significance": "3"}).content.decode()
    assert "Domestic" not in client.get(url, {"agency": "health"}).content.decode()
    client.force_login(personas["panel_chair"])
    body = client.get(url).content.decode()
    assert "Domestic incident attended" in body and "A&amp;E" not in body


def test_household_shows_only_people_and_children_the_user_may_see(client, world, personas, agencies):
    from tests.factories import SourceRecordFactory

    from safehub.people.models import Person, RecordLink, Relationship

    mother = Person.objects.create(given_name="Siobhan", family_name="Brennan")
    record = SourceRecordFactory(agency=agencies["social_care"], subject_type="person", given_name="Siobhan")
    RecordLink.objects.create(source_record=record, person=mother, decision=RecordLink.Decision.CONFIRMED)
    Relationship.objects.create(child=world.police_child, person=mother, type="mother", lives_with=True)
    Relationship.objects.create(child=world.police_child, other_child=world.restricted_child, type="sibling")
    client.force_login(personas["panel_chair"])
    body = client.get(f"/people/children/{world.police_child.pk}/").content.decode()
    assert "Siobhan Brennan" in body and "Castellano" not in body
    client.force_login(personas["mash_practitioner"])
    assert "Ruby Castellano" in client.get(f"/people/children/{world.police_child.pk}/").content.decode()
    client.force_login(personas["police_contributor"])
    assert "Siobhan" not in client.get(f"/people/children/{world.police_child.pk}/").content.decode()
