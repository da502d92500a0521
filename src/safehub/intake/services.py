"""Changes at the front door. Each function runs in a transaction, writes an audit event and, where something happened to
a child, one row in the child's event table (`safehub.people.services.record_event`).

Functions check the domain rules themselves (the API calls them as well as the pages) and raise `IntakeError` naming the
field at fault, so a page can show it next to the field and the API can return it in a 422.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency, User
from safehub.people.models import Child, Event
from safehub.people.services import record_event

from . import concerns as concern_codes
from .deadlines import due_at, due_on
from .models import (
    AgencyCheckRequest,
    AgencyCheckResponse,
    Assessment,
    CareProceedings,
    Contact,
    Discipline,
    Enquiry,
    FgdmOffer,
    HomeEducationNotice,
    MashDecision,
    NrmReferral,
    Plan,
    PlanItem,
    StrategyAttendance,
    StrategyDiscussion,
    Task,
    Urgency,
)


class IntakeError(ValueError):
    """A change the domain rules refuse; `errors` maps each field at fault to a message a practitioner can act on."""

    def __init__(self, errors: Mapping[str, str] | str, message: str = ""):
        self.errors = dict(errors) if isinstance(errors, Mapping) else {errors: message}
        super().__init__("; ".join(f"{field}: {text}" for field, text in self.errors.items()))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _require_agency(actor: User) -> Agency:
    if actor.agency_id is None:
        raise PermissionDenied("Only a user who belongs to an agency can do this.")
    return actor.agency


def _task(*, title: str, due: dt.datetime, detail, all_day: bool = False, **fields) -> Task:
    return Task.objects.create(
        title=title[:200],
        due_at=due,
        all_day=all_day,
        detail_type=detail._meta.label_lower,
        detail_id=str(detail.pk),
        **fields,
    )


def _close_tasks(detail, now: dt.datetime) -> int:
    return Task.objects.filter(
        detail_type=detail._meta.label_lower, detail_id=str(detail.pk), done_at__isnull=True
    ).update(done_at=now)


def _end_of_day(day: dt.date) -> dt.datetime:
    """A task due on a date is due by the end of that local day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


# ---------------------------------------------------------------------------------------------------------------------
# Contacts and decisions


@transaction.atomic
def record_contact(
    *,
    actor: User,
    received_at: dt.datetime,
    reporter_name: str,
    summary: str,
    consent: str,
    child: Child | None = None,
    subject_description: str = "",
    reporter_agency: Agency | None = None,
    reporter_relationship: str = "",
    concerns: Iterable[str] = (),
    without_consent_reason: str = "",
    urgency: str = Urgency.NORMAL,
    caveat: str = Caveat.PARTNERSHIP,
    now: dt.datetime | None = None,
) -> Contact:
    """Record a contact, start its MASH decision clock and give the recorder a task to decide by then.

    Writes a `contact` event on the child (when the contact is about a known child) and audits `contact.recorded`.
    """
    now = _now(now)
    recording_agency = _require_agency(actor)
    concerns = list(dict.fromkeys(c.strip().upper() for c in concerns if c.strip()))
    errors = {}
    if child is None and not subject_description.strip():
        errors["subject_description"] = "Say who the contact is about, or choose a child"
    if not reporter_name.strip():
        errors["reporter_name"] = "Enter the name of the person who made the contact"
    if reporter_agency is None and not reporter_relationship.strip():
        errors["reporter_relationship"] = "Enter the reporter's agency, or their relationship to the child"
    if received_at > now:
        errors["received_at"] = "The date and time received must be in the past"
    if bad := concern_codes.unknown(concerns):
        errors["concerns"] = f"Unknown concern code {', '.join(bad)}: use the CIN census factor codes"
    if consent not in Contact.Consent.values:
        errors["consent"] = "Select whether the family consented to the information being shared"
    elif consent != Contact.Consent.GIVEN and not without_consent_reason.strip():
        errors["without_consent_reason"] = "Give the reason for sharing without consent"
    if urgency not in Urgency.values:
        errors["urgency"] = "Select normal or urgent"
    if caveat not in Caveat.values:
        errors["caveat"] = "Select who may read this contact"
    if not summary.strip():
        errors["summary"] = "Enter a summary of what was reported"
    if errors:
        raise IntakeError(errors)

    rule = "mash_decision_urgent" if urgency == Urgency.URGENT else "mash_decision"
    contact = Contact.objects.create(
        child=child,
        subject_description=subject_description.strip(),
        reporter_name=reporter_name.strip(),
        reporter_agency=reporter_agency,
        reporter_relationship=reporter_relationship.strip(),
        received_at=received_at,
        concerns=concerns,
        consent=consent,
        without_consent_reason=without_consent_reason.strip() if consent != Contact.Consent.GIVEN else "",
        urgency=urgency,
        summary=summary.strip(),
        caveat=caveat,
        decision_due=due_at(rule, received_at),
        recording_agency=recording_agency,
        recorded_by=actor,
    )
    if child is not None:
        record_event(
            child=child,
            agency=recording_agency,
            type="contact",
            occurred_at=received_at,
            precision=Event.Precision.EXACT,
            title=f"Contact from {contact.reporter_label}"
            + (f": {', '.join(contact.concern_labels())}" if concerns else ""),
            summary=contact.summary,
            significance=Event.Significance.SIGNIFICANT if urgency == Urgency.URGENT else Event.Significance.NOTABLE,
            caveat=caveat,
            detail=contact,
            actor=actor,
        )
    _task(
        title=f"MASH decision on contact {contact.reference}",
        due=contact.decision_due,
        detail=contact,
        child=child,
        assigned_to=actor,
        agency=recording_agency,
        source=f"Contact {contact.reference}",
    )
    record_audit(
        actor,
        "contact.recorded",
        contact,
        detail={"child": child.pk if child else None, "urgency": urgency, "concerns": concerns, "due": contact.decision_due},
    )
    return contact


@transaction.atomic
def decide(
    contact: Contact,
    *,
    outcome: str,
    reason: str,
    actor: User,
    transfer_to: str = "",
    now: dt.datetime | None = None,
) -> MashDecision:
    """Record the MASH decision on a contact. A section 17 or section 47 decision on a known child is a referral, so it
    starts the child's assessment (45 working days) too.

    Writes a `mash_decision` event on the child, closes the decision task and audits `mash_decision.recorded`.
    """
    now = _now(now)
    agency = _require_agency(actor)
    if MashDecision.objects.filter(contact=contact).exists():
        raise IntakeError("outcome", "This contact already has a MASH decision")
    errors = {}
    if outcome not in MashDecision.Outcome.values:
        errors["outcome"] = "Select the decision"
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    if outcome == MashDecision.Outcome.TRANSFER and not transfer_to.strip():
        errors["transfer_to"] = "Enter the local authority the case is transferred to"
    if errors:
        raise IntakeError(errors)
    decision = MashDecision.objects.create(
        contact=contact,
        outcome=outcome,
        reason=reason.strip(),
        transfer_to=transfer_to.strip() if outcome == MashDecision.Outcome.TRANSFER else "",
        decided_by=actor,
        decided_at=now,
    )
    significance = {
        MashDecision.Outcome.SECTION_47: Event.Significance.SIGNIFICANT,
        MashDecision.Outcome.SECTION_17: Event.Significance.NOTABLE,
        MashDecision.Outcome.MACE: Event.Significance.NOTABLE,
    }.get(outcome, Event.Significance.ROUTINE)
    if contact.child_id:
        record_event(
            child=contact.child,
            agency=agency,
            type="mash_decision",
            occurred_at=now,
            precision=Event.Precision.EXACT,
            title=f"MASH decision: {decision.get_outcome_display()}",
            summary=decision.reason,
            significance=significance,
            caveat=contact.caveat,
            detail=decision,
            actor=actor,
        )
        if outcome in (MashDecision.Outcome.SECTION_17, MashDecision.Outcome.SECTION_47):
            start_assessment(contact.child, actor=actor, started_on=timezone.localdate(now), contact=contact)
    _close_tasks(contact, now)
    record_audit(
        actor,
        "mash_decision.recorded",
        decision,
        detail={"contact": contact.pk, "outcome": outcome, "on_time": decision.on_time},
    )
    return decision


@transaction.atomic
def start_assessment(
    child: Child, *, actor: User, started_on: dt.date, contact: Contact | None = None
) -> Assessment:
    """Start a child and family assessment, due by the `assessment` timescale, with a task for the person starting it.

    Writes an `assessment_started` event and audits `assessment.started`.
    """
    agency = _require_agency(actor)
    assessment = Assessment.objects.create(
        child=child,
        contact=contact,
        started_on=started_on,
        due_on=due_on("assessment", started_on),
        started_by=actor,
    )
    record_event(
        child=child,
        agency=agency,
        type="assessment_started",
        occurred_at=timezone.make_aware(dt.datetime.combine(started_on, dt.time(9, 0))),
        title=f"Assessment started, due by {assessment.due_on.day} {assessment.due_on:%B %Y}",
        significance=Event.Significance.NOTABLE,
        caveat=contact.caveat if contact else Caveat.PARTNERSHIP,
        detail=assessment,
        actor=actor,
    )
    _task(
        title=f"Complete assessment A{assessment.pk}",
        due=_end_of_day(assessment.due_on),
        all_day=True,
        detail=assessment,
        child=child,
        assigned_to=actor,
        agency=agency,
        source=f"Contact {contact.reference}" if contact else "",
    )
    record_audit(actor, "assessment.started", assessment, detail={"child": child.pk, "due": assessment.due_on})
    return assessment


# ---------------------------------------------------------------------------------------------------------------------
# Agency checks


@transaction.atomic
def send_agency_checks(
    contact: Contact,
    *,
    agencies: Iterable[Agency],
    question: str,
    actor: User,
    urgent: bool | None = None,
    now: dt.datetime | None = None,
) -> list[AgencyCheckRequest]:
    """Ask each agency what it knows about the contact's child, by the agency_check timescale (or the urgent one).

    The request copies the child's name and date of birth as the MASH holds them, so the agency can search its own
    system without seeing the MASH's record. Gives each agency a task and audits `agency_check.sent` per request.
    """
    now = _now(now)
    agencies = list(agencies)
    urgent = contact.urgency == Urgency.URGENT if urgent is None else urgent
    errors = {}
    if not agencies:
        errors["agencies"] = "Select at least one agency to ask"
    already = set(
        AgencyCheckRequest.objects.filter(contact=contact, agency__in=agencies).values_list("agency__name", flat=True)
    )
    if already:
        errors["agencies"] = f"Already asked: {', '.join(sorted(already))}"
    if not question.strip():
        errors["question"] = "Enter the question for the agencies"
    if errors:
        raise IntakeError(errors)
    deadline = due_at("agency_check_urgent" if urgent else "agency_check", now)
    child = contact.child
    requests = []
    for agency in agencies:
        request = AgencyCheckRequest.objects.create(
            contact=contact,
            agency=agency,
            question=question.strip(),
            subject_name=child.full_name if child else contact.subject_description[:200],
            subject_dob=child.date_of_birth if child else None,
            urgent=urgent,
            sent_at=now,
            sent_by=actor,
            deadline=deadline,
        )
        # No child on the task: the agency may not know the child, and the request itself carries what they may see.
        _task(
            title=f"Answer MASH check {request.reference}",
            due=deadline,
            detail=request,
            agency=agency,
            source=f"MASH check {request.reference}",
        )
        record_audit(
            actor,
            "agency_check.sent",
            request,
            detail={"contact": contact.pk, "agency": agency.code, "urgent": urgent, "deadline": deadline},
        )
        requests.append(request)
    return requests


@transaction.atomic
def respond_to_check(
    request: AgencyCheckRequest,
    *,
    actor: User,
    known: bool,
    text: str,
    caveat: str = Caveat.PARTNERSHIP,
    now: dt.datetime | None = None,
) -> AgencyCheckResponse:
    """Answer a check for the actor's agency. The answer goes on the child's chronology as an event owned by the
    responding agency and carrying the answer's caveat, so who can read it there is what the agency chose.

    Closes the agency's task and audits `agency_check.answered`.
    """
    now = _now(now)
    if actor.agency_id is None or actor.agency_id != request.agency_id:
        raise PermissionDenied("Only the agency asked can answer this check.")
    if AgencyCheckResponse.objects.filter(request=request).exists():
        raise IntakeError("text", "This check has already been answered")
    errors = {}
    if not text.strip():
        errors["text"] = "Enter what your agency knows, or that it holds nothing"
    if caveat not in Caveat.values:
        errors["caveat"] = "Select who may read the answer"
    if errors:
        raise IntakeError(errors)
    response = AgencyCheckResponse.objects.create(
        request=request,
        agency=request.agency,
        known=known,
        text=text.strip(),
        caveat=caveat,
        answered_by=actor,
        answered_at=now,
    )
    contact = request.contact
    if contact.child_id:
        record_event(
            child=contact.child,
            agency=request.agency,
            type="agency_check_response",
            occurred_at=now,
            precision=Event.Precision.EXACT,
            title=f"{request.agency.name} answered a MASH check: {'known' if known else 'not known'} to them",
            summary=response.text,
            significance=Event.Significance.NOTABLE if known else Event.Significance.ROUTINE,
            caveat=caveat,
            detail=response,
            actor=actor,
        )
    _close_tasks(request, now)
    record_audit(
        actor,
        "agency_check.answered",
        response,
        detail={"request": request.pk, "known": known, "caveat": caveat, "on_time": response.on_time},
    )
    return response


# ---------------------------------------------------------------------------------------------------------------------
# Strategy discussions and s47 enquiries


@dataclass(frozen=True)
class Attendee:
    present: bool
    name: str = ""


@transaction.atomic
def record_strategy_discussion(
    *,
    actor: User,
    held_at: dt.datetime,
    attendance: Mapping[str, Attendee],
    decision: str,
    contact: Contact | None = None,
    child: Child | None = None,
    notes: str = "",
    lead_practitioner: User | None = None,
    now: dt.datetime | None = None,
) -> StrategyDiscussion:
    """Record a strategy discussion: attendance for each discipline, the decision, and the date by which an initial
    child protection conference must be held (the `icpc` timescale from the day of the discussion). A decision to start
    a section 47 enquiry opens the `Enquiry` with its lead child protection practitioner, who gets the conference task.

    Writes a `strategy_discussion` event on the child and audits `strategy_discussion.recorded`.
    """
    now = _now(now)
    agency = _require_agency(actor)
    child = child or (contact.child if contact else None)
    errors = {}
    if contact is None and child is None:
        errors["child"] = "Choose the child the discussion was about"
    if contact is not None:
        contact_decision = MashDecision.objects.filter(contact=contact).first()
        if contact_decision is None or contact_decision.outcome != MashDecision.Outcome.SECTION_47:
            errors["decision"] = "Record the MASH decision 'Section 47 strategy discussion' first"
    if held_at > now:
        errors["held_at"] = "The date and time of the discussion must be in the past"
    elif contact is not None and held_at < contact.received_at:
        errors["held_at"] = "The discussion cannot be before the contact was received"
    for discipline in Discipline:
        attendee = attendance.get(discipline.value)
        if attendee is None:
            errors[f"attendance_{discipline.value}"] = f"Say whether {discipline.label.lower()} took part"
        elif attendee.present and not attendee.name.strip():
            errors[f"attendance_{discipline.value}"] = f"Enter the name of the {discipline.label.lower()} attendee"
    if decision not in StrategyDiscussion.Decision.values:
        errors["decision"] = "Select what the discussion decided"
    elif decision == StrategyDiscussion.Decision.SECTION_47 and lead_practitioner is None:
        errors["lead_practitioner"] = "Choose the lead child protection practitioner"
    if errors:
        raise IntakeError(errors)
    held_on = timezone.localdate(held_at)
    discussion = StrategyDiscussion.objects.create(
        contact=contact,
        child=child,
        held_at=held_at,
        decision=decision,
        notes=notes.strip(),
        icpc_due=due_on("icpc", held_on),
        recorded_by=actor,
    )
    StrategyAttendance.objects.bulk_create(
        StrategyAttendance(
            discussion=discussion,
            discipline=discipline.value,
            present=attendance[discipline.value].present,
            name=attendance[discipline.value].name.strip() if attendance[discipline.value].present else "",
        )
        for discipline in Discipline
    )
    enquiry = None
    if decision == StrategyDiscussion.Decision.SECTION_47:
        enquiry = Enquiry.objects.create(
            strategy_discussion=discussion,
            child=child,
            lead_practitioner=lead_practitioner,
            started_on=held_on,
            icpc_due=discussion.icpc_due,
        )
        _task(
            title=f"Initial child protection conference for enquiry E{enquiry.pk}",
            due=_end_of_day(enquiry.icpc_due),
            all_day=True,
            detail=enquiry,
            child=child,
            assigned_to=lead_practitioner,
            agency=lead_practitioner.agency,
            source=f"Strategy discussion {held_on:%Y-%m-%d}",
        )
    if child is not None:
        absent = [a.label.lower() for a in Discipline if not attendance[a.value].present]
        record_event(
            child=child,
            agency=agency,
            type="strategy_discussion",
            occurred_at=held_at,
            precision=Event.Precision.EXACT,
            title=f"Strategy discussion: {discussion.get_decision_display()}",
            summary=discussion.notes + (f"\nNot present: {', '.join(absent)}." if absent else ""),
            significance=Event.Significance.SIGNIFICANT,
            caveat=contact.caveat if contact else Caveat.PARTNERSHIP,
            detail=discussion,
            actor=actor,
        )
    record_audit(
        actor,
        "strategy_discussion.recorded",
        discussion,
        detail={
            "contact": contact.pk if contact else None,
            "decision": decision,
            "icpc_due": discussion.icpc_due,
            "enquiry": enquiry.pk if enquiry else None,
            "lead_practitioner": lead_practitioner.pk if enquiry else None,
        },
    )
    return discussion


# ---------------------------------------------------------------------------------------------------------------------
# Plans and tasks


@transaction.atomic
def start_plan(
    child: Child, *, type: str, actor: User | None, start_on: dt.date, lead_practitioner: User | None = None
) -> Plan:
    """Start a plan for a child. A child protection plan needs its lead child protection practitioner named. Writes a
    `plan_started` event (owned by the actor's agency, or the lead practitioner's) and audits `plan.started`.
    """
    if type not in Plan.Type.values:
        raise IntakeError("type", f"Unknown plan type {type!r}")
    if type == Plan.Type.CHILD_PROTECTION and lead_practitioner is None:
        raise IntakeError("lead_practitioner", "Name the lead child protection practitioner for a child protection plan")
    plan = Plan.objects.create(
        child=child, type=type, lead_practitioner=lead_practitioner, start_on=start_on, created_by=actor
    )
    agency = getattr(actor, "agency", None) or getattr(lead_practitioner, "agency", None)
    if agency is not None:
        record_event(
            child=child,
            agency=agency,
            type="plan_started",
            occurred_at=timezone.make_aware(dt.datetime.combine(start_on, dt.time(9, 0))),
            title=f"{plan.get_type_display()} started",
            significance=Event.Significance.NOTABLE,
            detail=plan,
            actor=actor,
        )
    record_audit(actor, "plan.started", plan, detail={"child": child.pk, "type": type})
    return plan


def open_plan(child: Child, day: dt.date) -> Plan | None:
    """The child's newest plan open on `day`, if any."""
    return (
        Plan.objects.filter(child=child, start_on__lte=day)
        .exclude(end_on__lt=day)
        .order_by("-start_on", "-pk")
        .first()
    )


@transaction.atomic
def add_plan_item(
    plan_or_child: Plan | Child,
    *,
    text: str,
    owner_name: str = "",
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
    source: str = "",
    actor: User | None = None,
    today: dt.date | None = None,
) -> PlanItem:
    """Add an action to a child's plan (how panels and meetings put their actions on a child).

    Given a child rather than a plan, the item goes on the child's newest open plan; if the child has none, a
    "multi-agency plan" is started for it, with no lead practitioner until one is named. That type exists so panel actions
    always have a home without pretending a statutory plan (child in need, child protection) or consent-based early help
    has started. Audits `plan_item.added` (and `plan.started` when a plan is made).
    """
    today = today or timezone.localdate()
    if not text.strip():
        raise IntakeError("text", "Enter the action")
    if isinstance(plan_or_child, Plan):
        plan = plan_or_child
    else:
        plan = open_plan(plan_or_child, today) or start_plan(
            plan_or_child, type=Plan.Type.MULTI_AGENCY, actor=actor, start_on=today
        )
    item = PlanItem.objects.create(
        plan=plan,
        text=text.strip(),
        owner_name=owner_name.strip(),
        owner_agency=owner_agency,
        due_on=due_on,
        source=source.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_audit(
        actor,
        "plan_item.added",
        item,
        detail={"plan": plan.pk, "child": plan.child_id, "source": item.source, "due": due_on},
    )
    return item


@transaction.atomic
def complete_plan_item(
    item: PlanItem, *, actor: User | None, evidence: str = "", now: dt.datetime | None = None
) -> PlanItem:
    """Mark an action on a child's plan done (how a panel or meeting closes the plan item its action put there).

    Writes a `plan_item_completed` event on the child (owned by the actor's agency, else the item owner's, else the lead
    practitioner's) with the evidence as its outcome, and audits `plan_item.completed`. Completing an item already done
    changes nothing; a cancelled item cannot be completed.
    """
    if item.status == PlanItem.Status.DONE:
        return item
    if item.status == PlanItem.Status.CANCELLED:
        raise IntakeError("status", "This plan action was cancelled; it cannot be completed")
    now = _now(now)
    item.status = PlanItem.Status.DONE
    item.save(update_fields=["status"])
    plan = item.plan
    agency = (
        getattr(actor, "agency", None)
        or item.owner_agency
        or getattr(plan.lead_practitioner, "agency", None)
    )
    if agency is not None:
        record_event(
            child=plan.child,
            agency=agency,
            type="plan_item_completed",
            occurred_at=now,
            title=f"{plan.get_type_display()}: action completed",
            summary=item.text,
            outcome=evidence.strip(),
            detail=item,
            actor=actor,
            precision=Event.Precision.EXACT,
        )
    record_audit(
        actor,
        "plan_item.completed",
        item,
        detail={"plan": plan.pk, "child": plan.child_id, "source": item.source, "evidence": evidence.strip()},
    )
    return item


@transaction.atomic
def complete_task(task: Task, *, actor: User, now: dt.datetime | None = None) -> Task:
    """Mark a task done. Audits `task.completed`."""
    if task.done_at is None:
        task.done_at = _now(now)
        task.save(update_fields=["done_at"])
        record_audit(actor, "task.completed", task)
    return task


# ---------------------------------------------------------------------------------------------------------------------
# Care proceedings and family group decision-making (Children's Wellbeing and Schools Act 2026)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _at_nine(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _not_future(errors: dict, field: str, day: dt.date | None, today: dt.date, what: str) -> None:
    if day is not None and day > today:
        errors[field] = f"The date {what} cannot be in the future"


@transaction.atomic
def record_decision_to_consider_proceedings(
    child: Child, *, actor: User, considered_on: dt.date, today: dt.date | None = None
) -> CareProceedings:
    """Record the local authority's decision to consider care proceedings for a child. Starts the family group
    decision-making clock (`fgdm_offer` timescale) with a task for the actor to offer the family a meeting.

    Writes a `care_proceedings_considered` event and audits `care_proceedings.considered`.
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    _not_future(errors, "considered_on", considered_on, _today(today), "of the decision")
    if errors:
        raise IntakeError(errors)
    proceedings = CareProceedings.objects.create(
        child=child, considered_on=considered_on, fgdm_offer_due=due_on("fgdm_offer", considered_on), recorded_by=actor
    )
    record_event(
        child=child,
        agency=agency,
        type="care_proceedings_considered",
        occurred_at=_at_nine(considered_on),
        title="Decision to consider care proceedings",
        summary=f"Family group decision-making to be offered by {proceedings.fgdm_offer_due:%d %B %Y}.",
        significance=Event.Significance.SIGNIFICANT,
        detail=proceedings,
        actor=actor,
    )
    _task(
        title=f"Offer family group decision-making ({proceedings.reference})",
        due=_end_of_day(proceedings.fgdm_offer_due),
        all_day=True,
        detail=proceedings,
        child=child,
        assigned_to=actor,
        agency=agency,
        source=f"Care proceedings {proceedings.reference}",
    )
    record_audit(
        actor,
        "care_proceedings.considered",
        proceedings,
        detail={"child": child.pk, "considered_on": considered_on, "fgdm_offer_due": proceedings.fgdm_offer_due},
    )
    return proceedings


@transaction.atomic
def record_fgdm_offer(
    proceedings: CareProceedings, *, actor: User, offered_on: dt.date, today: dt.date | None = None
) -> FgdmOffer:
    """Record that family group decision-making was offered to the family before proceedings were issued. Closes the
    offer task. Writes an `fgdm_offered` event and audits `fgdm.offered` (with whether it was within the timescale).
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    if FgdmOffer.objects.filter(proceedings=proceedings).exists():
        errors["offered_on"] = "An offer of family group decision-making is already recorded"
    elif proceedings.issued_on is not None:
        errors["offered_on"] = "Proceedings were already issued: the offer comes before proceedings"
    elif offered_on < proceedings.considered_on:
        errors["offered_on"] = "The offer cannot be before the decision to consider proceedings"
    _not_future(errors, "offered_on", offered_on, _today(today), "of the offer")
    if errors:
        raise IntakeError(errors)
    offer = FgdmOffer.objects.create(
        proceedings=proceedings, child=proceedings.child, offered_on=offered_on, recorded_by=actor
    )
    record_event(
        child=proceedings.child,
        agency=agency,
        type="fgdm_offered",
        occurred_at=_at_nine(offered_on),
        title="Family group decision-making offered",
        significance=Event.Significance.NOTABLE,
        detail=offer,
        actor=actor,
    )
    _close_tasks(proceedings, timezone.now())
    record_audit(
        actor,
        "fgdm.offered",
        offer,
        detail={"proceedings": proceedings.pk, "offered_on": offered_on, "on_time": offer.on_time},
    )
    return offer


@transaction.atomic
def record_fgdm_response(
    offer: FgdmOffer,
    *,
    actor: User,
    response: str,
    responded_on: dt.date | None = None,
    meeting_on: dt.date | None = None,
    outcome: str = "",
    family_plan: str = "",
    today: dt.date | None = None,
) -> FgdmOffer:
    """Record the family's answer to the offer and, once accepted, the meeting date, its outcome and the family plan.

    Writes an `fgdm_meeting` event when a meeting's outcome is first recorded and audits `fgdm.updated` (before/after).
    """
    agency = _require_agency(actor)
    today = _today(today)
    errors: dict[str, str] = {}
    if response not in FgdmOffer.Response.values:
        errors["response"] = "Select the family's answer"
    elif response != FgdmOffer.Response.ACCEPTED and (meeting_on or outcome.strip() or family_plan.strip()):
        errors["meeting_on"] = "A meeting, outcome and family plan are recorded only for an accepted offer"
    if responded_on is not None and responded_on < offer.offered_on:
        errors["responded_on"] = "The answer cannot be before the offer"
    _not_future(errors, "responded_on", responded_on, today, "of the answer")
    if meeting_on is not None and meeting_on < offer.offered_on:
        errors["meeting_on"] = "The meeting cannot be before the offer"
    if (outcome.strip() or family_plan.strip()) and meeting_on is None:
        errors["meeting_on"] = "Enter the date of the meeting before its outcome"
    elif outcome.strip() and meeting_on is not None and meeting_on > today:
        errors["outcome"] = "Record the outcome after the meeting has taken place"
    if errors:
        raise IntakeError(errors)
    fields = ("response", "responded_on", "meeting_on", "outcome", "family_plan")
    before = {f: getattr(offer, f) for f in fields}
    had_outcome = bool(offer.outcome)
    offer.response = response
    offer.responded_on = responded_on if response != FgdmOffer.Response.AWAITING else None
    offer.meeting_on = meeting_on
    offer.outcome = outcome.strip()
    offer.family_plan = family_plan.strip()
    offer.save(update_fields=list(fields))
    if offer.outcome and not had_outcome:
        record_event(
            child=offer.child,
            agency=agency,
            type="fgdm_meeting",
            occurred_at=_at_nine(offer.meeting_on),
            title="Family group decision-making meeting",
            summary=offer.outcome,
            outcome=offer.family_plan,
            significance=Event.Significance.NOTABLE,
            detail=offer,
            actor=actor,
        )
    record_audit(
        actor, "fgdm.updated", offer, detail={"before": before, "after": {f: getattr(offer, f) for f in fields}}
    )
    return offer


@transaction.atomic
def record_fgdm_exception(
    proceedings: CareProceedings, *, actor: User, reason: str, manager: User | None
) -> CareProceedings:
    """Record why family group decision-making will not be offered before proceedings (for example, a child at
    immediate risk needing an emergency application) and the manager who agreed it. Closes the offer task and audits
    `fgdm.exception_recorded`.
    """
    _require_agency(actor)
    errors: dict[str, str] = {}
    if FgdmOffer.objects.filter(proceedings=proceedings).exists():
        errors["reason"] = "Family group decision-making was offered: no exception is needed"
    elif proceedings.has_fgdm_exception:
        errors["reason"] = "An exception is already recorded"
    elif not reason.strip():
        errors["reason"] = "Give the reason family group decision-making will not be offered"
    if manager is None:
        errors["manager"] = "Choose the manager who agreed the exception"
    if errors:
        raise IntakeError(errors)
    proceedings.fgdm_exception_reason = reason.strip()
    proceedings.fgdm_exception_manager = manager
    proceedings.save(update_fields=["fgdm_exception_reason", "fgdm_exception_manager"])
    _close_tasks(proceedings, timezone.now())
    record_audit(
        actor,
        "fgdm.exception_recorded",
        proceedings,
        detail={"child": proceedings.child_id, "reason": proceedings.fgdm_exception_reason, "manager": manager.pk},
    )
    return proceedings


@transaction.atomic
def record_proceedings_issued(
    proceedings: CareProceedings,
    *,
    actor: User,
    issued_on: dt.date,
    court_reference: str = "",
    today: dt.date | None = None,
) -> CareProceedings:
    """Record that care proceedings were issued. Refused unless family group decision-making was offered on or before
    that day, or an exception was recorded with its manager. Writes a `care_proceedings_issued` event and audits
    `care_proceedings.issued`.
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    offer = FgdmOffer.objects.filter(proceedings=proceedings).first()
    if proceedings.issued_on is not None:
        errors["issued_on"] = "These proceedings are already recorded as issued"
    elif issued_on < proceedings.considered_on:
        errors["issued_on"] = "Proceedings cannot be issued before the decision to consider them"
    elif offer is None and not proceedings.has_fgdm_exception:
        errors["fgdm"] = (
            "Record the offer of family group decision-making, or an exception agreed by a manager, before issuing"
        )
    elif offer is not None and offer.offered_on > issued_on:
        errors["issued_on"] = "Family group decision-making must be offered before proceedings are issued"
    _not_future(errors, "issued_on", issued_on, _today(today), "proceedings were issued")
    if errors:
        raise IntakeError(errors)
    proceedings.issued_on = issued_on
    proceedings.court_reference = court_reference.strip()
    proceedings.save(update_fields=["issued_on", "court_reference"])
    record_event(
        child=proceedings.child,
        agency=agency,
        type="care_proceedings_issued",
        occurred_at=_at_nine(issued_on),
        title="Care proceedings issued",
        significance=Event.Significance.SIGNIFICANT,
        detail=proceedings,
        actor=actor,
    )
    record_audit(
        actor,
        "care_proceedings.issued",
        proceedings,
        detail={
            "child": proceedings.child_id,
            "issued_on": issued_on,
            "fgdm": "offered" if offer is not None else "exception",
        },
    )
    return proceedings


# ---------------------------------------------------------------------------------------------------------------------
# Home education during child protection


def child_protection_on(child: Child, day: dt.date) -> tuple[Enquiry | None, Plan | None]:
    """The section 47 enquiry open on `day` (started, not concluded before it) and the child protection plan open on it."""
    enquiry = (
        Enquiry.objects.filter(child=child, started_on__lte=day)
        .exclude(concluded_on__lt=day)
        .select_related("lead_practitioner")
        .order_by("-started_on", "-pk")
        .first()
    )
    plan = (
        Plan.objects.filter(child=child, type=Plan.Type.CHILD_PROTECTION, start_on__lte=day)
        .exclude(end_on__lt=day)
        .select_related("lead_practitioner")
        .order_by("-start_on", "-pk")
        .first()
    )
    return enquiry, plan


def _council_for(lead: User | None, actor: User) -> Agency:
    """The council's children's social care: the lead practitioner's agency when it is one, else the partnership's."""
    from safehub.core.models import AgencyType

    if lead is not None and lead.agency_id and lead.agency.type == AgencyType.SOCIAL_CARE:
        return lead.agency
    council = Agency.objects.filter(type=AgencyType.SOCIAL_CARE, active=True).order_by("pk").first()
    return council or _require_agency(actor)


@transaction.atomic
def record_home_education_notice(
    child: Child, school: str, date: dt.date, actor: User, *, now: dt.datetime | None = None
) -> HomeEducationNotice:
    """Record a school's notice that `child` came off its roll on `date` to be educated at home.

    When the child is subject to a section 47 enquiry or on a child protection plan that day, home education needs the
    council's consent: the notice raises an alert (a significant `home_education_alert` event) and gives the council a
    consent-decision task, due by the `home_education_consent` timescale from the day the notice is recorded, assigned to
    the lead child protection practitioner. Otherwise it writes a `home_education` event only. Audits
    `home_education.notice_recorded` with whether an alert was raised.
    """
    now = _now(now)
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    if not school.strip():
        errors["school"] = "Enter the school that took the child off its roll"
    if date is None:
        errors["removed_on"] = "Enter the date the child came off the roll"
    elif date > timezone.localdate(now):
        errors["removed_on"] = "The date the child came off the roll cannot be in the future"
    if errors:
        raise IntakeError(errors)
    enquiry, plan = child_protection_on(child, date)
    alert = enquiry is not None or plan is not None
    notice = HomeEducationNotice.objects.create(
        child=child,
        school=school.strip(),
        removed_on=date,
        enquiry=enquiry,
        plan=plan,
        consent=HomeEducationNotice.Consent.AWAITING if alert else HomeEducationNotice.Consent.NOT_NEEDED,
        consent_due=due_on("home_education_consent", timezone.localdate(now)) if alert else None,
        recorded_by=actor,
    )
    under = " and ".join(
        what for what, there in (("a section 47 enquiry", enquiry), ("a child protection plan", plan)) if there
    )
    record_event(
        child=child,
        agency=agency,
        type="home_education_alert" if alert else "home_education",
        occurred_at=_at_nine(date),
        title=(
            f"Alert: taken off the school roll for home education while subject to {under}"
            if alert
            else "Taken off the school roll for home education"
        ),
        summary=f"{notice.school} removed the child from its roll on {date:%d %B %Y}.",
        significance=Event.Significance.SIGNIFICANT if alert else Event.Significance.NOTABLE,
        detail=notice,
        actor=actor,
    )
    if alert:
        lead = (enquiry.lead_practitioner if enquiry else None) or (plan.lead_practitioner if plan else None)
        _task(
            title=f"Council decision on consent to home education (H{notice.pk})",
            due=_end_of_day(notice.consent_due),
            all_day=True,
            detail=notice,
            child=child,
            assigned_to=lead,
            agency=_council_for(lead, actor),
            source=f"Home education notice from {notice.school}"[:200],
        )
    record_audit(
        actor,
        "home_education.notice_recorded",
        notice,
        detail={
            "child": child.pk,
            "removed_on": date,
            "alert": alert,
            "enquiry": enquiry.pk if enquiry else None,
            "plan": plan.pk if plan else None,
            "consent_due": notice.consent_due,
        },
    )
    return notice


@transaction.atomic
def decide_home_education_consent(
    notice: HomeEducationNotice, *, actor: User, consent: str, reason: str, today: dt.date | None = None
) -> HomeEducationNotice:
    """Record the council's decision to give or refuse consent to home education. Closes the consent task, writes a
    `home_education_consent` event and audits `home_education.consent_decided`.
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    if notice.consent != HomeEducationNotice.Consent.AWAITING:
        errors["consent"] = "This notice is not awaiting a consent decision"
    elif consent not in (HomeEducationNotice.Consent.GIVEN, HomeEducationNotice.Consent.REFUSED):
        errors["consent"] = "Select whether the council gives or refuses consent"
    if not reason.strip():
        errors["consent_reason"] = "Give the reason for the decision"
    if errors:
        raise IntakeError(errors)
    notice.consent = consent
    notice.consent_reason = reason.strip()
    notice.consent_decided_on = _today(today)
    notice.consent_decided_by = actor
    notice.save(update_fields=["consent", "consent_reason", "consent_decided_on", "consent_decided_by"])
    record_event(
        child=notice.child,
        agency=agency,
        type="home_education_consent",
        occurred_at=_at_nine(notice.consent_decided_on),
        title=f"Home education: {notice.get_consent_display().lower()}",
        summary=notice.consent_reason,
        significance=Event.Significance.NOTABLE,
        detail=notice,
        actor=actor,
    )
    _close_tasks(notice, timezone.now())
    record_audit(
        actor,
        "home_education.consent_decided",
        notice,
        detail={"child": notice.child_id, "consent": consent, "on_time": notice.consent_decided_on <= notice.consent_due},
    )
    return notice


# ---------------------------------------------------------------------------------------------------------------------
# Modern slavery: National Referral Mechanism referrals


@transaction.atomic
def record_nrm_referral(
    child: Child,
    *,
    actor: User,
    referred_on: dt.date,
    first_responder_organisation: str,
    first_responder_name: str,
    exploitation: str = NrmReferral.Exploitation.OTHER,
    today: dt.date | None = None,
) -> NrmReferral:
    """Record a National Referral Mechanism referral made by a first responder for a child. The reasonable grounds
    decision is due by the `nrm_reasonable_grounds` timescale (5 working days); the actor gets a task to chase it.

    Writes an `nrm_referral` event and audits `nrm.referred`.
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    _not_future(errors, "referred_on", referred_on, _today(today), "of the referral")
    if not first_responder_organisation.strip():
        errors["first_responder_organisation"] = "Enter the first responder organisation that made the referral"
    if not first_responder_name.strip():
        errors["first_responder_name"] = "Enter the name of the first responder"
    if exploitation not in NrmReferral.Exploitation.values:
        errors["exploitation"] = "Select the type of exploitation"
    if errors:
        raise IntakeError(errors)
    referral = NrmReferral.objects.create(
        child=child,
        referred_on=referred_on,
        first_responder_organisation=first_responder_organisation.strip(),
        first_responder_name=first_responder_name.strip(),
        exploitation=exploitation,
        reasonable_grounds_due=due_on("nrm_reasonable_grounds", referred_on),
        recorded_by=actor,
    )
    record_event(
        child=child,
        agency=agency,
        type="nrm_referral",
        occurred_at=_at_nine(referred_on),
        title=f"National Referral Mechanism referral: {referral.get_exploitation_display().lower()}",
        summary=f"Referred by {referral.first_responder_name} ({referral.first_responder_organisation}).",
        significance=Event.Significance.SIGNIFICANT,
        detail=referral,
        actor=actor,
    )
    _task(
        title=f"NRM reasonable grounds decision due ({referral.reference})",
        due=_end_of_day(referral.reasonable_grounds_due),
        all_day=True,
        detail=referral,
        child=child,
        assigned_to=actor,
        agency=agency,
        source=f"NRM referral {referral.reference}",
    )
    record_audit(
        actor,
        "nrm.referred",
        referral,
        detail={"child": child.pk, "referred_on": referred_on, "reasonable_grounds_due": referral.reasonable_grounds_due},
    )
    return referral


def _nrm_decision_errors(decision: str, decided_by: str, decided_on: dt.date, today: dt.date, errors: dict) -> None:
    if decision not in NrmReferral.Decision.values:
        errors["decision"] = "Select positive or negative"
    if decided_by not in NrmReferral.DecisionMaker.values:
        errors["decided_by"] = "Select who decided: the Devolved Decision-Making pilot panel or the Home Office"
    _not_future(errors, "decided_on", decided_on, today, "of the decision")


@transaction.atomic
def record_reasonable_grounds_decision(
    referral: NrmReferral,
    *,
    actor: User,
    decision: str,
    decided_on: dt.date,
    decided_by: str,
    today: dt.date | None = None,
) -> NrmReferral:
    """Record the reasonable grounds decision and who made it. A positive decision sets the earliest day for the
    conclusive grounds decision: `nrm_conclusive_min` (30) calendar days after it. Closes the referral's task, writes an
    `nrm_reasonable_grounds` event and audits `nrm.reasonable_grounds` (with whether it was within the timescale).
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    if referral.reasonable_grounds:
        errors["decision"] = "The reasonable grounds decision is already recorded"
    elif decided_on < referral.referred_on:
        errors["decided_on"] = "The decision cannot be before the referral"
    _nrm_decision_errors(decision, decided_by, decided_on, _today(today), errors)
    if errors:
        raise IntakeError(errors)
    referral.reasonable_grounds = decision
    referral.reasonable_grounds_on = decided_on
    referral.reasonable_grounds_by = decided_by
    referral.conclusive_grounds_earliest = (
        due_on("nrm_conclusive_min", decided_on) if decision == NrmReferral.Decision.POSITIVE else None
    )
    referral.save(
        update_fields=[
            "reasonable_grounds", "reasonable_grounds_on", "reasonable_grounds_by", "conclusive_grounds_earliest"
        ]
    )
    record_event(
        child=referral.child,
        agency=agency,
        type="nrm_reasonable_grounds",
        occurred_at=_at_nine(decided_on),
        title=f"NRM reasonable grounds decision: {referral.get_reasonable_grounds_display().lower()}",
        summary=f"Decided by the {referral.get_reasonable_grounds_by_display()}.",
        significance=Event.Significance.SIGNIFICANT,
        detail=referral,
        actor=actor,
    )
    _close_tasks(referral, timezone.now())
    record_audit(
        actor,
        "nrm.reasonable_grounds",
        referral,
        detail={
            "decision": decision,
            "decided_on": decided_on,
            "decided_by": decided_by,
            "on_time": decided_on <= referral.reasonable_grounds_due,
            "conclusive_grounds_earliest": referral.conclusive_grounds_earliest,
        },
    )
    return referral


@transaction.atomic
def record_conclusive_grounds_decision(
    referral: NrmReferral,
    *,
    actor: User,
    decision: str,
    decided_on: dt.date,
    decided_by: str,
    today: dt.date | None = None,
) -> NrmReferral:
    """Record the conclusive grounds decision: only after a positive reasonable grounds decision, and not before its
    earliest day (30 calendar days after the reasonable grounds decision). Writes an `nrm_conclusive_grounds` event and
    audits `nrm.conclusive_grounds`.
    """
    agency = _require_agency(actor)
    errors: dict[str, str] = {}
    if referral.conclusive_grounds:
        errors["decision"] = "The conclusive grounds decision is already recorded"
    elif referral.reasonable_grounds != NrmReferral.Decision.POSITIVE:
        errors["decision"] = "A conclusive grounds decision follows a positive reasonable grounds decision"
    elif decided_on < referral.conclusive_grounds_earliest:
        errors["decided_on"] = (
            f"A conclusive grounds decision cannot be made before {referral.conclusive_grounds_earliest:%d %B %Y} "
            "(30 calendar days after the reasonable grounds decision)"
        )
    _nrm_decision_errors(decision, decided_by, decided_on, _today(today), errors)
    if errors:
        raise IntakeError(errors)
    referral.conclusive_grounds = decision
    referral.conclusive_grounds_on = decided_on
    referral.conclusive_grounds_by = decided_by
    referral.save(update_fields=["conclusive_grounds", "conclusive_grounds_on", "conclusive_grounds_by"])
    record_event(
        child=referral.child,
        agency=agency,
        type="nrm_conclusive_grounds",
        occurred_at=_at_nine(decided_on),
        title=f"NRM conclusive grounds decision: {referral.get_conclusive_grounds_display().lower()}",
        summary=f"Decided by the {referral.get_conclusive_grounds_by_display()}.",
        significance=Event.Significance.SIGNIFICANT,
        detail=referral,
        actor=actor,
    )
    record_audit(
        actor,
        "nrm.conclusive_grounds",
        referral,
        detail={"decision": decision, "decided_on": decided_on, "decided_by": decided_by},
    )
    return referral
