"""The risk API: same scoping and audit as the pages; 422s name the field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safehub.core.models import ApiToken, AuditEvent
from safehub.risk.models import RiskAssessment

from .fixtures import RFM_HIGH, tools

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk/children/{}/assessments"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')[1]}"}


def post(client, child_id, body, user):
    return client.post(URL.format(child_id), body, content_type="application/json", **bearer(user))


def test_tools_list_and_detail(client, world, personas):
    headers = bearer(personas["mash_practitioner"])
    listed = client.get("/api/v1/risk/tools", **headers).json()
    assert [t["code"] for t in listed] == ["rfm_child_exploitation", "seraf_sexual_exploitation"]
    assert listed[0]["levels"][3] == {"id": "very_high", "label": "Very high", "min": 30, "max": None}
    assert listed[1]["panel_levels"] == ["moderate", "significant"]
    detail = client.get(f"/api/v1/risk/tools/{listed[0]['id']}", **headers).json()
    assert detail["definition"]["sections"][0]["id"] == "missing" and detail["frozen"] is False


def test_create_by_code_then_list_and_read(client, world, personas):
    mash = personas["mash_practitioner"]
    created = post(client, world.police_child.pk, {"tool_code": "rfm_child_exploitation", "answers": RFM_HIGH}, mash)
    assert created.status_code == 201
    body = created.json()
    assert (body["score"], body["computed_level"], body["final_level"], body["flagged_for_panel"]) == (24, "high", "high",
                                                                                                      True)
    assert body["answers"] == RFM_HIGH and body["overridden"] is False
    listed = client.get(URL.format(world.police_child.pk), **bearer(mash)).json()
    assert [a["id"] for a in listed] == [body["id"]]
    police = client.get(reverse("api:risk_assessment", args=[body["id"]]), **bearer(personas["police_contributor"]))
    assert police.status_code == 200
    assert police.json()["answers"] is None and police.json()["override_reason"] is None  # result only
    assert AuditEvent.objects.filter(action="risk.assessment.view", object_id=str(body["id"]), purpose="API").exists()


def test_validation_errors_name_the_field(client, world, personas):
    mash = personas["mash_practitioner"]
    rfm = tools()["rfm_child_exploitation"]
    unknown = post(client, world.police_child.pk, {"tool_id": rfm.pk, "answers": {**RFM_HIGH, "shoe_size": "9"}}, mash)
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == [
        {"loc": ["body", "payload", "answers", "shoe_size"], "msg": "unknown question id", "type": "value_error"}
    ]
    override = post(client, world.police_child.pk, {"tool_id": rfm.pk, "answers": RFM_HIGH, "final_level": "low"}, mash)
    assert [e["loc"] for e in override.json()["detail"]] == [["body", "payload", "override_reason"]]
    no_tool = post(client, world.police_child.pk, {"tool_id": 99999, "answers": RFM_HIGH}, mash)
    assert no_tool.json()["detail"][0]["loc"] == ["body", "payload", "tool_id"]
    no_code = post(client, world.police_child.pk, {"tool_code": "nope", "answers": RFM_HIGH}, mash)
    assert no_code.json()["detail"][0]["msg"] == "no tool with code 'nope' is in use"
    bad_caveat = post(client, world.police_child.pk, {"tool_id": rfm.pk, "answers": RFM_HIGH, "caveat": "public"}, mash)
    assert bad_caveat.status_code == 422 and bad_caveat.json()["detail"][0]["loc"][-1] == "caveat"
    assert not RiskAssessment.objects.exists()


def test_override_through_the_api(client, world, personas):
    body = {"tool_code": "rfm_child_exploitation", "answers": RFM_HIGH, "final_level": "very_high",
            "override_reason": "Police intelligence of a planned meeting with an adult of concern."}
    created = post(client, world.police_child.pk, body, personas["panel_chair"]).json()
    assert (created["computed_level"], created["final_level"], created["overridden"]) == ("high", "very_high", True)


def test_scoping(client, world, personas):
    rfm = tools()["rfm_child_exploitation"]
    hidden = post(client, world.restricted_child.pk, {"tool_id": rfm.pk, "answers": RFM_HIGH}, personas["panel_chair"])
    assert hidden.status_code == 404
    forbidden = post(client, world.police_child.pk, {"tool_id": rfm.pk, "answers": RFM_HIGH},
                     personas["police_contributor"])
    assert forbidden.status_code == 403
    assert client.get(URL.format(world.police_child.pk)).status_code == 401


def test_openapi_documents_the_risk_routes(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    post_op = paths["/api/v1/risk/children/{child_id}/assessments"]["post"]
    assert set(post_op["responses"]) == {"201", "401", "403", "404", "422"}
    assert "/api/v1/risk/assessments/{assessment_id}" in paths and "/api/v1/risk/tools" in paths
