"""/api/v1/intake: contacts for the MASH, check requests for the agencies asked; 201/401/403/404/422."""

from __future__ import annotations

import json

from django.urls import reverse

from safehub.core.models import ApiToken, AuditEvent
from safehub.intake.models import AgencyCheckResponse, Contact
from safehub.people.models import Event


def bearer(user) -> dict:
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


CONTACT = {
    "reporter_name": "Sam Teacher",
    "reporter_agency": "police",
    "received_at": "2025-12-19T16:00:00",
    "concerns": ["3a", "11A"],
    "consent": "given",
    "urgency": "normal",
    "summary": "Disclosed being hit at home.",
}


def test_create_contact_201_with_the_clock_in_uk_time(client, world, personas):
    response = post(
        client, reverse("api:intake_create_contact"), {**CONTACT, "child_id": world.police_child.pk},
        bearer(personas["mash_practitioner"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["child_id"] == world.police_child.pk
    assert body["decision_due"] == "2025-12-22T16:00:00Z"  # 16:00 GMT on the next working day
    assert [c["code"] for c in body["concerns"]] == ["3A", "11A"]
    assert body["concerns"][1]["label"] == "Child sexual exploitation"
    assert body["reporter_agency"] == "police" and body["checks"] == []
    assert Event.objects.filter(type="contact", child=world.police_child).exists()


def test_create_contact_422_names_the_fields(client, world, personas):
    headers = bearer(personas["mash_practitioner"])
    url = reverse("api:intake_create_contact")
    missing = post(client, url, {"summary": "x"}, headers)
    assert missing.status_code == 422
    assert {tuple(e["loc"])[-1] for e in missing.json()["detail"]} >= {"reporter_name", "received_at", "consent"}
    domain = post(client, url, {**CONTACT, "concerns": ["99Z"], "consent": "refused"}, headers)
    assert domain.status_code == 422
    fields = {e["loc"][-1]: e["msg"] for e in domain.json()["detail"]}
    assert set(fields) == {"subject_description", "concerns", "without_consent_reason"}
    unknown_agency = post(client, url, {**CONTACT, "child_id": world.police_child.pk, "reporter_agency": "nope"}, headers)
    assert unknown_agency.json()["detail"][0]["loc"] == ["body", "payload", "reporter_agency"]


def test_a_child_you_cannot_see_is_a_422_on_child_id_and_audited_as_denied(client, world, personas):
    world.restricted_child.restricted_to.clear()
    response = post(
        client, reverse("api:intake_create_contact"), {**CONTACT, "child_id": world.restricted_child.pk},
        bearer(personas["mash_practitioner"]),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "child_id"
    assert AuditEvent.objects.filter(object_id=str(world.restricted_child.pk), outcome="denied").exists()
    assert not Contact.objects.exists()


def test_create_contact_401_and_403(client, world, personas):
    url = reverse("api:intake_create_contact")
    assert post(client, url, CONTACT, {}).status_code == 401
    assert post(client, url, CONTACT, bearer(personas["police_contributor"])).status_code == 403


def test_list_and_detail(client, intake_world, personas):
    headers = bearer(personas["mash_practitioner"])
    listed = client.get(reverse("api:intake_list_contacts"), **headers).json()
    assert [c["id"] for c in listed] == [intake_world.contact.pk]
    assert listed[0]["rag"] == "red"  # the fixture's contact was due in December 2025
    assert client.get(reverse("api:intake_list_contacts"), {"status": "decided"}, **headers).json() == []
    detail = client.get(reverse("api:intake_get_contact", args=[intake_world.contact.pk]), **headers).json()
    assert {c["agency"] for c in detail["checks"]} == {"police", "health"}
    assert all(c["status"] == "overdue" for c in detail["checks"])
    assert client.get(reverse("api:intake_get_contact", args=[intake_world.hidden_contact.pk]), **headers).status_code == 404
    assert client.get(reverse("api:intake_get_contact", args=[999_999]), **headers).status_code == 404


def test_agency_lists_and_answers_its_checks(client, intake_world, personas):
    police = bearer(personas["police_contributor"])
    listed = client.get(reverse("api:intake_list_checks"), **police).json()
    assert [c["id"] for c in listed] == [intake_world.police_check.pk]
    assert listed[0]["subject_name"] == "Olivia Brennan" and listed[0]["status"] == "overdue"
    url = reverse("api:intake_respond_to_check", args=[intake_world.police_check.pk])
    assert post(client, url, {"known": True}, police).status_code == 422
    response = post(client, url, {"known": True, "text": "Two incidents", "caveat": "agency_only"}, police)
    assert response.status_code == 201
    assert response.json()["caveat"] == "agency_only" and response.json()["on_time"] is False
    again = post(client, url, {"known": False, "text": "x"}, police)
    assert again.status_code == 422 and again.json()["detail"][0]["loc"][-1] == "text"
    assert client.get(reverse("api:intake_list_checks"), {"status": "answered"}, **police).json()[0]["answered_at"]
    # the MASH sees that police answered, without the agency-only text
    mash = bearer(personas["mash_practitioner"])
    detail = client.get(reverse("api:intake_get_contact", args=[intake_world.contact.pk]), **mash).json()
    police_check = next(c for c in detail["checks"] if c["agency"] == "police")
    assert police_check["status"] == "answered" and police_check["text"] is None
    assert police_check["caveat"] == "agency_only"


def test_another_agencys_check_is_404_and_the_mash_gets_403(client, intake_world, personas):
    url = reverse("api:intake_respond_to_check", args=[intake_world.police_check.pk])
    body = {"known": False, "text": "Nothing"}
    assert post(client, url, body, bearer(personas["health_contributor"])).status_code == 404
    assert post(client, url, body, bearer(personas["mash_practitioner"])).status_code == 403
    assert post(client, url, body, {}).status_code == 401
    assert not AgencyCheckResponse.objects.exists()


def test_openapi_documents_the_intake_operations(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    create = schema["paths"]["/api/v1/intake/contacts"]["post"]
    assert {"201", "401", "403", "422"} <= set(create["responses"])  # the API may document more (e.g. 400) for all
    respond = schema["paths"]["/api/v1/intake/checks/{check_id}/response"]["post"]
    assert {"201", "401", "403", "404", "422"} <= set(respond["responses"])
