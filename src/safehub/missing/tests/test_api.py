"""/api/v1/missing: 201/401/403/404/422, scoped and audited like the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.core.models import ApiToken, AuditEvent
from safehub.missing.models import MissingEpisode, ReturnHomeInterview


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def as_user(client, personas):
    def login(persona):
        client.force_login(personas[persona])
        return client

    return login


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


EPISODES = "/api/v1/missing/episodes"


def test_create_episode_201_and_detail(as_user, world):
    client = as_user("missing_coordinator")
    started = ago(hours=3)
    response = post(client, EPISODES, {"child_id": world.health_only_child.pk, "started_at": iso(started), "risk_grade": "high",
                                       "reported_by": "placement", "police_reference": "MP/2026/42"})
    assert response.status_code == 201
    body = response.json()
    assert body["child_id"] == world.health_only_child.pk and body["risk_grade"] == "high" and body["ended_at"] is None
    assert body["risk_grade_code_list_version"] == "cop-app-missing-2016" and body["interview"] is None
    detail = client.get(f"{EPISODES}/{body['id']}")
    assert detail.status_code == 200 and detail.json()["police_reference"] == "MP/2026/42"


def test_create_validation_errors_name_the_field(as_user, world):
    client = as_user("missing_coordinator")
    missing_field = post(client, EPISODES, {"child_id": world.health_only_child.pk})
    assert missing_field.status_code == 422
    assert any(e["loc"][-1] == "started_at" for e in missing_field.json()["detail"])
    naive = post(client, EPISODES, {"child_id": world.health_only_child.pk, "started_at": "2026-03-01T10:00:00"})
    assert naive.status_code == 422 and naive.json()["detail"][0]["loc"][-1] == "started_at"
    child = world.health_only_child.pk
    bad_grade = post(client, EPISODES, {"child_id": child, "started_at": iso(ago(hours=1)), "risk_grade": "x"})
    assert bad_grade.status_code == 422 and bad_grade.json()["detail"][0]["loc"][-1] == "risk_grade"
    future = post(client, EPISODES, {"child_id": world.health_only_child.pk, "started_at": iso(ago(hours=-5))})
    assert future.status_code == 422
    assert future.json()["detail"] == [
        {"loc": ["body", "payload", "started_at"], "msg": "The date and time the child went missing must be in the past",
         "type": "value_error"}
    ]
    assert not MissingEpisode.objects.exists()


def test_create_401_403_404(client, as_user, world):
    body = {"child_id": world.police_child.pk, "started_at": iso(ago(hours=1))}
    assert post(client, EPISODES, body).status_code == 401
    assert post(as_user("health_contributor"), EPISODES, body).status_code == 403
    assert post(as_user("analyst"), EPISODES, body).status_code == 403
    # police contributors may record, but only for children police know
    hidden = post(as_user("police_contributor"), EPISODES, {**body, "child_id": world.health_only_child.pk})
    assert hidden.status_code == 404
    assert post(as_user("police_contributor"), EPISODES, body).status_code == 201
    assert MissingEpisode.objects.get().agency.code == "police"


def test_list_is_scoped_and_filtered(as_user, missing_world):
    ids = {e["id"] for e in as_user("police_contributor").get(EPISODES).json()}
    assert ids == {missing_world.police_episode.pk}
    coordinator = as_user("missing_coordinator")
    ongoing = {e["id"] for e in coordinator.get(EPISODES, {"ongoing": "true"}).json()}
    assert ongoing == {missing_world.police_episode.pk}
    by_child = coordinator.get(EPISODES, {"child_id": missing_world.care_episode.child_id}).json()
    assert len(by_child) == 3 and by_child[0]["interview"]["provider_name"] == "Safe Steps"
    assert AuditEvent.objects.filter(action="missing.episodes.list").count() == 3


def test_close_episode_then_interview_create_and_patch(as_user, missing_world):
    client = as_user("missing_coordinator")
    episode = missing_world.police_episode
    url = f"{EPISODES}/{episode.pk}/return"
    early = post(client, url, {"ended_at": iso(episode.started_at - dt.timedelta(hours=1))})
    assert early.status_code == 422 and early.json()["detail"][0]["loc"][-1] == "ended_at"
    returned = ago(hours=1).replace(microsecond=0)
    closed = post(client, url, {"ended_at": iso(returned), "where_found": "Park"})
    assert closed.status_code == 200
    assert dt.datetime.fromisoformat(closed.json()["rhi_due_at"]) == returned + dt.timedelta(hours=72)
    assert post(client, url, {"ended_at": iso(returned)}).status_code == 422
    created = post(client, f"{EPISODES}/{episode.pk}/interview", {"provider_name": "Safe Steps"})
    assert created.status_code == 201 and created.json()["status"] == "Not offered"
    again = post(client, f"{EPISODES}/{episode.pk}/interview", {})
    assert again.status_code == 422 and again.json()["detail"][0]["loc"][-1] == "episode"
    interview_url = f"/api/v1/missing/interviews/{created.json()['id']}"
    updated = patch(client, interview_url, {"offered_at": iso(ago(minutes=50)), "response": "accepted",
                                            "completed_at": iso(ago(minutes=5)), "push_factors": "Curfew row"})
    assert updated.status_code == 200
    assert updated.json()["status"] == "Completed" and updated.json()["push_factors"] == "Curfew row"
    refused = patch(client, interview_url, {"completed_at": iso(ago(minutes=1))})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "completed_at"


def test_patch_is_all_or_nothing(as_user, missing_world):
    client = as_user("missing_coordinator")
    interview = missing_world.interview
    response = patch(client, f"/api/v1/missing/interviews/{interview.pk}",
                     {"response": "accepted", "responded_at": iso(ago(hours=9)), "completed_at": iso(ago(hours=30))})
    assert response.status_code == 422
    interview.refresh_from_db()
    assert interview.response == ReturnHomeInterview.Response.AWAITING


def test_interviews_404_and_403(as_user, missing_world):
    url = f"/api/v1/missing/interviews/{missing_world.interview.pk}"
    assert as_user("police_contributor").get(url).status_code == 403
    assert patch(as_user("panel_chair"), url, {"offered_at": iso(ago(hours=1))}).status_code == 403
    assert as_user("missing_coordinator").get("/api/v1/missing/interviews/999999").status_code == 404


def test_bearer_token_and_openapi(client, personas, missing_world):
    _, token = ApiToken.issue(personas["police_contributor"], "test")
    response = client.get(f"{EPISODES}/{missing_world.care_episode.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    schema = client.get(reverse("api:openapi-json")).json()
    create = schema["paths"]["/api/v1/missing/episodes"]["post"]
    assert set(create["responses"]) - {"400"} == {"201", "401", "403", "404", "422"}  # 400: a body that is not JSON
    assert set(schema["paths"]["/api/v1/missing/interviews/{interview_id}"]) == {"get", "patch"}


def test_out_of_area_interview_through_the_api(as_user, missing_world):
    client = as_user("missing_coordinator")
    episode = missing_world.police_episode
    post(client, f"{EPISODES}/{episode.pk}/return", {"ended_at": iso(ago(hours=5))})
    url = f"{EPISODES}/{episode.pk}/interview"
    missing_host = post(client, url, {"out_of_area": True, "responsible": "host"})
    assert missing_host.status_code == 422 and missing_host.json()["detail"][0]["loc"][-1] == "host_authority"
    created = post(client, url, {"offered_at": iso(ago(hours=4)), "out_of_area": True, "host_authority": "Northshire",
                                 "responsible": "host", "delivered_by_role": "commissioned"})
    assert created.status_code == 201
    body = created.json()
    assert (body["out_of_area"], body["host_authority"], body["responsible"]) == (True, "Northshire", "host")
    done = patch(client, f"/api/v1/missing/interviews/{body['id']}", {
        "completed_at": iso(ago(hours=1)), "delivered_by_name": "Sam Taylor", "delivered_by_role": "social_worker",
        "independent": False,
    })
    assert done.status_code == 200
    assert (done.json()["delivered_by_name"], done.json()["independent"], done.json()["host_authority"]) == (
        "Sam Taylor", False, "Northshire")
