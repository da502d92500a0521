"""Public minutes hide exempt content (HTML and PDF); the action log downloads; the API updates an action's status."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest

pytestmark = pytest.mark.django_db


def test_public_minutes_pdf_shows_only_title_and_category(client, meetings_world, personas):
    client.force_login(personas["analyst"])
    response = client.get(f"/meetings/{meetings_world.first.pk}/minutes.pdf")
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Rapid review: Child Q" in text
    assert "Schedule 12A paragraphs 1 and 2" in text
    assert "Confidential discussion" not in text
    client.force_login(personas["board_member"])
    full = client.get(f"/meetings/{meetings_world.first.pk}/minutes.pdf?full=1")
    with pdfplumber.open(io.BytesIO(full.content)) as pdf:
        assert "Confidential discussion" in " ".join(page.extract_text() for page in pdf.pages)


def test_action_log_xlsx(client, meetings_world, personas):
    from openpyxl import load_workbook

    client.force_login(personas["board_member"])
    response = client.get(f"/meetings/bodies/{meetings_world.board.pk}/action-log.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[3]][3] == "Circulate the annual report draft"


def test_api_updates_an_action(client, meetings_world, personas):
    url = f"/api/v1/meetings/actions/{meetings_world.case_action.pk}"
    client.force_login(personas["health_contributor"])
    assert client.patch(url, json.dumps({"status": "done"}), content_type="application/json").status_code == 404
    client.force_login(personas["police_contributor"])  # the owner
    bad = client.patch(url, json.dumps({"status": "dropped"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "note"
    done = client.patch(url, json.dumps({"status": "done", "note": "Visit held"}), content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    mine = client.get("/api/v1/meetings/actions?mine=true").json()
    assert [a["status"] for a in mine] == ["done"]


def test_recording_through_the_meeting_page(client, meetings_world, personas):
    client.force_login(personas["board_member"])
    url = f"/meetings/{meetings_world.second.pk}/record/"
    response = client.post(url, {"what": "attendance", "attendance-name": "", "attendance-status": "apologies"})
    assert response.status_code == 400 and "Enter the name of the person" in response.content.decode()
    client.post(url, {"what": "attendance", "attendance-name": "Eva Edohen", "attendance-status": "apologies"})
    page = client.get(f"/meetings/{meetings_world.second.pk}/").content.decode()
    assert "Eva Edohen" in page and "Circulate the annual report draft" in page
