"""Pages: a section 11 return submitted through the form (errors name the field), the board's matrix, a challenge, the
case review page hiding identifiable details from non-members, answering an audit case, and the demo loader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safehub.assurance.models import Section11Return, TrackedAction
from safehub.assurance.tests.fixtures import LONDON
from safehub.performance.models import StandardRating

pytestmark = pytest.mark.django_db


def _return_form(section11_return, rag="green", **extra):
    data = {}
    for standard in section11_return.round.standard_set.standards.all():
        data[f"rag_{standard.pk}"] = rag
        data[f"evidence_{standard.pk}"] = "Safeguarding policy 2025"
        data[f"action_plan_{standard.pk}"] = ""
    return {**data, **extra}


def test_agency_submits_its_return_and_the_board_sees_the_matrix(client, personas, assurance_world):
    ret = assurance_world.police_return
    client.force_login(personas["police_contributor"])
    url = reverse("assurance:return", args=[ret.pk])
    first = ret.round.standard_set.standards.first()
    response = client.post(url, {**_return_form(ret), f"rag_{first.pk}": "red", "submit": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_action_plan_{first.pk}"' in page
    response = client.post(url, {**_return_form(ret), "submit": "1"})
    assert response.status_code == 302
    assert Section11Return.objects.get(pk=ret.pk).submitted_at is not None
    assert StandardRating.objects.filter(round=ret.round, agency=ret.agency).count() == 8
    assert client.post(url, {**_return_form(ret), "submit": "1"}).status_code == 403  # final once submitted
    client.force_login(personas["board_member"])
    page = client.get(reverse("assurance:round", args=[ret.round.pk])).content.decode()
    assert 'id="s11-matrix"' in page and page.count("govuk-tag--green") >= 8


def test_challenge_recorded_with_an_action(client, personas, assurance_world):
    client.force_login(personas["board_member"])
    url = reverse("assurance:challenge", args=[assurance_world.police_return.pk])
    response = client.post(url, {"meeting": "", "challenge": ""})
    assert 'href="#id_meeting"' in response.content.decode() and 'href="#id_challenge"' in response.content.decode()
    response = client.post(url, {"meeting": assurance_world.panel_meeting.pk, "challenge": "Where is the evidence?",
                                 "action_details": "Send the audit", "action_owner": "DCI Jones",
                                 "action_due_on": "2025-09-01"})
    assert response.status_code == 302
    assert TrackedAction.objects.filter(challenge__section11_return=assurance_world.police_return).count() == 1


def test_review_page_hides_identifiable_details_from_non_members(client, personas, assurance_world, world):
    url = reverse("assurance:review", args=[assurance_world.review.pk])
    client.force_login(personas["board_member"])
    page = client.get(url).content.decode()
    assert "Child T" in page and world.police_child.family_name not in page and "Admitted to hospital" not in page
    client.force_login(personas["panel_chair"])
    page = client.get(url).content.decode()
    assert world.police_child.family_name in page and "Admitted to hospital" in page


def test_complete_recommendation_action_with_evidence(client, personas, assurance_world):
    client.force_login(personas["panel_chair"])
    url = reverse("assurance:complete_action", args=[assurance_world.tracked_action.pk])
    assert 'href="#id_evidence"' in client.post(url, {"evidence": ""}).content.decode()
    assert client.post(url, {"evidence": "Protocol v2 published"}).status_code == 302
    page = client.get(reverse("assurance:review", args=[assurance_world.review.pk])).content.decode()
    assert "Evidence: Protocol v2 published" in page


def test_police_answer_an_audit_case(client, personas, assurance_world):
    client.force_login(personas["police_contributor"])
    url = reverse("assurance:answer_case", args=[assurance_world.audit_case.pk])
    response = client.post(url, {"answer_0": "Yes", "answer_1": "", "grade": ""})
    page = response.content.decode()
    assert 'href="#id_answer_1"' in page and 'href="#id_grade"' in page
    assert client.post(url, {"answer_0": "Yes", "answer_1": "Yes", "grade": "good"}).status_code == 302
    page = client.get(reverse("assurance:audit", args=[assurance_world.audit.pk])).content.decode()
    assert "Police (Good)" in page


def test_audit_page_shows_only_children_the_reader_may_see(client, personas, assurance_world, world):
    client.force_login(personas["police_contributor"])
    page = client.get(reverse("assurance:audit", args=[assurance_world.audit.pk])).content.decode()
    assert world.police_child.family_name in page and world.health_only_child.family_name not in page
    client.force_login(personas["board_member"])
    page = client.get(reverse("assurance:audit", args=[assurance_world.audit.pk])).content.decode()
    assert world.police_child.family_name not in page


def test_api_matrix_and_compliance(client, personas, assurance_world):
    client.force_login(personas["board_member"])
    body = client.get(reverse("api:assurance_s11_matrix", args=[assurance_world.round.pk])).json()
    assert [row["agency"] for row in body["rows"]] == ["Health", "Police"]
    response = client.get(reverse("api:assurance_training_compliance"), {"start": "2025-04-01"})
    assert response.status_code == 422 and "end" in str(response.json())
    assert client.get(reverse("api:assurance_training_compliance"), {"start": "2025-04-01", "end": "2026-03-31"}).json() == []


def test_demo_loads_once(personas, world):
    from safehub.assurance.demo import load_demo

    now = dt.datetime(2025, 11, 3, 10, tzinfo=LONDON)
    assert load_demo(now).startswith("Assurance: 2 section 11 rounds")
    assert load_demo(now) == "Assurance demo already loaded."


def test_private_fostering_counts_suppressed_outside_the_mash(client, personas, assurance_world):
    client.force_login(personas["analyst"])
    page = client.get(reverse("assurance:private_fostering_counts")).content.decode()
    assert "Counts from 1 to 4 are shown as *." in page and ">*<" in page
    client.force_login(personas["mash_practitioner"])
    page = client.get(reverse("assurance:private_fostering_counts")).content.decode()
    assert ">1<" in page
    assert client.get(reverse("assurance:private_fostering_chart"))["Content-Type"] == "image/png"


def test_list_pages_query_ceiling(client, personas, assurance_world, django_assert_max_num_queries):
    client.force_login(personas["board_member"])
    for name in ("assurance:reviews", "assurance:audits", "assurance:plans", "assurance:rounds"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name)).status_code == 200
