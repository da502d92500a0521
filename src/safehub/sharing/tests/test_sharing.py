"""The share decision log: recorded with its reasons, on the chronology with a link, scoped, reportable."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from safehub.core.models import AuditEvent
from safehub.people.models import Event
from safehub.sharing.models import ShareDecision
from safehub.sharing.services import record_share_decision


def test_recording_writes_the_log_a_chronology_entry_and_an_audit(world, personas):
    decision = world.share_decision
    event = Event.objects.get(type="share.decision")
    assert (event.child, event.detail_type, event.detail_id) == (world.police_child, "sharing.sharedecision", str(decision.pk))
    assert event.title == "Information shared with MASH"
    assert AuditEvent.objects.filter(action="share_decision.recorded", object_id=str(decision.pk)).exists()


def test_missing_reason_is_refused_naming_the_field(world, personas):
    with pytest.raises(ValueError, match="reason"):
        record_share_decision(child=world.police_child, actor=personas["mash_practitioner"], decision="not_share",
                              shared_with="Housing", information="Address history", basis="other",
                              lawful_basis="consent", reason=" ")


def test_chronology_links_to_the_decision(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    body = client.get(f"/people/children/{world.police_child.pk}/chronology/").content.decode()
    assert f"/sharing/decisions/{world.share_decision.pk}/" in body


def test_form_errors_name_the_fields_and_a_valid_post_records(client, world, personas):
    client.force_login(personas["health_contributor"])
    url = f"/sharing/children/{world.police_child.pk}/"
    response = client.post(url, {"decision": "share"})
    body = response.content.decode()
    assert "Enter who the information was shared with or withheld from" in body
    assert "Enter the reasoning for the decision" in body
    response = client.post(url, {"decision": "not_share", "shared_with": "Father", "information": "Hospital address",
                                 "basis": "safeguarding", "lawful_basis": "ca1989_s47",
                                 "reason": "Sharing would place the child at risk"})
    assert response.status_code == 302
    assert ShareDecision.objects.filter(decision="not_share", decided_by_agency__code="health").count() == 1


def test_contributors_see_only_their_agency_decisions(world, personas):
    assert list(ShareDecision.objects.visible_to(personas["police_contributor"])) == [world.share_decision]
    assert not ShareDecision.objects.visible_to(personas["health_contributor"]).exists()
    assert not ShareDecision.objects.visible_to(personas["board_member"]).exists()


def test_report_downloads_as_xlsx_with_formulas_defused(client, world, personas):
    record_share_decision(child=world.police_child, actor=personas["mash_practitioner"], decision="share",
                          shared_with="=HYPERLINK(\"http://x\")", information="x", basis="other", lawful_basis="consent",
                          reason="test")
    client.force_login(personas["mash_practitioner"])
    response = client.get("/sharing/report/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "MASH" in values and "'=HYPERLINK(\"http://x\")" in values
