"""Police notification and SSDA903 missing imports: row errors, all or nothing, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories import SourceRecordFactory, link

from safehub.core.models import AuditEvent
from safehub.missing.importers import (
    RowError,
    import_police_notifications,
    import_ssda903_missing,
    parse_police_notifications,
    parse_ssda903_missing,
)
from safehub.missing.models import MissingEpisode, TriggerFiring
from safehub.people.models import Event

from .conftest import NOW

POLICE_HEADER = (
    "Report Ref,Person URN,Forename,Surname,DOB,Gender,Missing From,Postcode,Date Missing,Date Found,Risk Grade,"
    "Location Found,Reported By"
)


def police_csv(*rows: str) -> bytes:
    return ("\n".join([POLICE_HEADER, *rows]) + "\n").encode()


def ssda903_csv(*rows: str) -> bytes:
    return ("\n".join(["CHILD,MISSING,MIS_START,MIS_END", *rows]) + "\n").encode()


GOOD_POLICE = [
    'MP/2026/000101,5550001,Olivia,Brennan,02/05/13,F,"1 High St, Town",PR1 1AA,2026-01-10T17:44:00Z,'
    "2026-01-11T09:00:00Z,medium,Friend's address,Parent/carer",
    'MP/2026/000102,5550001,Olivia,Brennan,02/05/13,F,"1 High St, Town",PR1 1AA,2026-02-01T20:00:00Z,'
    "2026-02-02T08:00:00Z,no apparent risk,Town bus station,Children's home",
    'MP/2026/000103,5550001,Olivia,Brennan,02/05/13,F,"1 High St, Town",PR1 1AA,2026-03-15T22:00:00Z,,high,,Foster carer',
]


@pytest.fixture
def police_reports(world, agencies):
    """The demo's way: each report stored as a police source record (local id = report ref) linked to the child."""
    for ref in ("MP/2026/000101", "MP/2026/000102", "MP/2026/000103"):
        link(SourceRecordFactory(agency=agencies["police"], system="Niche missing persons", local_id=ref), world.police_child)
    return world


@pytest.fixture
def lcs_record(world, agencies):
    record = SourceRecordFactory(agency=agencies["social_care"], system="LCS", local_id="LCS000777")
    link(record, world.health_only_child)
    return record


# --- parsing ------------------------------------------------------------------------------------------------------------


def test_parse_police_rows():
    rows, errors = parse_police_notifications(police_csv(*GOOD_POLICE))
    assert errors == []
    assert [r.row for r in rows] == [2, 3, 4]
    first = rows[0]
    assert first.started_at == dt.datetime(2026, 1, 10, 17, 44, tzinfo=dt.UTC)
    assert (first.risk_grade, first.reported_by, first.where_found) == ("medium", "parent_carer", "Friend's address")
    assert rows[1].risk_grade == "no_apparent_risk" and rows[1].reported_by == "placement"
    assert rows[2].ended_at is None


def test_parse_police_reports_every_bad_cell():
    rows, errors = parse_police_notifications(
        police_csv(
            ",1,A,B,,F,,,2026-01-10T17:44:00Z,,low,,",
            "MP/9,1,A,B,,F,,,yesterday,2026-01-11T09:00:00Z,critical,,",
            "MP/10,1,A,B,,F,,,2026-01-10T17:44:00Z,2026-01-09T09:00:00Z,low,,",
            "MP/10,1,A,B,,F,,,2026-01-10T17:44:00Z,,low,,",
        ),
        file="reports.csv",
    )
    assert rows == []
    assert errors == [
        RowError("reports.csv", 2, "Report Ref", "", "Every report needs its reference"),
        RowError("reports.csv", 3, "Date Missing", "yesterday", "Not a date and time, e.g. 2026-03-01T14:30:00Z"),
        RowError("reports.csv", 3, "Risk Grade", "critical", "Not a police risk grade: no apparent risk, low, medium or high"),
        RowError("reports.csv", 4, "Date Found", "2026-01-09T09:00:00Z", "Found before the child went missing"),
        RowError("reports.csv", 5, "Report Ref", "MP/10", "The same report is already in row 4"),
    ]


def test_parse_names_a_missing_column():
    _rows, errors = parse_police_notifications(b"Report Ref,Person URN\nMP/1,2\n", file="f.csv")
    assert errors == [RowError("f.csv", 1, "Date Missing", "", "This column is missing from the header row")]


def test_parse_ssda903_rows_and_errors():
    rows, errors = parse_ssda903_missing(
        ssda903_csv("LCS1,M,03/02/2026,04/02/2026", "LCS1,A,10/02/2026,", "LCS2,X,2026-02-10,31/02/2026",
                    "LCS3,M,05/02/2026,01/02/2026", "LCS1,M,03/02/2026,"),
        file="903.csv",
    )
    assert [(r.row, r.child_ref, r.category, r.started_on, r.ended_on) for r in rows] == [
        (2, "LCS1", "missing", dt.date(2026, 2, 3), dt.date(2026, 2, 4)),
        (3, "LCS1", "absent", dt.date(2026, 2, 10), None),
    ]
    assert [(e.row, e.column, e.value) for e in errors] == [
        (4, "MISSING", "X"),
        (4, "MIS_START", "2026-02-10"),
        (4, "MIS_END", "31/02/2026"),
        (5, "MIS_END", "01/02/2026"),
        (6, "MIS_START", "03/02/2026"),
    ]


# --- importing ----------------------------------------------------------------------------------------------------------


def test_police_import_creates_episodes_for_the_linked_child_and_fires_triggers(police_reports, agencies, personas):
    report = import_police_notifications(police_csv(*GOOD_POLICE), now=NOW, actor=personas["missing_coordinator"])
    assert report.ok and (report.rows, report.created, report.unchanged) == (3, 3, 0)
    episodes = list(MissingEpisode.objects.order_by("started_at"))
    assert {e.child for e in episodes} == {police_reports.police_child}
    assert {e.agency for e in episodes} == {agencies["police"]}
    assert episodes[0].source_record.local_id == "MP/2026/000101"
    assert episodes[0].places == "Missing from: 1 High St, Town"
    assert episodes[2].ongoing and episodes[2].risk_grade == "high"
    assert Event.objects.filter(type="missing.started").count() == 3
    assert Event.objects.filter(type="missing.returned").count() == 2
    # three episodes within 90 days, and the first lasted more than 24 hours? No: 15 h 16 min. The third is ongoing 14 h.
    assert list(TriggerFiring.objects.values_list("rule__code", flat=True)) == ["episodes-in-window"]
    assert report.firings == 1
    audit = AuditEvent.objects.get(action="missing.import")
    assert audit.detail["created"] == 3 and len(audit.detail["sha256"]) == 64


def test_police_import_is_idempotent_and_a_later_file_records_the_return(police_reports, personas):
    import_police_notifications(police_csv(*GOOD_POLICE), now=NOW)
    again = import_police_notifications(police_csv(*GOOD_POLICE), now=NOW)
    assert again.ok and (again.created, again.unchanged, again.returned) == (0, 3, 0)
    found = GOOD_POLICE[2].replace("2026-03-15T22:00:00Z,,high,,", "2026-03-15T22:00:00Z,2026-03-16T10:00:00Z,high,Park,")
    later = import_police_notifications(police_csv(*GOOD_POLICE[:2], found), now=NOW)
    assert (later.created, later.unchanged, later.returned) == (0, 2, 1)
    assert MissingEpisode.objects.count() == 3
    assert MissingEpisode.objects.get(police_reference="MP/2026/000103").where_found == "Park"
    assert TriggerFiring.objects.filter(rule__code="episodes-in-window").count() == 1


def test_police_import_is_all_or_nothing(police_reports):
    unknown = GOOD_POLICE[0].replace("MP/2026/000101,5550001", "MP/2026/999999,0000000")
    report = import_police_notifications(police_csv(GOOD_POLICE[1], unknown, GOOD_POLICE[2]), now=NOW, file="x.csv")
    assert not report.ok
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "Report Ref", "MP/2026/999999")]
    assert "nothing was imported" in report.summary()
    assert MissingEpisode.objects.count() == 0 and not Event.objects.filter(type__startswith="missing.").exists()
    assert AuditEvent.objects.get(action="missing.import").outcome == "rejected"


def test_a_row_the_services_refuse_rolls_back_rows_already_written(police_reports, record):
    # Already recorded by hand, starting later than the police say: the file's return would come before the start.
    record(police_reports.police_child, dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), None, police_reference="MP/2026/000103")
    found = GOOD_POLICE[2].replace("2026-03-15T22:00:00Z,,high,,", "2026-03-15T22:00:00Z,2026-03-16T08:00:00Z,high,Park,")
    report = import_police_notifications(police_csv(*GOOD_POLICE[:2], found), now=NOW)
    assert [(e.row, e.column) for e in report.errors] == [(4, "Date Found")]
    assert report.created == 0
    assert MissingEpisode.objects.count() == 1 and MissingEpisode.objects.get().ongoing


def test_police_import_matches_by_person_urn_when_the_report_is_not_stored(world, agencies):
    link(SourceRecordFactory(agency=agencies["police"], system="Niche", local_id="5550001"), world.health_only_child)
    report = import_police_notifications(police_csv(GOOD_POLICE[0]), now=NOW)
    assert report.ok and MissingEpisode.objects.get().child == world.health_only_child


def test_police_import_refuses_reports_in_the_future(police_reports):
    report = import_police_notifications(police_csv(*GOOD_POLICE), now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    assert [(e.row, e.column) for e in report.errors] == [(4, "Date Missing")]
    assert MissingEpisode.objects.count() == 0


def test_ssda903_import_matches_the_social_care_record_and_is_idempotent(lcs_record, world, agencies):
    data = ssda903_csv("LCS000777,M,03/02/2026,04/02/2026", "LCS000777,A,10/02/2026,")
    report = import_ssda903_missing(data, now=NOW)
    assert report.ok and report.created == 2
    first, second = MissingEpisode.objects.order_by("started_at")
    assert first.child == world.health_only_child and first.agency == agencies["social_care"]
    assert first.started_at == dt.datetime(2026, 2, 3, tzinfo=dt.UTC)  # midnight in London (GMT in February)
    assert first.precision == "day" and second.category == "absent" and second.ongoing
    again = import_ssda903_missing(ssda903_csv("LCS000777,M,03/02/2026,04/02/2026", "LCS000777,A,10/02/2026,12/02/2026"), now=NOW)
    assert (again.created, again.unchanged, again.returned) == (0, 1, 1)
    assert MissingEpisode.objects.count() == 2


def test_ssda903_row_for_an_episode_the_police_already_notified_is_the_same_episode(lcs_record, world, record):
    record(world.health_only_child, dt.datetime(2026, 2, 3, 18, 30, tzinfo=dt.UTC), None, police_reference="MP/7")
    report = import_ssda903_missing(ssda903_csv("LCS000777,M,03/02/2026,04/02/2026"), now=NOW)
    assert (report.created, report.returned) == (0, 1)
    episode = MissingEpisode.objects.get()
    assert episode.ended_at == dt.datetime(2026, 2, 4, tzinfo=dt.UTC)


def test_ssda903_unknown_child_rolls_back_every_row(lcs_record):
    report = import_ssda903_missing(ssda903_csv("LCS000777,M,03/02/2026,04/02/2026", "NOPE,M,05/02/2026,"), now=NOW)
    assert [(e.row, e.column, e.value, e.reason) for e in report.errors] == [
        (3, "CHILD", "NOPE", "No child in safehub is linked to this social care id")
    ]
    assert MissingEpisode.objects.count() == 0
