"""Retention: which records have passed their retention period, and anonymising them.

Rules are configuration: `DEFAULTS` below, overridden per record type by a `RetentionRule` row. Records are anonymised rather
than deleted: children and contacts are referenced (PROTECT) from plans, decisions and the audit trail, whose integrity the
partnership must keep. Anonymising replaces names with "Anonymised", keeps only the year of a date of birth, and removes
identifiers, addresses and the rows as agencies sent them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.people.models import Address, Child, Identifier, Name, SourceRecord

from .models import AnonymisedRecord, RetentionRule

ANONYMISED = "Anonymised"
Type = RetentionRule.RecordType


@dataclass(frozen=True)
class Rule:
    record_type: str
    years: int
    anchor: str
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.years} years from {RetentionRule.Anchor(self.anchor).label.lower()}"

    def expires(self, anchor_date: date) -> date:
        return anchor_date + relativedelta(years=self.years)


DEFAULTS = {
    Type.CHILD_RECORD: Rule(Type.CHILD_RECORD, 25, RetentionRule.Anchor.DATE_OF_BIRTH,
                            "Local authority retention schedule: children's social care records, 25 years from birth"),
    Type.CONTACT_NFA: Rule(Type.CONTACT_NFA, 6, RetentionRule.Anchor.RECEIVED,
                           "Local authority retention schedule: contacts with no further action, 6 years"),
}


def rules() -> dict[str, Rule]:
    configured = {r.record_type: Rule(r.record_type, r.years, r.anchor, r.source) for r in RetentionRule.objects.all()}
    return {code: configured.get(code, default) for code, default in DEFAULTS.items()}


@dataclass(frozen=True)
class Due:
    record_type: str
    object_id: int
    label: str  # what the record is, without personal data: "Child 12", "Contact C000034"
    anchor: date
    expired_on: date
    rule: str


def _done(record_type: str) -> set[str]:
    return set(AnonymisedRecord.objects.filter(record_type=record_type).values_list("object_id", flat=True))


def due_for_anonymising(today: date) -> list[Due]:
    """Every record whose retention period ended on or before `today` and that is not anonymised yet."""
    found: list[Due] = []
    current = rules()
    child_rule = current[Type.CHILD_RECORD]
    latest_birth = today - relativedelta(years=child_rule.years)
    done = _done(Type.CHILD_RECORD)
    # a day's margin for 29 February births, then the exact test
    candidates = Child.objects.filter(date_of_birth__lte=latest_birth + timedelta(days=1)).order_by("pk")
    for pk, born in candidates.values_list("pk", "date_of_birth"):
        if child_rule.expires(born) <= today and str(pk) not in done:
            found.append(Due(Type.CHILD_RECORD, pk, f"Child {pk}", born, child_rule.expires(born), child_rule.label))
    found.extend(_contacts_due(today, current[Type.CONTACT_NFA]))
    return found


def _contacts_due(today: date, rule: Rule) -> list[Due]:
    try:
        from safehub.intake.models import Contact, MashDecision
    except ImportError:  # pragma: no cover - the front door is installed everywhere today
        return []
    done = _done(Type.CONTACT_NFA)
    out = []
    contacts = Contact.objects.filter(decision__outcome=MashDecision.Outcome.NO_FURTHER_ACTION).order_by("pk")
    for contact in contacts.only("pk", "received_at"):
        received = timezone.localtime(contact.received_at).date()
        if rule.expires(received) <= today and str(contact.pk) not in done:
            out.append(Due(Type.CONTACT_NFA, contact.pk, contact.reference, received, rule.expires(received), rule.label))
    return out


@transaction.atomic
def anonymise(due: Due, *, now: datetime) -> None:
    """Anonymise one record and note it. Audits `retention.anonymised` with the rule (and no personal data)."""
    if due.record_type == Type.CHILD_RECORD:
        _anonymise_child(due.object_id)
    elif due.record_type == Type.CONTACT_NFA:
        _anonymise_contact(due.object_id)
    AnonymisedRecord.objects.create(record_type=due.record_type, object_id=str(due.object_id), anonymised_at=now,
                                    rule=due.rule)
    record_audit(None, "retention.anonymised", object_type=due.record_type, object_id=due.object_id,
                 detail={"rule": due.rule, "expired_on": due.expired_on, "run_by": "safehub retention run"})


def _year_only(value: date | None) -> date | None:
    return date(value.year, 1, 1) if value else None


def _anonymise_child(pk: int) -> None:
    child = Child.objects.get(pk=pk)
    child.given_name, child.family_name, child.nhs_number = ANONYMISED, "", ""
    child.date_of_birth = _year_only(child.date_of_birth)
    child.save(update_fields=["given_name", "family_name", "nhs_number", "date_of_birth", "updated_at"])
    Name.objects.filter(child=child).update(given_name=ANONYMISED, family_name="")
    Identifier.objects.filter(child=child).delete()
    Address.objects.filter(child=child).delete()
    for record in SourceRecord.objects.filter(link__child=child):
        record.given_name, record.family_name = ANONYMISED, ""
        record.date_of_birth = _year_only(record.date_of_birth)
        record.nhs_number = record.upn = record.police_id = record.postcode = record.address = ""
        record.received = {}
        record.save(update_fields=["given_name", "family_name", "date_of_birth", "nhs_number", "upn", "police_id",
                                   "postcode", "address", "received"])


def _anonymise_contact(pk: int) -> None:
    from safehub.intake.models import Contact

    Contact.objects.filter(pk=pk).update(
        reporter_name=ANONYMISED, reporter_relationship="", subject_description="", summary=ANONYMISED,
        without_consent_reason="",
    )


@dataclass(frozen=True)
class RunReport:
    dry_run: bool
    due: list[Due]


def run_retention(*, today: date, now: datetime, dry_run: bool) -> RunReport:
    """List what is due and, unless a dry run, anonymise each (one transaction per record, so a failure stops cleanly)."""
    due = due_for_anonymising(today)
    if not dry_run:
        for item in due:
            anonymise(item, now=now)
        record_audit(None, "retention.run", object_type="trust.retention", detail={"anonymised": len(due)})
    return RunReport(dry_run, due)
