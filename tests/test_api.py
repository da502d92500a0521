"""The API applies the same scoping as the pages, with bearer tokens or the session."""

from django.urls import reverse

from safehub.core.models import ApiToken, AuditEvent


def test_bearer_token_reads_only_what_the_user_may_see(client, world, personas):
    _, token = ApiToken.issue(personas["police_contributor"], "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    own = client.get(reverse("api:get_child", args=[world.police_child.pk]), **headers)
    assert own.status_code == 200
    body = own.json()
    assert body["partnership_view"] is False
    assert {r["agency"] for r in body["records"]} == {"Police"}
    assert body["other_agency_count"] == 1
    other = client.get(reverse("api:get_record", args=[world.health_record.pk]), **headers)
    assert other.status_code == 404
    assert AuditEvent.objects.filter(object_id=str(world.health_record.pk), outcome="denied").exists()


def test_token_is_stored_hashed_and_can_be_revoked(client, world, personas):
    record, token = ApiToken.issue(personas["mash_practitioner"], "test")
    assert token not in record.digest
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(reverse("api:me"), **headers).status_code == 200
    ApiToken.objects.filter(pk=record.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get(reverse("api:me"), **headers).status_code == 401


def test_search_by_api_is_scoped_and_audited(client, world, personas):
    client.force_login(personas["police_contributor"])
    response = client.get(reverse("api:find_children"), {"name": "Whitfield"})
    assert response.status_code == 200 and response.json() == []
    client.force_login(personas["health_contributor"])
    hits = client.get(reverse("api:find_children"), {"name": "Whitfield"}).json()
    assert [h["id"] for h in hits] == [world.health_only_child.pk]
    assert AuditEvent.objects.filter(action="child.search", actor=personas["health_contributor"]).count() == 1


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "safehub API"
    assert "/api/v1/children/{child_id}" in schema["paths"]
