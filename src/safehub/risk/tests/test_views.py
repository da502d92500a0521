"""The pages, driven through the test client: choose, answer, check, override, result, history, upload, reports."""

from __future__ import annotations

import copy

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safehub.core.models import AuditEvent
from safehub.risk.models import RiskAssessment, RiskTool
from safehub.risk.services import shipped_definitions

from .fixtures import RFM_HIGH, tools

pytestmark = pytest.mark.django_db
RFM = "rfm_child_exploitation"


def posted(answers: dict, **extra) -> dict:
    tool = tools()[RFM]
    return {"tool": RFM, "tool_version": str(tool.pk), **{f"q-{k}": v for k, v in answers.items()}, **extra}


@pytest.fixture
def mash_client(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    return client


def test_find_a_child_and_start(mash_client, world):
    page = mash_client.get(reverse("risk:start"), {"name": "Brennan"}).content.decode()
    assert reverse("risk:assess", args=[world.police_child.pk]) in page
    assert AuditEvent.objects.filter(action="child.search", purpose="Risk assessment").exists()


def test_choose_answer_check_override_and_complete(mash_client, world):
    url = reverse("risk:assess", args=[world.police_child.pk])
    choose = mash_client.get(url).content.decode()
    assert 'name="tool" type="radio" value="rfm_child_exploitation"' in choose
    assert "Select a risk tool" in mash_client.get(url, {"tool": ""}).content.decode()
    questions = mash_client.get(url, {"tool": RFM}).content.decode()
    assert '<h2 class="govuk-heading-m govuk-!-margin-top-8">Going missing</h2>' in questions
    assert 'id="q-missing_episodes-2" name="q-missing_episodes" type="radio" value="once"' in questions

    incomplete = {k: v for k, v in RFM_HIGH.items() if k != "late_home"}
    page = mash_client.post(url, posted(incomplete, step="check")).content.decode()
    assert '<a href="#q-late_home">Select an answer for: Does the child come home very late' in page
    assert 'id="q-missing_episodes-3" name="q-missing_episodes" type="radio" value="two_or_three" checked' in page

    check = mash_client.post(url, posted(RFM_HIGH, step="check")).content.decode()
    assert "The answers give: <strong class=\"govuk-tag govuk-tag--orange\">High</strong>" in check
    assert "Score 24." in check
    assert not RiskAssessment.objects.exists()

    no_reason = mash_client.post(url, posted(RFM_HIGH, step="complete", final_level="very_high", caveat="partnership"))
    assert '<a href="#override_reason">Enter why you chose a different level' in no_reason.content.decode()
    assert not RiskAssessment.objects.exists()

    done = mash_client.post(url, posted(RFM_HIGH, step="complete", final_level="very_high", caveat="partnership",
                                        override_reason="Seen at an address linked to county lines yesterday."))
    assessment = RiskAssessment.objects.get()
    assert done.status_code == 302 and done.url == reverse("risk:assessment", args=[assessment.pk])
    assert (assessment.computed_level, assessment.final_level, assessment.flagged_for_panel) == ("high", "very_high", True)
    result = mash_client.get(done.url).content.decode()
    assert "Seen at an address linked to county lines yesterday." in result
    assert "raised by the practitioner" in result
    assert "This level puts the child on the agenda of the next MACE panel." in result


def test_change_answers_keeps_them_and_a_new_version_sends_you_back(mash_client, world):
    url = reverse("risk:assess", args=[world.police_child.pk])
    mash_client.get(url, {"tool": RFM})
    edit = mash_client.post(url, posted(RFM_HIGH, step="edit")).content.decode()
    assert 'value="often" checked' in edit and "There is a problem" not in edit
    stale = mash_client.post(url, {**posted(RFM_HIGH, step="complete", final_level="high"), "tool_version": "0"})
    assert "This tool was updated while you were answering it" in stale.content.decode()
    assert not RiskAssessment.objects.exists()


def test_history_page_and_fragment(mash_client, risk_world, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        page = mash_client.get(reverse("risk:child", args=[world.police_child.pk])).content.decode()
    assert 'class="moj-timeline"' in page and 'class="moj-timeline__item"' in page
    assert '<svg role="img"' in page and "Show the chart as a table" in page
    assert page.count('class="moj-timeline__item"') == 2
    fragment = mash_client.get(reverse("risk:child_panel", args=[world.police_child.pk])).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert 'data-testid="risk-chart"' in fragment


def test_contributor_sees_the_level_but_not_the_answers(client, risk_world, personas):
    client.force_login(personas["police_contributor"])
    page = client.get(reverse("risk:assessment", args=[risk_world.assessment.pk])).content.decode()
    assert "Final level: <strong" in page and "High" in page
    assert "The answers are visible to the MASH, panel chairs and Social Care" in page
    assert "Does the child come home very late" not in page
    assert "Start a risk assessment" not in client.get(reverse("risk:child", args=[risk_world.assessment.child_id])
                                                       ).content.decode()


def test_overrides_report(mash_client, world, personas):
    url = reverse("risk:assess", args=[world.police_child.pk])
    mash_client.post(url, posted(RFM_HIGH, step="complete", final_level="medium", caveat="partnership",
                                 override_reason="Episodes explained: with a grandparent."))
    page = mash_client.get(reverse("risk:overrides")).content.decode()
    assert "Episodes explained: with a grandparent." in page and "(lowered)" in page
    assert AuditEvent.objects.filter(action="risk.overrides.view").exists()


def _upload(client, data, status="active"):
    body = data if isinstance(data, bytes) else yaml.safe_dump(data, sort_keys=False).encode()
    return client.post(reverse("risk:upload_tool"), {"definition": SimpleUploadedFile("tool.yaml", body),
                                                     "status": status})


def test_upload_shows_every_problem_with_its_path(client, personas, world):
    client.force_login(personas["admin"])
    data = copy.deepcopy(shipped_definitions()[0])
    data["sections"][1]["questions"][1]["answers"][0]["weight"] = "none"
    data["sections"][1]["questions"][0]["answers"][1]["weight"] = 1.5
    page = _upload(client, data).content.decode()
    assert '<a href="#definition">sections[1].questions[0].answers[1].weight: must be a whole number</a>' in page
    assert "<code>sections[1].questions[1].answers[0].weight</code>: must be a number" in page
    data = copy.deepcopy(shipped_definitions()[0])
    data["levels"][2]["min"] = 19
    data["critical"][0]["question"] = "images"
    page = _upload(client, data).content.decode()
    assert "The definition has 2 problems" in page
    assert "<code>levels[2].min</code>: overlaps levels[1] (medium: 10 to 19); start at 20" in page
    assert "<code>critical[0].question</code>: unknown question &#x27;images&#x27;" in page
    assert "could not be read as YAML" in _upload(client, b"code: [unclosed").content.decode()
    assert "Choose a YAML file" in client.post(reverse("risk:upload_tool"), {"status": "active"}).content.decode()
    assert not RiskTool.objects.filter(source="uploaded").exists()


def test_upload_a_new_tool_then_see_it(client, personas, world):
    client.force_login(personas["admin"])
    data = copy.deepcopy(shipped_definitions()[1])
    data["code"], data["name"] = "local_screen", "Local screening tool"
    response = _upload(client, data, status="draft")
    tool = RiskTool.objects.get(code="local_screen")
    assert response.url == reverse("risk:tool", args=[tool.pk]) and tool.status == "draft"
    page = client.get(response.url).content.decode()
    assert "Local screening tool" in page and "Staying out late or overnight" in page
    assert AuditEvent.objects.filter(action="risk.tool.saved", object_id=str(tool.pk)).exists()
    listing = client.get(reverse("risk:tools")).content.decode()
    assert "Local screening tool" in listing and "Upload a tool definition" in listing


def test_only_administrators_upload(client, personas, world):
    client.force_login(personas["mash_practitioner"])
    assert _upload(client, shipped_definitions()[0]).status_code == 403
    assert "Upload a tool definition" not in client.get(reverse("risk:tools")).content.decode()


def test_dashboard_lists_children_flagged_for_the_panel(client, world, personas):
    from datetime import timedelta

    from django.utils import timezone

    from safehub.risk.services import complete_assessment

    def complete(child, days_ago):  # the dashboard looks back 28 days from now
        return complete_assessment(child=child, tool=tools()[RFM], answers=RFM_HIGH, actor=personas["mash_practitioner"],
                                   now=timezone.now() - timedelta(days=days_ago))

    complete(world.police_child, 40)
    recent = complete(world.police_child, 2)
    complete(world.restricted_child, 1)
    client.force_login(personas["panel_chair"])
    page = client.get(reverse("dashboard")).content.decode()
    assert '<p class="govuk-body" data-testid="risk-flags">1 child flagged' in page  # restricted child not visible
    assert reverse("risk:assessment", args=[recent.pk]) in page
    client.force_login(personas["police_contributor"])
    assert "Flagged for the next MACE panel" not in client.get(reverse("dashboard")).content.decode()
