"""The web journey: upload → preview and map columns → save profile → run → report. Own agency only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safehub.core.models import AuditEvent
from safehub.imports.models import ImportRun, MappingProfile
from safehub.imports.services import import_file
from safehub.people.models import SourceRecord

from .builders import HEADER, csv_bytes, good_row, good_rows, xlsx_bytes
from .test_parsers import with_cell

pytestmark = pytest.mark.django_db

MAPPING = {
    "name": "Niche persons",
    "system": "Niche RMS",
    "header_row": "1",
    "local_id_column": "ID",
    "field_given_name": "Forename",
    "field_family_name": "Surname",
    "field_date_of_birth": "DOB",
    "field_sex": "Sex",
    "field_nhs_number": "NHS",
    "field_postcode": "Postcode",
    "date_format": "%d/%m/%Y",
    "sex_codes": "1 = M\n2 = F\n9 = U",
    "caveat": "partnership",
}


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def police(client, personas):
    client.force_login(personas["police_contributor"])
    return client


def upload(client, data: bytes, name: str = "niche.csv", **extra):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data), **extra})


def test_the_whole_journey(police, agencies):
    response = upload(police, csv_bytes(good_rows(12)))
    assert response.status_code == 302 and response.url == reverse("imports:map")

    page = police.get(reverse("imports:map")).content.decode()
    assert all(f">{column}</th>" in page for column in HEADER)
    assert "L00010" in page and "L00011" not in page  # the first 10 rows only
    assert 'name="field_given_name"' in page and "Not in this file" in page

    response = police.post(reverse("imports:map"), MAPPING)
    assert response.status_code == 302 and response.url == reverse("imports:confirm")
    profile = MappingProfile.objects.get(agency=agencies["police"], name="Niche persons")
    assert profile.column_map["Forename"] == "given_name" and profile.code_lists == {
        "sex": {"1": "M", "2": "F", "9": "U"}
    }

    page = police.get(reverse("imports:confirm")).content.decode()
    assert "Import niche.csv" in page and "Forename" in page

    response = police.post(reverse("imports:confirm"), {"mode": "import"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:run", args=[run.pk])
    assert run.status == ImportRun.Status.IMPORTED and run.file_name == "niche.csv"
    assert SourceRecord.objects.filter(agency=agencies["police"]).count() == 12

    page = police.get(response.url).content.decode()
    assert "Imported" in page and "govuk-error-summary" not in page
    assert AuditEvent.objects.filter(action="import.run.view", object_id=str(run.pk), outcome="ok").exists()
    assert not police.session.get("imports.upload")  # the upload is discarded once imported


def test_a_rejected_file_shows_each_problem(police, agencies, police_profile):
    rows = [
        good_row(1),
        with_cell(good_row(2), "DOB", "31/02/2015"),
        with_cell(good_row(3), "Forename", "<b>x</b>" * 2),
    ]
    rows[2] = with_cell(rows[2], "NHS", "123")
    upload(police, csv_bytes(rows), profile=police_profile.pk)
    response = police.post(reverse("imports:confirm"), {"mode": "import"})
    page = police.get(response.url).content.decode()
    assert "The file was not imported" in page
    assert "2 problems in 2 rows" in page
    assert "Not a date in the profile" in page and "31/02/2015" in page
    assert "NHS number must be 10 digits" in page
    assert SourceRecord.objects.count() == 0


def test_an_unreadable_file_says_why(police, agencies):
    upload(police, csv_bytes(good_rows(1)) + "é,\r\n".encode("latin-1"))
    # the preview reads the first rows only, so this file previews; a binary one does not
    upload(police, b"\x00\x01\x02 not text", name="niche.csv")
    response = police.get(reverse("imports:map"))
    assert response.status_code == 422
    assert "binary file" in response.content.decode()


def test_a_workbook_can_be_uploaded_and_previewed(police, agencies):
    upload(police, xlsx_bytes(good_rows(2), sheet="Pupils"), name="pupils.xlsx")
    page = police.get(reverse("imports:map")).content.decode()
    assert "sheet Pupils" in page and "L00002" in page


def test_a_dry_run_keeps_the_file_for_a_real_import(police, agencies, police_profile):
    upload(police, csv_bytes(good_rows(3)), profile=police_profile.pk)
    response = police.post(reverse("imports:confirm"), {"mode": "dry_run"})
    page = police.get(response.url).content.decode()
    assert "Checked only" in page and "Import this file now" in page
    assert SourceRecord.objects.count() == 0
    police.post(reverse("imports:confirm"), {"mode": "import"})
    assert SourceRecord.objects.count() == 3


def test_upload_errors_use_the_govuk_error_summary(police, agencies, police_xlsx_profile):
    page = police.post(reverse("imports:upload"), {}).content.decode()
    assert "There is a problem" in page and "Select a CSV or XLSX file" in page and 'href="#id_file"' in page
    assert police.post(reverse("imports:confirm"), {}).status_code == 302  # nothing uploaded yet
    page = upload(police, b"%PDF-1.4", name="extract.pdf").content.decode()
    assert "The selected file must be a CSV or XLSX" in page
    page = upload(police, csv_bytes(good_rows(1)), profile=police_xlsx_profile.pk).content.decode()
    assert "reads XLSX files" in page
    upload(police, xlsx_bytes(good_rows(1)), name="pupils.xlsx", profile=police_xlsx_profile.pk)
    page = police.post(reverse("imports:confirm"), {}).content.decode()
    assert "There is a problem" in page and "Select what you want to do" in page and 'href="#id_mode_0"' in page


def test_mapping_errors_name_the_problem(police, agencies, police_profile):
    upload(police, csv_bytes(good_rows(2)))
    bad = {**MAPPING, "name": police_profile.name, "field_family_name": "Forename", "sex_codes": "1 is M"}
    page = police.post(reverse("imports:map"), bad).content.decode()
    assert "There is a problem" in page
    assert "already exists" in page
    assert "is already chosen for given name" in page
    assert "Line 1 must look like 1 = M" in page
    page = police.post(reverse("imports:map"), {**MAPPING, "local_id_column": ""}).content.decode()
    assert "Select the column with each record’s id" in page


def test_runs_and_profiles_are_own_agency_only(client, personas, agencies, police_profile, write):
    run = import_file(write("niche.csv", csv_bytes(good_rows(2))), agencies["police"], police_profile)
    for persona, status in (("police_contributor", 200), ("health_contributor", 404), ("mash_practitioner", 404)):
        client.force_login(personas[persona])
        assert client.get(reverse("imports:run", args=[run.pk])).status_code == status
        assert client.get(reverse("imports:profile_yaml", args=[police_profile.pk])).status_code == status
        listed = "niche.csv" in client.get(reverse("imports:runs")).content.decode()
        assert listed == (status == 200)
        profiles = client.get(reverse("imports:profiles")).content.decode()
        assert (police_profile.name in profiles) == (status == 200)
    assert AuditEvent.objects.filter(action="import.run.view", object_id=str(run.pk), outcome="denied").count() == 2


def test_another_agencys_profile_cannot_be_chosen(client, personas, agencies, police_profile):
    client.force_login(personas["health_contributor"])
    response = upload(client, csv_bytes(good_rows(1)), profile=police_profile.pk)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_profile_downloads_as_yaml(police, police_profile):
    response = police.get(reverse("imports:profile_yaml", args=[police_profile.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="test_extract.yaml"'
    assert MappingProfile.spec_from_yaml(response.content.decode()) == police_profile.spec()


def test_roles_without_imports_are_refused(client, personas):
    for persona in ("panel_chair", "missing_coordinator", "analyst", "board_member", "admin"):
        client.force_login(personas[persona])
        assert client.get(reverse("imports:upload")).status_code == 403
        nav = client.get(reverse("dashboard")).context["nav_items"]
        assert "Imports" not in [item["text"] for item in nav]
    client.force_login(personas["police_contributor"])
    assert "Imports" in [item["text"] for item in client.get(reverse("dashboard")).context["nav_items"]]


def test_the_runs_list_does_not_query_per_row(police, agencies, police_profile, write, django_assert_max_num_queries):
    for i in range(6):
        import_file(write(f"f{i}.csv", csv_bytes(good_rows(i + 1))), agencies["police"], police_profile)
    with django_assert_max_num_queries(8):
        response = police.get(reverse("imports:runs"))
    assert response.content.decode().count("govuk-tag--green") == 6
