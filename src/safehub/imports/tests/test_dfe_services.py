"""Importing DfE returns: children become the council's source records, rows become `ReturnRecord`s with provenance,
dated facts of linked children go on the chronology; all or nothing; the same file twice adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from safehub.imports.dfe.services import import_return, sync_return_events
from safehub.imports.models import ImportRun, ReturnRecord, RowError
from safehub.people.models import Event, SourceRecord
from safehub.people.services import create_child_from_records

from .dfe_builders import TODAY, edit_annex_a, sample_files, set_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path):
    return sample_files(tmp_path)


@pytest.fixture
def council(agencies):
    return agencies["social_care"]


def test_annex_a_import_stores_children_rows_and_provenance(files, council, personas):
    analyst = personas["analyst"]
    run = import_return(files.annex_a, council, "annex-a", analyst, today=TODAY)
    assert run.status == ImportRun.Status.IMPORTED, list(run.row_errors.values_list("reason", flat=True))
    records = SourceRecord.objects.filter(agency=council, system="Annex A")
    assert sorted(records.values_list("local_id", flat=True)) == ["HC1", "HC2", "HC3", "HC4"]
    hc3 = records.get(local_id="HC3")
    assert (str(hc3.date_of_birth), hc3.sex, hc3.source_file, hc3.import_run_id) == ("2010-02-02", "F", "annex_a.xlsx", run.pk)
    rows = ReturnRecord.objects.filter(agency=council, kind="annex_a")
    assert run.created == rows.count() == run.rows
    referral = rows.get(table="list_3", child_key="HC3", key_date="2025-06-01")
    assert referral.fields["referral_nfa"] == "Y" and referral.labels["referral_nfa"] == "Yes"
    assert referral.received["Date of Referral"] == "2025-06-01"
    assert (referral.run, referral.source_file, referral.sheet, referral.imported_by) == (
        run, "annex_a.xlsx", "List 3 - Referrals", analyst)
    assert referral.source_row > 1 and referral.imported_at is not None
    assert referral.source_record == hc3


def test_the_same_file_twice_creates_nothing_new(files, council):
    first = import_return(files.annex_a, council, "annex-a", today=TODAY)
    counts = (ReturnRecord.objects.count(), SourceRecord.objects.count(), ImportRun.objects.count())
    again = import_return(files.annex_a, council, "annex-a", today=TODAY)
    assert again.pk == first.pk and again.already_imported
    assert (ReturnRecord.objects.count(), SourceRecord.objects.count(), ImportRun.objects.count()) == counts


def test_a_corrected_return_updates_rows_instead_of_adding(files, council, tmp_path):
    import_return(files.annex_a, council, "annex-a", today=TODAY)
    before = ReturnRecord.objects.count()
    corrected = tmp_path / "annex_a_v2.xlsx"
    corrected.write_bytes(edit_annex_a(files.annex_a, lambda wb: set_cell(wb, 3, 2, "Referral Source", "2A")))
    run = import_return(corrected, council, "annex-a", today=TODAY)
    assert run.status == ImportRun.Status.IMPORTED and run.created == 0 and run.updated == before
    assert ReturnRecord.objects.count() == before
    row = ReturnRecord.objects.get(table="list_3", sheet="List 3 - Referrals", source_row=2)
    assert row.fields["referral_source"] == "2A" and row.run == run


def test_one_bad_row_rejects_the_whole_file(files, council, tmp_path):
    bad = tmp_path / "annex_a_bad.xlsx"
    bad.write_bytes(edit_annex_a(files.annex_a, lambda wb: set_cell(wb, 1, 3, "Date of Contact", "yesterday")))
    run = import_return(bad, council, "annex-a", today=TODAY)
    assert run.status == ImportRun.Status.FAILED
    assert ReturnRecord.objects.count() == 0 and SourceRecord.objects.count() == 0
    error = RowError.objects.get(run=run)
    assert (error.file_name, error.sheet, error.row, error.column, error.value) == (
        "annex_a_bad.xlsx", "List 1 - Contacts", 3, "Date of Contact", "yesterday")
    assert "unparseable date" in error.reason
    assert run.rejected == 1 and run.report["problem_count"] == 1


def test_accept_valid_imports_the_other_rows(files, council, tmp_path):
    bad = tmp_path / "annex_a_bad.xlsx"
    bad.write_bytes(edit_annex_a(files.annex_a, lambda wb: set_cell(wb, 1, 3, "Date of Contact", "yesterday")))
    run = import_return(bad, council, "annex-a", accept_valid=True, today=TODAY)
    assert run.status == ImportRun.Status.IMPORTED and run.rejected == 1
    assert ReturnRecord.objects.count() == run.rows - 1
    assert not ReturnRecord.objects.filter(sheet="List 1 - Contacts", source_row=3).exists()
    rejects = Path(run.report["rejects_file"]).read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "File,Sheet,Row,Column,Value,Reason"
    assert rejects[1].startswith("annex_a_bad.xlsx,List 1 - Contacts,3,Date of Contact,yesterday,unparseable date")
    assert Path(run.report["report_file"]).exists()


def test_dry_run_writes_nothing(files, council):
    run = import_return(files.annex_a, council, "annex-a", dry_run=True, today=TODAY)
    assert run.status == ImportRun.Status.DRY_RUN and run.created == run.rows
    assert ReturnRecord.objects.count() == 0 and SourceRecord.objects.count() == 0


def test_a_whole_file_problem_is_reported_once(council, tmp_path):
    path = tmp_path / "episodes.csv"
    path.write_bytes(b"CHILD,DECOM\nA,01/01/2025\n")
    run = import_return(path, council, "ssda903", today=TODAY)
    assert run.status == ImportRun.Status.FAILED and run.report["whole_file_rejected"]
    assert RowError.objects.filter(run=run, column="RNE", row=1).exists()


def test_ssda903_episodes_and_missing_join_the_header_child(files, council):
    for path in files.ssda903:
        run = import_return(path, council, "ssda903", today=TODAY)
        assert run.status == ImportRun.Status.IMPORTED, list(run.row_errors.values_list("reason", flat=True))
    header = SourceRecord.objects.get(agency=council, system="SSDA903", local_id="HC2")
    assert str(header.date_of_birth) == "2012-06-01" and header.sex == "M" and header.upn == ""
    episodes = ReturnRecord.objects.filter(kind="ssda903", table="episodes", child_key="HC2")
    assert episodes.count() == 2 and {e.source_record for e in episodes} == {header}
    missing = ReturnRecord.objects.get(kind="ssda903", table="missing", child_key="HC2", key_date="2025-11-01")
    assert missing.labels["missing"] == "Away from placement without authorisation"


def test_cin_census_import(files, council):
    run = import_return(files.cin_census, council, "cin-xml", today=TODAY)
    assert run.status == ImportRun.Status.IMPORTED, list(run.row_errors.values_list("column", "reason"))
    assert SourceRecord.objects.filter(system="CIN census").count() == 4
    assert ReturnRecord.objects.filter(kind="cin_census", table="cin_details").count() == 7
    assert set(ReturnRecord.objects.filter(kind="cin_census").values_list("period", flat=True)) == {"2026-03-31"}


def test_dated_facts_go_on_the_chronology_of_linked_children(files, council):
    import_return(files.annex_a, council, "annex-a", today=TODAY)
    assert not Event.objects.exists()  # nobody linked yet
    record = SourceRecord.objects.get(system="Annex A", local_id="HC1")
    child = create_child_from_records([record], decision="confirmed")
    created = sync_return_events(council)
    # HC1: 2 contacts, 2 referrals, 1 section 47 enquiry, 1 CP plan, 1 period of care
    assert created == 7
    titles = sorted(child.events.values_list("title", flat=True))
    assert titles.count("Referral (Annex A)") == 2 and "Child protection plan started (Annex A)" in titles
    event = child.events.get(type="return.cp_plan")
    assert event.agency == council and event.source_record == record and event.detail_type == "imports.returnrecord"
    assert "List 7" not in event.title and "Initial Category of Abuse: Neglect" in event.summary
    assert sync_return_events(council) == 0  # again: nothing new


def test_events_are_written_by_the_import_when_the_child_is_already_linked(files, council, tmp_path):
    import_return(files.ssda903_header, council, "ssda903", today=TODAY)
    create_child_from_records([SourceRecord.objects.get(system="SSDA903", local_id="HC2")], decision="confirmed")
    run = import_return(files.ssda903_missing, council, "ssda903", today=TODAY)
    assert run.report["events"] == 3
    assert Event.objects.filter(type="return.missing").count() == 3


def test_unknown_format_is_refused(files, council):
    from safehub.imports.dfe.services import UnknownFormat

    with pytest.raises(UnknownFormat):
        import_return(files.annex_a, council, "annex-b", today=TODAY)


def test_the_web_upload_imports_a_return_through_its_built_in_profile(client, personas, files, council, settings,
                                                                      tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from safehub.imports.dfe.services import return_profile

    settings.VAR_DIR = tmp_path / "var"
    profile = return_profile(council, "annex_a")
    client.force_login(personas["mash_practitioner"])
    response = client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("annex_a.xlsx", files.annex_a.read_bytes()), "profile": profile.pk})
    assert response.status_code == 302 and response.url == reverse("imports:confirm")
    response = client.post(reverse("imports:confirm"), {"mode": "import"})
    run = ImportRun.objects.get(profile=profile)
    assert response.url == reverse("imports:run", args=[run.pk])
    assert run.status == ImportRun.Status.IMPORTED and run.started_by == personas["mash_practitioner"]
    assert ReturnRecord.objects.filter(run=run, kind="annex_a").count() == run.rows
    assert "Imported" in client.get(response.url).content.decode()
