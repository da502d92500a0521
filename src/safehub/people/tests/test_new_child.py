"""Search before create: a child is recorded only with the id of a recent search the same user ran; audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from safehub.core.models import ApiToken, AuditEvent
from safehub.people.models import Child, Event
from safehub.people.new_child import (
    SEARCH_VALID_FOR,
    NewChildValues,
    SearchRequired,
    checked_search,
    record_new_child,
)
from safehub.people.search import SearchQuery, service
from safehub.people.search.service import find_children_audited


@pytest.fixture(autouse=True)
def fresh_index():
    service.reset()
    yield
    service.reset()


def search(user, name="Amara Okafor"):
    return find_children_audited(user, SearchQuery(name=name), purpose="Recording a new child")[1]


def test_a_new_child_needs_a_recent_search_of_the_same_user(world, personas):
    police = personas["police_contributor"]
    mine = search(police)
    values = NewChildValues(given_name="Amara", family_name="Okafor", date_of_birth=dt.date(2019, 5, 4))
    with pytest.raises(SearchRequired, match="Search for the child first"):
        record_new_child(actor=police, search_id=None, values=values)
    with pytest.raises(SearchRequired, match="No search of yours"):
        record_new_child(actor=personas["health_contributor"], search_id=mine.seq, values=values)
    with pytest.raises(SearchRequired, match="more than 30 minutes old"):
        record_new_child(actor=police, search_id=mine.seq, values=values,
                         now=mine.at + SEARCH_VALID_FOR + dt.timedelta(seconds=1))
    child = record_new_child(actor=police, search_id=mine.seq, values=values, now=mine.at + dt.timedelta(minutes=5))
    record = child.record_links.get().source_record
    assert (record.agency, record.system, record.imported_by) == (police.agency, "safehub", police)  # provenance
    assert child.full_name == "Amara Okafor" and child.date_of_birth == dt.date(2019, 5, 4)
    assert Child.objects.visible_to(police).filter(pk=child.pk).exists()
    assert Event.objects.filter(child=child, type="child.recorded").exists()
    audit = AuditEvent.objects.get(action="child.recorded_after_search")
    assert audit.detail["search_id"] == mine.seq and audit.object_id == str(child.pk)
    with pytest.raises(SearchRequired, match="already been recorded from this search"):
        checked_search(police, mine.seq, now=mine.at)


def test_the_web_flow_search_choice_then_details(client, world, personas):
    mash = personas["mash_practitioner"]
    client.force_login(mash)
    refused = client.post(reverse("people:record_child"), {"given_name": "Amara", "search_id": "999"})
    assert refused.status_code == 302 and refused["Location"] == reverse("people:record_child_search")
    assert not Child.objects.filter(given_name="Amara").exists()
    page = client.get(reverse("people:record_child_search"), {"name": "Olivia Brennan"}).content.decode()
    assert "Olivia Brennan" in page and "None of these — record a new child" in page
    search_audit = AuditEvent.objects.filter(action="child.search", actor=mash).latest("seq")
    form = client.get(reverse("people:record_child"), {"search": search_audit.seq})
    assert form.status_code == 200 and 'value="Olivia"' in form.content.decode()  # prefilled from the search
    choice = AuditEvent.objects.filter(action="child.search_choice").latest("seq")
    assert choice.detail["choice"] == "none_of_these" and choice.detail["search_id"] == search_audit.seq
    invalid = client.post(reverse("people:record_child"), {"search_id": search_audit.seq, "given_name": "",
                                                           "family_name": "", "dob-day": "31", "dob-month": "2",
                                                           "dob-year": "2020"})
    assert invalid.status_code == 400
    assert "Enter the child&#x27;s first name or last name" in invalid.content.decode()
    assert "Enter a real date" in invalid.content.decode()
    created = client.post(reverse("people:record_child"), {
        "search_id": search_audit.seq, "given_name": "Olivia", "family_name": "Brenan", "dob-day": "2",
        "dob-month": "2", "dob-year": "2020", "sex": "F", "caveat": "partnership"})
    child = Child.objects.get(family_name="Brenan")
    assert created.status_code == 302 and created["Location"] == reverse("people:child", args=[child.pk])
    assert child.record_links.get().source_record.agency == mash.agency


def test_the_api_refuses_without_a_search_and_records_with_one(client, world, personas):
    _, token = ApiToken.issue(personas["police_contributor"], "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = "/api/v1/people/children"
    body = {"given_name": "Amara", "family_name": "Okafor"}
    missing = client.post(url, json.dumps(body), content_type="application/json", **auth)
    assert missing.status_code == 400 and "search_id is required" in missing.json()["detail"]
    bad = client.post(url, json.dumps({**body, "search_id": 1, "nhs_number": "1234567890"}),
                      content_type="application/json", **auth)
    assert bad.status_code == 400 and bad.json()["detail"].startswith("nhs_number:")
    wrong = client.post(url, json.dumps({**body, "search_id": 424242}), content_type="application/json", **auth)
    assert wrong.status_code == 409 and wrong.json()["code"] == "search_invalid"
    searched = client.post("/api/v1/people/searches", json.dumps({"name": "Amara Okafor"}),
                           content_type="application/json", **auth)
    assert searched.status_code == 201 and searched.json()["results"] == []
    search_id = searched.json()["search_id"]
    created = client.post(url, json.dumps({**body, "search_id": search_id}), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    assert Child.objects.get(pk=created.json()["id"]).full_name == "Amara Okafor"
    again = client.post(url, json.dumps({**body, "search_id": search_id}), content_type="application/json", **auth)
    assert again.status_code == 409 and again.json()["code"] == "search_used"
