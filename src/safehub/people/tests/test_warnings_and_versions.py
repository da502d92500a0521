"""Warning notes (sign-off by a second, manager user; disclosures) and optimistic locking of edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safehub.core.caveats import Caveat
from safehub.core.models import AuditEvent
from safehub.people.models import Child, WarningNote
from safehub.people.services import edit_child_details
from safehub.people.versioning import ClosedRecord, StaleVersion, save_with_version
from safehub.people.warning_notes import (
    SignOffRefused,
    edit_warning,
    end_warning,
    record_disclosure,
    record_warning,
    sign_off_warning,
    warnings_for,
)

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def note(world, personas):
    return record_warning(subject=world.police_child, actor=personas["police_contributor"], reason="Dog bit a visitor",
                          review_date=dt.date(2027, 5, 1), now=NOW)


def test_a_warning_needs_a_second_manager_to_sign_it_off(world, personas, note):
    assert note.status == WarningNote.Status.AWAITING_SIGN_OFF
    with pytest.raises(SignOffRefused, match="Only a manager"):
        sign_off_warning(note, actor=personas["health_contributor"], now=NOW)
    mash_note = record_warning(subject=world.police_child, actor=personas["mash_practitioner"], reason="Threats",
                               review_date=dt.date(2027, 1, 1), now=NOW)
    with pytest.raises(SignOffRefused, match="second person"):
        sign_off_warning(mash_note, actor=personas["mash_practitioner"], now=NOW)
    signed = sign_off_warning(note, actor=personas["panel_chair"], now=NOW)
    assert (signed.status, signed.signed_off_by, signed.version) == (WarningNote.Status.ACTIVE, personas["panel_chair"], 2)
    assert AuditEvent.objects.filter(action="warning.signed_off", object_id=str(note.pk)).exists()


def test_disclosures_are_recorded_and_audited(world, personas, note):
    record_disclosure(note, actor=personas["police_contributor"], told="PC Jones, response team",
                      told_at=NOW + dt.timedelta(days=1), reason="Visiting the address")
    assert [d.told for d in note.disclosures.all()] == ["PC Jones, response team"]
    assert AuditEvent.objects.filter(action="warning.disclosed", object_id=str(note.pk)).count() == 1


def test_the_caveat_decides_who_sees_a_warning(client, world, personas):
    own = record_warning(subject=world.police_child, actor=personas["police_contributor"], reason="Officer-only note",
                         review_date=dt.date(2027, 5, 1), caveat=Caveat.AGENCY_ONLY, now=NOW)
    assert own in warnings_for(personas["police_contributor"], world.police_child)
    assert own not in warnings_for(personas["mash_practitioner"], world.police_child)
    client.force_login(personas["police_contributor"])
    page = client.get(reverse("people:child", args=[world.police_child.pk])).content.decode()
    assert "govuk-warning-text" in page and "Officer-only note" in page
    client.force_login(personas["health_contributor"])
    assert "Officer-only note" not in client.get(reverse("people:child", args=[world.police_child.pk])).content.decode()


def test_a_stale_edit_is_refused_with_both_versions(client, world, personas):
    child = world.police_child
    mash = personas["mash_practitioner"]
    edit_child_details(child, actor=mash, expected_version=1, changes={"given_name": "Olive"})
    with pytest.raises(StaleVersion) as stale:
        edit_child_details(child, actor=mash, expected_version=1, changes={"given_name": "Liv"})
    assert stale.value.current_version == 2
    assert [(c.field, c.yours, c.current) for c in stale.value.conflicts] == [("given_name", "Liv", "Olive")]
    client.force_login(mash)
    response = client.post(reverse("people:edit_child", args=[child.pk]), {
        "version": "1", "given_name": "Livvy", "family_name": "Brennan", "dob-day": "27", "dob-month": "3",
        "dob-year": "2014", "sex": "F", "ethnicity": ""})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed these details while you were editing" in page
    assert "Livvy" in page and "Olive" in page  # yours and the current, side by side
    child.refresh_from_db()
    assert (child.given_name, child.version) == ("Olive", 2)  # nothing overwritten
    saved = client.post(reverse("people:edit_child", args=[child.pk]), {
        "version": "2", "given_name": "Livvy", "family_name": "Brennan", "dob-day": "27", "dob-month": "3",
        "dob-year": "2014", "sex": "F", "ethnicity": "WBRI"})
    assert saved.status_code == 302
    child.refresh_from_db()
    assert (child.given_name, child.ethnicity, child.version) == ("Livvy", "WBRI", 3)
    edited = AuditEvent.objects.filter(action="child.edited").latest("seq")
    assert edited.detail["changes"]["given_name"] == {"before": "Olive", "after": "Livvy"}


def test_closed_records_are_never_reopened_by_an_edit(world, personas, note):
    other = Child.objects.create(given_name="Merged", family_name="Away")
    Child.objects.filter(pk=other.pk).update(merged_into=world.police_child)
    other.refresh_from_db()
    with pytest.raises(ClosedRecord):
        save_with_version(other, other.version, {"given_name": "Back"}, actor=personas["mash_practitioner"])
    ended = end_warning(note, actor=personas["police_contributor"], expected_version=1, reason="Dog rehomed", now=NOW)
    assert ended.status == WarningNote.Status.ENDED
    with pytest.raises(ClosedRecord):
        edit_warning(ended, actor=personas["police_contributor"], expected_version=ended.version, reason="Still a dog",
                     review_date=dt.date(2027, 6, 1), risk_to=WarningNote.RiskTo.STAFF)
    ended.refresh_from_db()
    assert ended.status == WarningNote.Status.ENDED and ended.reason == "Dog bit a visitor"


def test_the_warning_page_signs_off_and_records_disclosures(client, world, personas, note):
    client.force_login(personas["mash_practitioner"])
    url = reverse("people:warning", args=[note.pk])
    assert client.post(url, {"action": "sign_off"}).status_code == 302
    note.refresh_from_db()
    assert note.status == WarningNote.Status.ACTIVE
    response = client.post(url, {"action": "disclose", "told": "Dr Patel, GP", "told-day": "3", "told-month": "11",
                                 "told-year": "2026"})
    assert response.status_code == 302 and note.disclosures.get().told == "Dr Patel, GP"
    client.force_login(personas["police_contributor"])
    refused = client.post(url, {"action": "sign_off"})
    assert refused.status_code == 400


def test_a_stale_warning_edit_shows_both_versions_and_changes_nothing(client, world, personas, note):
    sign_off_warning(note, actor=personas["mash_practitioner"], now=NOW)  # version 2
    client.force_login(personas["police_contributor"])
    url = reverse("people:warning", args=[note.pk])
    form = {"action": "edit", "version": "1", "reason": "Two dogs now", "risk_to": "staff", "review-day": "1",
            "review-month": "5", "review-year": "2027"}
    response = client.post(url, form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this note" in page and "Two dogs now" in page and "Active" in page
    note.refresh_from_db()
    assert (note.reason, note.status, note.version) == ("Dog bit a visitor", WarningNote.Status.ACTIVE, 2)
    assert client.post(url, {**form, "version": "2"}).status_code == 302
    note.refresh_from_db()
    assert (note.reason, note.status, note.version) == ("Two dogs now", WarningNote.Status.AWAITING_SIGN_OFF, 3)


def test_a_warning_on_a_linked_adult_shows_on_the_childs_page(client, world, personas):
    from safehub.people.models import Person, Relationship

    father = Person.objects.create(given_name="Dean", family_name="Brennan")
    Relationship.objects.create(child=world.police_child, person=father, type=Relationship.Type.FATHER, lives_with=True)
    client.force_login(personas["mash_practitioner"])
    url = reverse("people:add_warning", args=[world.police_child.pk])
    assert "Dean Brennan (father)" in client.get(url).content.decode()
    response = client.post(url, {"about": f"person-{father.pk}", "risk_to": "staff", "reason": "Violent to visitors",
                                 "review-day": "1", "review-month": "1", "review-year": "2099", "caveat": "partnership"})
    assert response.status_code == 302
    note = WarningNote.objects.get()
    assert (note.person, note.child) == (father, None)
    page = client.get(reverse("people:child", args=[world.police_child.pk])).content.decode()
    assert "Dean Brennan (linked adult): risk to staff" in page and "Violent to visitors" in page
    assert note in warnings_for(personas["mash_practitioner"], father)
