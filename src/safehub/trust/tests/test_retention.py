"""Retention: exact dates for when a record falls due, dry runs change nothing, real runs anonymise once and audit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import ChildFactory, SourceRecordFactory, link
from typer.testing import CliRunner

from safehub.core.models import AuditEvent
from safehub.people.models import Identifier, Name
from safehub.trust.models import AnonymisedRecord, RetentionRule
from safehub.trust.retention import run_retention

NOW = dt.datetime(2025, 3, 15, 2, 0, tzinfo=ZoneInfo("Europe/London"))


def test_a_child_falls_due_on_their_25th_birthday(db):
    child = ChildFactory(date_of_birth=dt.date(2000, 3, 15))
    assert run_retention(today=dt.date(2025, 3, 14), now=NOW, dry_run=True).due == []
    due = run_retention(today=dt.date(2025, 3, 15), now=NOW, dry_run=True).due
    assert [(d.object_id, d.expired_on) for d in due] == [(child.pk, dt.date(2025, 3, 15))]


def test_a_29_february_birthday_falls_due_on_28_february(db):
    child = ChildFactory(date_of_birth=dt.date(2000, 2, 29))
    assert run_retention(today=dt.date(2025, 2, 27), now=NOW, dry_run=True).due == []
    assert [d.object_id for d in run_retention(today=dt.date(2025, 2, 28), now=NOW, dry_run=True).due] == [child.pk]


def test_a_configured_rule_overrides_the_default(db):
    ChildFactory(date_of_birth=dt.date(2000, 3, 15))
    RetentionRule.objects.create(record_type="child_record", years=30, anchor="date_of_birth")
    assert run_retention(today=dt.date(2025, 3, 15), now=NOW, dry_run=True).due == []


def test_the_real_run_anonymises_names_and_keeps_the_year_of_birth_once(agencies):
    child = ChildFactory(given_name="Ada", family_name="Lovelace", date_of_birth=dt.date(1999, 7, 4), nhs_number="9434765919")
    record = SourceRecordFactory(agency=agencies["police"], given_name="Ada", family_name="Lovelace",
                                 date_of_birth=dt.date(1999, 7, 4), postcode="AB1 2CD")
    link(record, child)
    Name.objects.create(child=child, given_name="Ada", family_name="Lovelace")
    Identifier.objects.create(child=child, scheme="nhs", value="9434765919")
    young = ChildFactory(date_of_birth=dt.date(2010, 1, 1))
    dry = run_retention(today=dt.date(2025, 3, 15), now=NOW, dry_run=True)
    child.refresh_from_db()
    assert len(dry.due) == 1 and child.given_name == "Ada"
    report = run_retention(today=dt.date(2025, 3, 15), now=NOW, dry_run=False)
    assert [d.object_id for d in report.due] == [child.pk]
    child.refresh_from_db()
    record.refresh_from_db()
    assert (child.given_name, child.family_name, child.date_of_birth, child.nhs_number) == (
        "Anonymised", "", dt.date(1999, 1, 1), "")
    assert (record.given_name, record.date_of_birth, record.postcode, record.received) == (
        "Anonymised", dt.date(1999, 1, 1), "", {})
    assert not Identifier.objects.filter(child=child).exists()
    assert Name.objects.get(child=child).given_name == "Anonymised"
    young.refresh_from_db()
    assert young.given_name != "Anonymised"
    event = AuditEvent.objects.get(action="retention.anonymised")
    assert event.object_id == str(child.pk) and "Lovelace" not in str(event.detail)
    assert AnonymisedRecord.objects.count() == 1
    assert run_retention(today=dt.date(2025, 3, 16), now=NOW, dry_run=False).due == []


def test_no_further_action_contacts_are_anonymised_after_six_years(world, personas, agencies):
    from safehub.intake.models import Contact, MashDecision

    received = dt.datetime(2019, 3, 15, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    contact = Contact.objects.create(
        child=world.police_child, reporter_name="Sam Teacher", received_at=received, consent="given", summary="Bruise seen",
        decision_due=received, recording_agency=agencies["social_care"], recorded_by=personas["mash_practitioner"],
    )
    MashDecision.objects.create(contact=contact, outcome="nfa", reason="Explained", decided_by=personas["mash_practitioner"],
                                decided_at=received)
    assert run_retention(today=dt.date(2025, 3, 14), now=NOW, dry_run=True).due == []
    due = run_retention(today=dt.date(2025, 3, 15), now=NOW, dry_run=False).due
    assert [(d.record_type, d.object_id) for d in due] == [("contact_nfa", contact.pk)]
    contact.refresh_from_db()
    assert (contact.reporter_name, contact.summary) == ("Anonymised", "Anonymised")


def test_the_cli_dry_run_lists_without_changing(db, monkeypatch):
    from safehub.cli import app

    child = ChildFactory(date_of_birth=dt.date(1990, 1, 1))
    result = CliRunner().invoke(app, ["retention", "run", "--dry-run", "--today", "2025-03-15"])
    assert result.exit_code == 0, result.output
    assert f"Child {child.pk}" in result.output and "would be anonymised" in " ".join(result.output.split())
    child.refresh_from_db()
    assert child.given_name != "Anonymised"
