"""Warning notes: a child or person presents a risk to staff or others. Recorded, signed off by a manager, disclosed.

A note is recorded by one practitioner and stays "awaiting manager sign-off" until a *different* user holding a manager
role (MASH practitioner or panel chair) confirms it. Each time it is passed on, a disclosure records who was told and
when. Reads go through `WarningNote.objects.visible_to(user)`: the owning agency's caveat decides who sees a note.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.roles import Role

from .models import Child, Event, Person, Relationship, WarningDisclosure, WarningNote
from .services import record_event
from .versioning import save_with_version

MANAGER_ROLES = frozenset({Role.MASH_PRACTITIONER, Role.PANEL_CHAIR})


class SignOffRefused(Exception):
    pass


@transaction.atomic
def record_warning(*, subject: Child | Person, actor, reason: str, review_date: dt.date,
                   risk_to: str = WarningNote.RiskTo.STAFF, caveat: str = Caveat.PARTNERSHIP,
                   now: dt.datetime | None = None) -> WarningNote:
    """Record a warning note about a child or person, owned by the actor's agency, awaiting a manager's sign-off.

    Writes a chronology event (notable, same caveat) and audits `warning.recorded`. ValueError names a bad field.
    """
    now = now or timezone.now()
    if not reason.strip():
        raise ValueError("reason: say what the risk is and what it is based on")
    if review_date is None or review_date <= now.date():
        raise ValueError("review_date: the review date must be in the future")
    if actor.agency_id is None:
        raise ValueError("agency: the person recording a warning must belong to an agency")
    child = subject if isinstance(subject, Child) else None
    person = subject if isinstance(subject, Person) else None
    note = WarningNote.objects.create(child=child, person=person, agency=actor.agency, reason=reason.strip(),
                                      review_date=review_date, risk_to=risk_to, caveat=caveat, recorded_by=actor,
                                      recorded_at=now)
    record_event(child=child, person=person, agency=actor.agency, type="warning.recorded", occurred_at=now,
                 precision=Event.Precision.EXACT, title="Warning note recorded",
                 summary=f"Risk to {note.get_risk_to_display().lower()}. Review by {review_date:%-d %B %Y}.",
                 significance=Event.Significance.NOTABLE, caveat=caveat, detail=note, actor=actor)
    record_audit(actor, "warning.recorded", note, detail={"subject": f"{'child' if child else 'person'}:{subject.pk}",
                                                           "review_date": review_date, "caveat": caveat})
    return note


@transaction.atomic
def sign_off_warning(note: WarningNote, *, actor, now: dt.datetime | None = None) -> WarningNote:
    """A manager confirms the note: it becomes active. Nobody signs off their own note. Audits `warning.signed_off`."""
    if not actor.role_codes & MANAGER_ROLES:
        raise SignOffRefused("Only a manager (MASH practitioner or panel chair) can sign off a warning note.")
    if actor.pk == note.recorded_by_id:
        raise SignOffRefused("A second person must sign off a warning note: you recorded this one.")
    if note.status != WarningNote.Status.AWAITING_SIGN_OFF:
        raise SignOffRefused("This warning note is not awaiting sign-off.")
    now = now or timezone.now()
    note = save_with_version(note, note.version, {"status": WarningNote.Status.ACTIVE, "signed_off_by_id": actor.pk,
                                                  "signed_off_at": now},
                             actor=actor, action="warning.signed_off")
    return note


@transaction.atomic
def record_disclosure(note: WarningNote, *, actor, told: str, told_at: dt.datetime, reason: str = "") -> WarningDisclosure:
    """Record that the warning was passed on: who was told and when. Audits `warning.disclosed`."""
    if not told.strip():
        raise ValueError("told: say who was told (name, role and organisation)")
    disclosure = WarningDisclosure.objects.create(note=note, told=told.strip()[:200], told_at=told_at,
                                                  reason=reason.strip()[:300], recorded_by=actor)
    record_audit(actor, "warning.disclosed", note, detail={"told": disclosure.told, "told_at": told_at,
                                                           "disclosure": disclosure.pk})
    return disclosure


def edit_warning(note: WarningNote, *, actor, expected_version: int, reason: str, review_date: dt.date,
                 risk_to: str) -> WarningNote:
    """Change a note's reason, review date or who is at risk, from the version the page showed (`save_with_version`).

    A changed reason or risk needs a new sign-off, so the note goes back to awaiting sign-off. An ended note cannot be
    edited (`ClosedRecord`), so an edit never reopens it.
    """
    if not reason.strip():
        raise ValueError("reason: say what the risk is and what it is based on")
    changes = {"reason": reason.strip(), "review_date": review_date, "risk_to": risk_to}
    if note.status == WarningNote.Status.ACTIVE and (changes["reason"] != note.reason or risk_to != note.risk_to):
        changes.update(status=WarningNote.Status.AWAITING_SIGN_OFF, signed_off_by_id=None, signed_off_at=None)
    return save_with_version(note, expected_version, changes, actor=actor, action="warning.edited")


def end_warning(note: WarningNote, *, actor, expected_version: int, reason: str,
                now: dt.datetime | None = None) -> WarningNote:
    """End a note (no longer shown as a warning; kept with its disclosures). Audits `warning.ended`."""
    if not reason.strip():
        raise ValueError("end_reason: say why the warning no longer applies")
    return save_with_version(note, expected_version, {"status": WarningNote.Status.ENDED, "ended_at": now or timezone.now(),
                                                      "end_reason": reason.strip()[:300]},
                             actor=actor, action="warning.ended")


def related_people(user, child: Child) -> list[tuple[Person, str]]:
    """The adults and peers linked to the child (mother, carer, household member…) that the user may see."""
    relationships = Relationship.objects.filter(child=child, person__isnull=False).select_related("person")
    visible = set(Person.objects.visible_to(user).filter(pk__in=[r.person_id for r in relationships])
                  .values_list("pk", flat=True))
    out: dict[int, tuple[Person, str]] = {}
    for r in relationships.order_by("type", "pk"):
        if r.person_id in visible:
            out.setdefault(r.person_id, (r.person, r.get_type_display()))
    return list(out.values())


def warnings_for(user, subject: Child | Person):
    """The subject's current warnings (awaiting sign-off and active) the user may see, newest first.

    For a child, also the warnings on the people linked to them whom the user may see: a risk from a parent or household
    member is a risk to anyone visiting the child.
    """
    notes = WarningNote.objects.visible_to(user).exclude(status=WarningNote.Status.ENDED)
    if isinstance(subject, Child):
        about = Q(child=subject) | Q(person__in=[p.pk for p, _ in related_people(user, subject)])
    else:
        about = Q(person=subject)
    return list(notes.filter(about).select_related("agency", "recorded_by", "signed_off_by", "person"))
