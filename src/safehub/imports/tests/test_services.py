"""import_file: all or nothing, idempotent, atomic when writing fails part-way, and audited."""

from __future__ import annotations

import csv
import json

import pytest

from safehub.core.audit import verify_chain
from safehub.core.models import AuditEvent
from safehub.imports import services
from safehub.imports.models import ImportRun, MappingProfile, RowError
from safehub.imports.parsers import ProfileError, ProfileSpec
from safehub.imports.services import ImportNotAllowed, import_file, save_profile
from safehub.people import services as people_services
from safehub.people.models import SourceRecord

from .builders import SPEC, TODAY, csv_bytes, good_row, good_rows, xlsx_bytes
from .test_parsers import CSV_CORPUS, XLSX_CORPUS, with_cell

pytestmark = pytest.mark.django_db


def test_a_valid_file_is_imported_as_source_records(agencies, personas, police_profile, write):
    path = write("niche.csv", csv_bytes(good_rows(5)))
    run = import_file(path, agencies["police"], police_profile, personas["police_contributor"])
    assert run.status == ImportRun.Status.IMPORTED
    assert (run.rows, run.created, run.updated, run.rejected) == (5, 5, 0, 0)
    record = SourceRecord.objects.get(local_id="L00002")
    assert (record.agency, record.system) == (agencies["police"], "TestSys")
    assert (record.given_name, record.family_name, record.sex) == ("Ellie", "Smith", "U")
    assert record.source_file == "niche.csv" and record.source_row == 3
    assert record.import_run_id == run.pk and record.imported_by == personas["police_contributor"]
    assert record.received["Sex"] == "9"
    assert len(run.content_hash) == 64 and run.size == path.stat().st_size


def test_one_bad_row_means_nothing_is_imported(agencies, police_profile, write):
    rows = [*good_rows(3), with_cell(good_row(4), "NHS", "9434765918")]
    run = import_file(write("niche.csv", csv_bytes(rows)), agencies["police"], police_profile)
    assert run.status == ImportRun.Status.FAILED
    assert SourceRecord.objects.count() == 0
    assert (run.rows, run.rejected, run.created) == (4, 1, 0)
    error = RowError.objects.get(run=run)
    assert (error.file_name, error.row, error.column, error.value) == ("niche.csv", 5, "NHS", "9434765918")
    assert "check digit" in error.reason


CORPUS = {
    **{f"csv: {k}": (v[0], "csv") for k, v in CSV_CORPUS.items()},
    **{f"xlsx: {k}": (v[0], "xlsx") for k, v in XLSX_CORPUS.items()},
}


@pytest.mark.parametrize("case", CORPUS, ids=list(CORPUS))
def test_nothing_from_a_broken_file_is_written(agencies, police_profile, police_xlsx_profile, write, case):
    data, kind = CORPUS[case]
    profile = police_profile if kind == "csv" else police_xlsx_profile
    if case == "csv: header row beyond the end":
        profile.header_row = 5
        profile.save()
    run = import_file(write(f"broken.{kind}", data), agencies["police"], profile, today=TODAY)
    assert run.status == ImportRun.Status.FAILED
    assert SourceRecord.objects.count() == 0
    assert run.row_errors.exists()


def test_the_same_file_twice_is_imported_once(agencies, police_profile, write):
    path = write("niche.csv", csv_bytes(good_rows(4)))
    first = import_file(path, agencies["police"], police_profile)
    again = import_file(path, agencies["police"], police_profile)
    assert again.pk == first.pk and again.already_imported and not first.already_imported
    assert ImportRun.objects.count() == 1
    assert SourceRecord.objects.count() == 4
    assert AuditEvent.objects.filter(action="import.run", outcome="already_imported", object_id=str(first.pk)).exists()


def test_a_changed_file_updates_records_by_local_id(agencies, police_profile, write):
    import_file(write("monday.csv", csv_bytes(good_rows(4))), agencies["police"], police_profile)
    changed = [with_cell(good_row(1), "Surname", "Okafor-Reid"), *good_rows(5)[1:]]
    run = import_file(write("tuesday.csv", csv_bytes(changed)), agencies["police"], police_profile)
    assert (run.status, run.created, run.updated) == (ImportRun.Status.IMPORTED, 1, 4)
    assert SourceRecord.objects.count() == 5
    record = SourceRecord.objects.get(local_id="L00001")
    assert record.family_name == "Okafor-Reid" and record.source_file == "tuesday.csv"


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks, not savepoints inside a test transaction
def test_a_failure_while_writing_leaves_the_database_as_it_was(agencies, police_profile, write, monkeypatch):
    import_file(write("earlier.csv", csv_bytes(good_rows(2))), agencies["police"], police_profile)
    before = list(SourceRecord.objects.order_by("pk").values_list("local_id", "family_name"))
    real_store = people_services.store_source_records
    calls = []

    def store_then_fail(*args, **kwargs):
        calls.append(len(args[2]))
        if len(calls) > 1:
            raise RuntimeError("disk full")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "CHUNK_SIZE", 3)
    monkeypatch.setattr(people_services, "store_source_records", store_then_fail)
    changed = [with_cell(good_row(1), "Surname", "Changed"), *good_rows(8)[1:]]
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(write("later.csv", csv_bytes(changed)), agencies["police"], police_profile)
    assert calls == [3, 3]  # the first chunk was written before the failure...
    assert list(SourceRecord.objects.order_by("pk").values_list("local_id", "family_name")) == before  # ...and undone
    run = ImportRun.objects.get(file_name="later.csv")
    assert run.status == ImportRun.Status.FAILED
    assert "disk full" in run.report["interrupted"]
    assert verify_chain().ok


def test_rows_are_written_in_chunks_with_progress(agencies, police_profile, write, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 4)
    real_store = people_services.store_source_records
    chunks = []
    monkeypatch.setattr(
        people_services, "store_source_records", lambda *a, **k: chunks.append(len(a[2])) or real_store(*a, **k)
    )
    seen = []
    run = import_file(
        write("niche.csv", csv_bytes(good_rows(10))),
        agencies["police"],
        police_profile,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert run.created == 10 and chunks == [4, 4, 2]
    assert [s for s in seen if s[0] == "Importing"] == [
        ("Importing", 4, 10),
        ("Importing", 8, 10),
        ("Importing", 10, 10),
    ]


def test_accept_valid_imports_the_valid_rows_and_sets_the_rest_aside(agencies, police_profile, write, tmp_path):
    injected = with_cell(with_cell(good_row(3), "DOB", "never"), "Forename", "=cmd|' /C calc'!A0")
    rows = [good_row(1), good_row(2), injected, with_cell(good_row(4), "Sex", "X")]
    path = write("niche.csv", csv_bytes(rows))
    run = import_file(path, agencies["police"], police_profile, accept_valid=True)
    assert run.status == ImportRun.Status.IMPORTED and run.accept_valid
    assert (run.rows, run.created, run.rejected) == (4, 2, 2)
    assert sorted(SourceRecord.objects.values_list("local_id", flat=True)) == ["L00001", "L00002"]

    rejects = tmp_path / f"niche.run{run.pk}.rejects.csv"
    assert run.report["rejects_file"] == str(rejects)
    with rejects.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["Row", "Reasons", "ID", "Forename", "Surname", "DOB", "Sex", "NHS", "Postcode"]
    assert [line[0] for line in table[1:]] == ["4", "5"]
    assert "DOB: not a date" in table[1][1]
    assert table[1][3] == "'=cmd|' /C calc'!A0"  # never written back as a live formula

    report = json.loads((tmp_path / f"niche.run{run.pk}.report.json").read_text(encoding="utf-8"))
    assert report["status"] == "imported" and report["rejected"] == 2
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(4, "DOB"), (5, "Sex")]


def test_accept_valid_with_no_valid_rows_imports_nothing(agencies, police_profile, write):
    rows = [with_cell(good_row(1), "Sex", "X")]
    run = import_file(write("niche.csv", csv_bytes(rows)), agencies["police"], police_profile, accept_valid=True)
    assert run.status == ImportRun.Status.FAILED and SourceRecord.objects.count() == 0


def test_a_dry_run_counts_but_writes_nothing(agencies, police_profile, write):
    import_file(write("first.csv", csv_bytes(good_rows(2))), agencies["police"], police_profile)
    run = import_file(write("second.csv", csv_bytes(good_rows(5))), agencies["police"], police_profile, dry_run=True)
    assert (run.status, run.created, run.updated) == (ImportRun.Status.DRY_RUN, 3, 2)
    assert SourceRecord.objects.count() == 2
    # a dry run is not an import: the same file can then be imported for real
    real = import_file(write("second.csv", csv_bytes(good_rows(5))), agencies["police"], police_profile)
    assert real.status == ImportRun.Status.IMPORTED and real.pk != run.pk


def test_an_xlsx_file_is_imported(agencies, police_xlsx_profile, write):
    run = import_file(write("pupils.xlsx", xlsx_bytes(good_rows(3))), agencies["police"], police_xlsx_profile)
    assert run.status == ImportRun.Status.IMPORTED and run.created == 3
    assert SourceRecord.objects.get(local_id="L00001").received["DOB"] == "2011-02-02"


def test_each_run_is_audited(agencies, personas, police_profile, write):
    actor = personas["police_contributor"]
    run = import_file(write("niche.csv", csv_bytes(good_rows(2))), agencies["police"], police_profile, actor)
    event = AuditEvent.objects.filter(action="import.run").latest("seq")
    assert (event.actor, event.object_type, event.object_id) == (actor, "imports.importrun", str(run.pk))
    assert event.detail["created"] == 2 and event.detail["sha256"] == run.content_hash
    failed = import_file(write("bad.csv", b""), agencies["police"], police_profile, actor)
    event = AuditEvent.objects.filter(action="import.run").latest("seq")
    assert (event.object_id, event.outcome) == (str(failed.pk), "rejected")


def test_another_agencys_profile_cannot_be_used(agencies, police_profile, write):
    with pytest.raises(ImportNotAllowed):
        import_file(write("niche.csv", csv_bytes(good_rows(1))), agencies["health"], police_profile)


# --- profiles -----------------------------------------------------------------------------------------------------


def test_profile_problems_name_the_bad_key():
    spec = ProfileSpec(
        name="Bad",
        system="X",
        local_id_column="ID",
        columns={"DOB": "dob", "Other": "local_id"},
        date_formats=("%d/%m", "dd/mm/yyyy"),
        code_lists={"sex": {"1": "Male"}, "colour": {"r": "red"}},
        caveat="secret",
        header_row=0,
    )
    problems = spec.problems()
    assert "'dob' is not a field" in problems["columns['DOB']"]
    assert "local_id_column" in problems["columns['Other']"]
    assert "needs a day, a month and a year" in problems["date_formats[0]"]
    assert "not a date format" in problems["date_formats[1]"]
    assert "must be one of M, F, U" in problems["code_lists['sex']['1']"]
    assert "not a field that takes codes" in problems["code_lists['colour']"]
    assert "not a caveat" in problems["caveat"]
    assert "header_row" in problems


def test_model_clean_reports_the_same_problems(agencies):
    profile = MappingProfile(
        agency=agencies["police"], name="Bad", system="X", local_id_column="ID", column_map={"A": "nope"}
    )
    with pytest.raises(Exception, match=r"columns\['A'\]: 'nope' is not a field"):
        profile.full_clean()


def test_yaml_round_trip_and_unknown_keys(agencies):
    profile = save_profile(agencies["police"], SPEC)
    text = profile.to_yaml()
    assert MappingProfile.spec_from_yaml(text) == profile.spec()
    with pytest.raises(ProfileError) as error:
        MappingProfile.spec_from_yaml(text + "colour: blue\n")
    assert "colour" in error.value.problems
    with pytest.raises(ProfileError) as error:
        MappingProfile.spec_from_yaml("name: [unclosed")
    assert "yaml" in error.value.problems


def test_saving_a_profile_again_replaces_its_settings_and_audits(agencies):
    save_profile(agencies["police"], SPEC)
    changed = ProfileSpec(**{**SPEC.__dict__, "date_formats": ("%Y-%m-%d",)})
    profile = save_profile(agencies["police"], changed)
    assert MappingProfile.objects.count() == 1 and profile.date_formats == ["%Y-%m-%d"]
    assert AuditEvent.objects.filter(action="import.profile.saved").count() == 2


def test_a_run_that_never_finished_is_closed_as_interrupted_by_the_next_import(agencies, police_profile, write):
    import datetime as dt

    from django.utils import timezone

    path = write("niche.csv", csv_bytes(good_rows(3)))
    # as a killed process leaves it: the run row committed, its writing transaction never did
    stuck = ImportRun.objects.create(agency=agencies["police"], profile=police_profile, file_name="niche.csv",
                                     content_hash="x" * 64, size=1, started_at=timezone.now() - dt.timedelta(hours=7))
    recent = ImportRun.objects.create(agency=agencies["police"], profile=police_profile, file_name="other.csv",
                                      content_hash="y" * 64, size=1, started_at=timezone.now())
    run = import_file(path, agencies["police"], police_profile)
    assert run.status == ImportRun.Status.IMPORTED
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ImportRun.Status.FAILED and stuck.report["interrupted"] is True
    assert "import the file again" in stuck.report["summary"]
    assert recent.status == ImportRun.Status.VALIDATING  # may still be running
    assert AuditEvent.objects.filter(action="import.interrupted", object_id=str(stuck.pk)).count() == 1
    assert verify_chain().ok
