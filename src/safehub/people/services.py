"""Changes to children, people and source records. Each function runs in a transaction and writes the audit trail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import nhs_number
from django.db import transaction

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency

from .models import Address, Child, Event, Identifier, Name, Person, Placement, RecordLink, SourceRecord


@dataclass(frozen=True)
class RecordValues:
    """One agency row, parsed and normalised, ready to store as a `SourceRecord`."""

    local_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: str = "U"
    nhs_number: str = ""
    upn: str = ""
    police_id: str = ""
    postcode: str = ""
    address: str = ""
    school: str = ""
    gp_practice: str = ""
    received: dict = field(default_factory=dict)
    source_file: str = ""
    source_row: int | None = None
    caveat: str = Caveat.PARTNERSHIP


STORED_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "postcode",
    "address",
    "police_id",
    "school",
    "gp_practice",
)


@transaction.atomic
def store_source_records(
    agency: Agency, system: str, rows: Sequence[RecordValues], *, actor=None, import_run_id: int | None = None
) -> list[SourceRecord]:
    """Create or update one source record per row (keyed by agency, system and local id), so re-importing is idempotent.

    Audits one `source_records.stored` event with the counts.
    """
    existing = {
        r.local_id: r
        for r in SourceRecord.objects.filter(agency=agency, system=system, local_id__in=[v.local_id for v in rows])
    }
    created, updated, stored = [], [], []
    for values in rows:
        record = existing.get(values.local_id) or SourceRecord(agency=agency, system=system, local_id=values.local_id)
        for name in STORED_FIELDS:
            setattr(record, name, getattr(values, name))
        record.received = values.received
        record.source_file, record.source_row = values.source_file, values.source_row
        record.caveat = values.caveat
        record.import_run_id = import_run_id
        record.imported_by = actor if getattr(actor, "is_authenticated", False) else None
        (updated if record.pk else created).append(record)
        stored.append(record)
    SourceRecord.objects.bulk_create(created, batch_size=500)
    if updated:
        SourceRecord.objects.bulk_update(
            updated,
            [*STORED_FIELDS, "received", "source_file", "source_row", "caveat", "import_run_id", "imported_by"],
            batch_size=500,
        )
    record_audit(
        actor,
        "source_records.stored",
        object_type="core.agency",
        object_id=agency.pk,
        detail={"system": system, "created": len(created), "updated": len(updated), "import_run": import_run_id},
    )
    return stored


def identifier_status(scheme: str, value: str) -> str:
    if scheme == Identifier.Scheme.NHS:
        return Identifier.TraceStatus.VERIFIED if nhs_number.is_valid(value) else Identifier.TraceStatus.INVALID
    return Identifier.TraceStatus.UNVERIFIED


def _facts_from(record: SourceRecord, child: Child) -> list:
    facts: list = [
        Name(child=child, source_record=record, given_name=record.given_name, family_name=record.family_name)
    ]
    for scheme, value in (
        (Identifier.Scheme.NHS, record.nhs_number),
        (Identifier.Scheme.UPN, record.upn),
        (Identifier.Scheme.POLICE, record.police_id),
    ):
        if value:
            facts.append(
                Identifier(
                    child=child,
                    source_record=record,
                    scheme=scheme,
                    value=value,
                    trace_status=identifier_status(scheme, value),
                )
            )
    if record.local_id != record.police_id:
        facts.append(Identifier(child=child, source_record=record, scheme=_local_scheme(record), value=record.local_id))
    if record.address or record.postcode:
        facts.append(Address(child=child, source_record=record, line=record.address, postcode=record.postcode))
    if record.school:
        facts.append(Placement(child=child, source_record=record, kind=Placement.Kind.SCHOOL, name=record.school))
    if record.gp_practice:
        facts.append(Placement(child=child, source_record=record, kind=Placement.Kind.GP, name=record.gp_practice))
    return facts


def _local_scheme(record: SourceRecord) -> str:
    return {
        "police": Identifier.Scheme.POLICE,
        "social_care": Identifier.Scheme.LCS,
        "youth_justice": Identifier.Scheme.YOUTH_JUSTICE,
    }.get(record.agency.type, Identifier.Scheme.OTHER)


def _most_common(values: Iterable):
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def derive_single_view(child: Child, records: Sequence[SourceRecord]) -> None:
    """Set the child's displayed name, date of birth, sex and NHS number from the values most of its records agree on."""
    child.given_name = _most_common(r.given_name.strip().title() for r in records) or ""
    child.family_name = _most_common(r.family_name.strip().title() for r in records) or ""
    child.date_of_birth = _most_common(r.date_of_birth for r in records)
    child.sex = _most_common(r.sex for r in records if r.sex != "U") or "U"
    child.nhs_number = _most_common(r.nhs_number for r in records if nhs_number.is_valid(r.nhs_number)) or ""


@transaction.atomic
def create_child_from_records(
    records: Sequence[SourceRecord],
    *,
    decision: str,
    actor=None,
    probability: float | None = None,
    audit: bool = True,
) -> Child:
    """Make a new child from source records judged to be the same child, with a link and provenanced facts per record."""
    child = Child()
    derive_single_view(child, records)
    child.save()
    links, facts = [], []
    for record in records:
        links.append(RecordLink(source_record=record, child=child, decision=decision, match_probability=probability))
        facts.extend(_facts_from(record, child))
    RecordLink.objects.bulk_create(links)
    for model in (Name, Identifier, Address, Placement):
        model.objects.bulk_create([f for f in facts if isinstance(f, model)])
    if audit:
        record_audit(actor, "child.created", child, detail={"records": [r.pk for r in records], "decision": decision})
    return child


@transaction.atomic
def restrict_child(child: Child, *, named_users: Iterable, reason: str, actor) -> Child:
    """Restrict a child's record to named users (the actor is always included). Audits `child.restricted`."""
    users = {u.pk: u for u in named_users}
    users[actor.pk] = actor
    child.restricted = True
    child.restriction_reason = reason
    child.save(update_fields=["restricted", "restriction_reason", "updated_at"])
    child.restricted_to.set(users.values())
    record_audit(actor, "child.restricted", child, detail={"named_users": sorted(users), "reason": reason})
    return child


def record_event(
    *,
    agency: Agency,
    type: str,
    occurred_at,
    title: str,
    child: Child | None = None,
    person: Person | None = None,
    summary: str = "",
    action_taken: str = "",
    outcome: str = "",
    significance: int = Event.Significance.ROUTINE,
    caveat: str = Caveat.PARTNERSHIP,
    source_record: SourceRecord | None = None,
    detail=None,
    actor=None,
    precision: str = Event.Precision.DAY,
) -> Event:
    """Write one row in the event table (the chronology, triggers and indicators read it) for a domain change.

    Domain services call this inside their own transaction, next to the detailed row `detail` they created, and write their
    own audit event; this function does not audit, so a change is audited once.
    """
    if (child is None) == (person is None):
        raise ValueError("An event is about exactly one child or one person.")
    return Event.objects.create(
        child=child,
        person=person,
        agency=agency,
        type=type,
        occurred_at=occurred_at,
        precision=precision,
        title=title[:200],
        summary=summary,
        action_taken=action_taken,
        outcome=outcome,
        significance=significance,
        caveat=caveat,
        source_record=source_record,
        detail_type=detail._meta.label_lower if detail is not None else "",
        detail_id=str(detail.pk) if detail is not None else "",
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


EDITABLE_CHILD_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "ethnicity")


def edit_child_details(child: Child, *, actor, expected_version: int, changes: dict) -> Child:
    """Change the single view's name, date of birth, sex or ethnicity from the version the page showed.

    Refused with `StaleVersion` (nothing written, both versions attached) when someone saved since, and with
    `ClosedRecord` when the child was merged into another. Audits `child.edited` with each field's before and after.
    """
    from .versioning import save_with_version

    unknown = set(changes) - set(EDITABLE_CHILD_FIELDS)
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]}: not editable here")
    return save_with_version(child, expected_version, changes, actor=actor, action="child.edited")
