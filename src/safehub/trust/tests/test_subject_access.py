"""Subject access requests: due dates, the export with third parties replaced, and the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.people.models import Event, Person, Relationship
from safehub.trust.sar import subject_access_export
from safehub.trust.services import sar_due


@pytest.mark.parametrize(("received", "due"), [
    (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
    (dt.date(2025, 3, 15), dt.date(2025, 4, 15)),
    (dt.date(2025, 12, 31), dt.date(2026, 1, 31)),
])
def test_due_one_calendar_month_after_receipt(received, due):
    assert sar_due(received) == due


def test_the_export_names_the_subject_and_replaces_third_parties(trust_world, world, agencies):
    child = world.police_child
    mother = Person.objects.create(given_name="Karen", family_name="Brennan")
    sibling_elsewhere = type(child).objects.create(given_name="Noah", family_name="Fielding")
    Relationship.objects.create(child=child, person=mother, type="mother")
    Relationship.objects.create(child=child, other_child=sibling_elsewhere, type="sibling")
    Event.objects.create(child=child, agency=agencies["police"], type="incident", occurred_at=timezone.now(),
                         title="Domestic incident", summary="Karen Brennan and Noah argued; Olivia present")
    export = subject_access_export(trust_world.sar, now=timezone.now())
    text = json.dumps(export)
    assert export["subject"]["given_name"] == "Olivia" and export["subject"]["family_name"] == "Brennan"
    assert "Karen" not in text and "Noah" not in text and "Fielding" not in text
    assert {r["with"] for r in export["relationships"]} == {"Person 1", "Person 2"}
    assert export["events"][0]["summary"] == "Person 1 and Person 2 argued; Olivia present"
    assert len(export["source_records"]) == 2
    # other apps' rows that reference the child are found by their foreign keys: the share decision from the world
    assert "sharing.sharedecision" in export["other_records"]
    assert export["other_records"]["sharing.sharedecision"][0]["child"] == "The subject"


def test_pages_create_and_export(client, world, personas):
    client.force_login(personas["admin"])
    bad = client.post(reverse("trust:sar_new"),
                      {"subject_type": "child", "subject_id": "", "requester": "", "received": "31/02/2025"})
    html = bad.content.decode()
    assert "Enter the record number" in html and "Enter who made the request" in html
    assert "Date received must be a real date" in html
    response = client.post(reverse("trust:sar_new"), {"subject_type": "child", "subject_id": world.restricted_child.pk,
                                                      "requester": "Solicitor for the family", "received": "2025-01-31"})
    assert response.status_code == 302
    detail = client.get(response.url)
    assert "28 February 2025" in detail.content.decode()
    sar = detail.context["sar"]
    exported = client.get(reverse("trust:sar_json", args=[sar.pk]))
    assert json.loads(exported.content)["subject"]["family_name"] == "Castellano"
    pdf = client.get(reverse("trust:sar_pdf", args=[sar.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    sar.refresh_from_db()
    assert sar.status == "in_progress" and sar.exported_at is not None


def test_mash_practitioners_only_log_requests_about_children_they_can_see(client, world, personas):
    client.force_login(personas["panel_chair"])
    assert client.get(reverse("trust:sar_new")).status_code == 403
    from tests.factories import UserFactory

    from safehub.core.roles import Role

    other_mash = UserFactory(username="mash2", agency=world.police_record.agency, roles=[Role.MASH_PRACTITIONER])
    client.force_login(other_mash)
    response = client.post(reverse("trust:sar_new"), {"subject_type": "child", "subject_id": world.restricted_child.pk,
                                                      "requester": "Parent", "received": "2025-01-31"})
    assert "There is no record with that number that you can see" in response.content.decode()


def test_the_export_includes_rows_held_against_the_subjects_agency_records(trust_world, world, agencies):
    """e.g. a DfE return's rows, which point at the council's source record rather than at the child."""
    from safehub.imports.dfe.services import return_profile
    from safehub.imports.models import ImportRun, ReturnRecord

    profile = return_profile(world.health_record.agency, "annex_a")
    run = ImportRun.objects.create(agency=profile.agency, profile=profile, file_name="annex-a.xlsx",
                                   content_hash="a" * 64, size=1, started_at=timezone.now(), status="imported")
    ReturnRecord.objects.create(
        agency=profile.agency, run=run, kind="annex_a", table="list_3", child_key="C1", row_key="C1|2025-01-02",
        fields={"referral_date": "2025-01-02"}, source_record=world.health_record, source_file="annex-a.xlsx",
        source_row=2, imported_at=timezone.now(),
    )
    export = subject_access_export(trust_world.sar, now=timezone.now())
    rows = export["other_records"]["imports.returnrecord"]
    assert len(rows) == 1 and rows[0]["fields"] == {"referral_date": "2025-01-02"}
