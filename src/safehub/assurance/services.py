"""Changes to assurance records. Each function runs in a transaction, writes an audit event and, where something happened to
a child (a serious incident notification, a private fostering notification or visit), an event on the child's timeline.

Actions agreed by a challenge panel, a case review or a case audit go on the meetings action log through
`safehub.meetings.services.record_action`, linked here by a `TrackedAction` that keeps the evidence of completion.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency, TimescaleRule, User
from safehub.core.timescales import WT2023, Timescale
from safehub.core.timescales import timescale as core_timescale
from safehub.meetings import services as meetings_services
from safehub.meetings.models import Action, Body, Meeting
from safehub.meetings.services import MeetingsError
from safehub.people.models import Child, Event
from safehub.people.services import record_event
from safehub.performance import services as performance_services
from safehub.performance.models import AssessmentRound, StandardRating, StandardSet
from safehub.performance.services import PerformanceError

from .models import (
    RAG,
    AnnualReport,
    AuditAnswer,
    AuditCase,
    CaseAudit,
    CaseReview,
    CaseReviewSubject,
    ChallengeRecord,
    Course,
    CourseSession,
    Grade,
    ImprovementAction,
    ImprovementPlan,
    Objective,
    PrivateFosteringArrangement,
    PrivateFosteringVisit,
    ProgressUpdate,
    Recommendation,
    ReviewMilestone,
    Section11Return,
    TrackedAction,
    TrainingAttendance,
    TrainingRequirement,
)

PF_REGULATIONS = "Children (Private Arrangements for Fostering) Regulations 2005"
# Timescales of this app, with the same database override as core's (a TimescaleRule row with the code wins).
TIMESCALES: dict[str, Timescale] = {
    t.code: t
    for t in [
        Timescale("rapid_review", "Rapid review after a serious incident notification", 15, "working_days", WT2023),
        Timescale("pf_visit", "First visit after a private fostering notification", 7, "working_days", PF_REGULATIONS),
        Timescale("pf_assessment", "Private fostering assessment completed", 42, "working_days", PF_REGULATIONS),
    ]
}

CHALLENGE_BODY_KINDS = (Body.Kind.SCRUTINY, Body.Kind.SUBGROUP)

SECTION11_SET = "section11"
# The standards of a section 11 audit as most partnerships word them (created on demand, never by a data migration).
SECTION11_STANDARDS = [
    ("1", "Senior management commitment to the importance of safeguarding and promoting children's welfare"),
    ("2", "A clear statement of the agency's responsibilities towards children, available to all staff"),
    ("3", "A clear line of accountability for safeguarding within the organisation"),
    ("4", "Service development takes account of the need to safeguard and promote welfare, informed by children's views"),
    ("5", "Training on safeguarding for all staff working with or in contact with children and families"),
    ("6", "Safe recruitment, supervision and allegations management"),
    ("7", "Effective inter-agency working and information sharing"),
    ("8", "Listening to children: their wishes and feelings shape decisions"),
]


class AssuranceError(MeetingsError):
    """A change refused by a domain rule; `errors` maps each field to a message a person can act on."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _actor(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def timescale(code: str) -> Timescale:
    """This app's timescale for `code` (its TimescaleRule row if any, else the default above), or core's."""
    row = TimescaleRule.objects.filter(code=code).first()
    if row is not None:
        return Timescale(row.code, row.name, row.amount, row.unit, row.source)
    if code in TIMESCALES:
        return TIMESCALES[code]
    return core_timescale(code)


def _at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


# Section 11 ---------------------------------------------------------------------------------------------------------------


def section11_standard_set() -> StandardSet:
    """The section 11 standards, in the performance app's generic standards model (created on first use)."""
    existing = StandardSet.objects.filter(code=SECTION11_SET).first()
    if existing is not None:
        return existing
    return performance_services.define_standard_set(SECTION11_SET, "Section 11 audit (Children Act 2004)", SECTION11_STANDARDS,
                                                    kind="section11")


@transaction.atomic
def open_section11_round(*, actor: User | None, name: str, opens_on: dt.date, due_on: dt.date,
                         agencies: Iterable[Agency]) -> AssessmentRound:
    """Send a round to each agency (the performance app's `open_round` on the section 11 standard set), with one return
    per agency to submit by the due date. Audits `s11.round_opened` (and `assessment_round.opened`)."""
    agencies = list(agencies)
    try:
        round_ = performance_services.open_round(section11_standard_set(), name=name, opens_on=opens_on, due_on=due_on,
                                                 agencies=agencies, actor=_actor(actor))
    except PerformanceError as error:
        raise AssuranceError(error.errors) from None
    for agency in agencies:
        Section11Return.objects.create(round=round_, agency=agency)
    record_audit(actor, "s11.round_opened", round_, detail={"agencies": [a.code for a in agencies], "due_on": due_on})
    return round_


@transaction.atomic
def save_section11_return(section11_return: Section11Return, *, actor: User,
                          ratings: Mapping[int, Mapping[str, object]], submit: bool, now: dt.datetime | None = None
                          ) -> Section11Return:
    """Rate each standard through the performance app's `rate_standard` (standard pk -> rag, evidence, action_plan,
    action_due_on; blank rags are skipped); submitting needs every standard rated and makes the return final. Field
    errors come back per standard (`rag_<pk>`, `evidence_<pk>`, `action_plan_<pk>`). Audits `s11.return_saved` or
    `s11.return_submitted`."""
    now = _now(now)
    if getattr(actor, "agency_id", None) != section11_return.agency_id:
        raise PermissionDenied("An agency completes only its own return.")
    if section11_return.submitted_at:
        raise AssuranceError("__all__", "This return has already been submitted")
    round_ = section11_return.round
    standards = list(round_.standard_set.standards.all())
    errors: dict[str, str] = {}
    for standard in standards:
        values = ratings.get(standard.pk) or {}
        if not values.get("rag"):
            if submit and not StandardRating.objects.filter(round=round_, standard=standard,
                                                            agency_id=section11_return.agency_id).exists():
                errors[f"rag_{standard.pk}"] = f"Rate standard {standard.number}"
            continue
        try:
            performance_services.rate_standard(round_, standard, actor=actor, rag=str(values["rag"]),
                                               evidence=str(values.get("evidence") or ""),
                                               action_plan=str(values.get("action_plan") or ""),
                                               action_due_on=values.get("action_due_on"), now=now)
        except PerformanceError as error:
            errors.update({f"{field}_{standard.pk}": f"Standard {standard.number}: {message}"
                           for field, message in error.errors.items()})
    if errors:
        raise AssuranceError(errors)
    if submit:
        section11_return.submitted_at = now
        section11_return.submitted_by = _actor(actor)
        section11_return.save(update_fields=["submitted_at", "submitted_by"])
    record_audit(actor, "s11.return_submitted" if submit else "s11.return_saved", section11_return)
    return section11_return


def _tracked_action(meeting: Meeting, *, actor: User | None, details: str, owner_user: User | None, owner_name: str,
                    owner_agency: Agency | None, due_on: dt.date | None, now: dt.datetime, **source) -> TrackedAction:
    action = meetings_services.record_action(meeting, actor=actor, details=details, owner_user=owner_user,
                                             owner_name=owner_name, owner_agency=owner_agency, due_on=due_on, now=now)
    return TrackedAction.objects.create(action=action, **source)


@transaction.atomic
def record_challenge(section11_return: Section11Return, *, actor: User | None, meeting: Meeting, challenge: str,
                     agency_response: str = "", action_details: str = "", action_owner: str = "",
                     action_due_on: dt.date | None = None, now: dt.datetime | None = None) -> ChallengeRecord:
    """Record a challenge panel's challenge to an agency's return and, optionally, the action agreed (on the panel's
    action log, owned by the agency). The meeting must be of a scrutiny panel or subgroup. Audits `s11.challenge_recorded`."""
    now = _now(now)
    errors = {}
    if meeting.body.kind not in CHALLENGE_BODY_KINDS:
        errors["meeting"] = "Choose a meeting of a scrutiny panel or subgroup"
    if not challenge.strip():
        errors["challenge"] = "Enter the panel's challenge"
    if action_details.strip() and not action_owner.strip():
        errors["action_owner"] = "Enter who owns the agreed action"
    if errors:
        raise AssuranceError(errors)
    record = ChallengeRecord.objects.create(section11_return=section11_return, meeting=meeting, challenge=challenge.strip(),
                                            agency_response=agency_response.strip(), recorded_by=_actor(actor),
                                            recorded_at=now)
    if action_details.strip():
        _tracked_action(meeting, actor=actor, details=f"Section 11 ({section11_return.agency}): {action_details.strip()}",
                        owner_user=None, owner_name=action_owner, owner_agency=section11_return.agency,
                        due_on=action_due_on, now=now, challenge=record)
    record_audit(actor, "s11.challenge_recorded", record, detail={"return": section11_return.pk, "meeting": meeting.pk})
    return record


# Case reviews -------------------------------------------------------------------------------------------------------------


@transaction.atomic
def notify_serious_incident(*, actor: User | None, reference: str, notified_on: dt.date, notifying_agency: Agency,
                            incident_type: str, child: Child | None = None, circumstances: str = "",
                            team: Sequence[User] = ()) -> CaseReview:
    """Record a serious incident notification and start the rapid review, due `rapid_review` (15 working days) after it.

    The child and circumstances go on the identifiable side (review team only); the actor joins the team. Writes a
    `review.notified` event on the child's timeline. Audits `review.notified`.
    """
    errors = {}
    reference = reference.strip()
    if not reference:
        errors["reference"] = "Enter the pseudonym used for the review, for example Child T"
    elif CaseReview.objects.filter(reference__iexact=reference).exists():
        errors["reference"] = "A review with this reference already exists"
    if not incident_type.strip():
        errors["incident_type"] = "Enter what kind of serious incident was notified"
    if errors:
        raise AssuranceError(errors)
    review = CaseReview.objects.create(
        reference=reference, notified_on=notified_on, notifying_agency=notifying_agency, incident_type=incident_type.strip(),
        rapid_review_due=timescale("rapid_review").due(notified_on), created_by=_actor(actor),
    )
    CaseReviewSubject.objects.create(review=review, child=child, circumstances=circumstances.strip())
    members = {u.pk for u in team} | ({actor.pk} if _actor(actor) else set())
    review.team.set(members)
    if child is not None:
        record_event(child=child, agency=notifying_agency, type="review.notified", occurred_at=_at_noon(notified_on),
                     title="Serious incident notification: rapid review started", significance=Event.Significance.SIGNIFICANT,
                     caveat=Caveat.MASH_ONLY, detail=review, actor=actor)
    record_audit(actor, "review.notified", review, detail={"rapid_review_due": review.rapid_review_due})
    return review


@transaction.atomic
def add_review_team_member(review: CaseReview, *, actor: User | None, member: User) -> None:
    """Let `member` see the identifiable details. Audits `review.team_added`."""
    review.team.add(member)
    record_audit(actor, "review.team_added", review, detail={"user": member.pk})


REVIEW_FIELDS = {"rapid_review_completed_on", "rapid_review_summary", "decision", "decision_on", "decision_reason",
                 "reviewer", "terms_of_reference", "findings", "publication", "published_on"}


@transaction.atomic
def update_case_review(review: CaseReview, *, actor: User | None, **changes) -> CaseReview:
    """Move a review on: complete the rapid review, decide on a practice review, appoint the reviewer and set terms of
    reference, record findings, publish. Checks the order of the stages. Audits `review.updated` with the changed fields."""
    unknown = set(changes) - REVIEW_FIELDS
    if unknown:
        raise ValueError(f"Not review fields: {', '.join(sorted(unknown))}")
    after = {**{f: getattr(review, f) for f in REVIEW_FIELDS}, **changes}
    errors = {}
    if after["rapid_review_completed_on"] and after["rapid_review_completed_on"] < review.notified_on:
        errors["rapid_review_completed_on"] = "The rapid review cannot be completed before the notification"
    if after["decision"] != CaseReview.Decision.PENDING:
        if not after["rapid_review_completed_on"]:
            errors["decision"] = "Complete the rapid review before deciding on a practice review"
        elif not after["decision_on"]:
            errors["decision_on"] = "Enter the date of the decision"
    if (after["reviewer"] or after["terms_of_reference"]) and after["decision"] != CaseReview.Decision.LCSPR:
        errors["reviewer"] = "Appoint a reviewer only once a practice review is decided"
    if after["publication"] == CaseReview.Publication.PUBLISHED and not after["published_on"]:
        errors["published_on"] = "Enter the date the report was published"
    if errors:
        raise AssuranceError(errors)
    changed = {f: v for f, v in changes.items() if getattr(review, f) != v}
    for field, value in changed.items():
        setattr(review, field, value)
    if changed:
        review.save(update_fields=list(changed))
    record_audit(actor, "review.updated", review, detail={"changed": sorted(changed)})
    return review


@transaction.atomic
def add_milestone(review: CaseReview, *, actor: User | None, title: str, due_on: dt.date) -> ReviewMilestone:
    """Audits `review.milestone_added`."""
    if not title.strip():
        raise AssuranceError("title", "Enter the milestone")
    milestone = ReviewMilestone.objects.create(review=review, title=title.strip(), due_on=due_on)
    record_audit(actor, "review.milestone_added", review, detail={"milestone": milestone.pk})
    return milestone


@transaction.atomic
def add_recommendation(review: CaseReview, *, actor: User | None, text: str) -> Recommendation:
    """Number the next recommendation of the review. Audits `review.recommendation_added`."""
    if not text.strip():
        raise AssuranceError("text", "Enter the recommendation")
    number = (review.recommendations.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    recommendation = Recommendation.objects.create(review=review, number=number, text=text.strip())
    record_audit(actor, "review.recommendation_added", review, detail={"recommendation": number})
    return recommendation


@transaction.atomic
def add_recommendation_action(recommendation: Recommendation, *, actor: User | None, meeting: Meeting, details: str,
                              owner_user: User | None = None, owner_name: str = "", owner_agency: Agency | None = None,
                              due_on: dt.date | None = None, now: dt.datetime | None = None) -> TrackedAction:
    """Turn a recommendation into a tracked action on the action log of the meeting that agreed it. Audits
    `review.action_added` (and the meetings service audits `action.recorded`)."""
    if meeting.body.is_case_panel:
        raise AssuranceError("meeting", "Choose a meeting of a board, subgroup or scrutiny panel")
    tracked = _tracked_action(meeting, actor=actor, details=f"{recommendation.review} R{recommendation.number}: {details}",
                              owner_user=owner_user, owner_name=owner_name, owner_agency=owner_agency, due_on=due_on,
                              now=_now(now), recommendation=recommendation)
    record_audit(actor, "review.action_added", recommendation.review, detail={"action": tracked.action_id})
    return tracked


@transaction.atomic
def complete_tracked_action(tracked: TrackedAction, *, actor: User | None, evidence: str,
                            now: dt.datetime | None = None) -> TrackedAction:
    """Mark the action done with the evidence of completion (kept here and in the action's status history).
    Audits `assurance.action_completed`."""
    now = _now(now)
    if not evidence.strip():
        raise AssuranceError("evidence", "Enter the evidence that the action is complete")
    meetings_services.update_action_status(tracked.action, actor=actor, status=Action.Status.DONE, note=evidence.strip(),
                                           now=now)
    tracked.evidence = evidence.strip()
    tracked.evidence_recorded_at = now
    tracked.evidence_recorded_by = _actor(actor)
    tracked.save(update_fields=["evidence", "evidence_recorded_at", "evidence_recorded_by"])
    record_audit(actor, "assurance.action_completed", tracked.action)
    return tracked


# Multi-agency case audits -------------------------------------------------------------------------------------------------


def sample_children(user, *, sampling: str, size: int, seed: int | None = None, criteria: Mapping | None = None) -> list[Child]:
    """Children for an audit, from those the auditor may see: a seeded random sample (the same seed gives the same sample),
    or the first `size` matching criteria (`event_type` seen since `since`, `sex`)."""
    visible = Child.objects.visible_to(user).filter(merged_into__isnull=True).order_by("pk")
    if sampling == CaseAudit.Sampling.RANDOM:
        pks = list(visible.values_list("pk", flat=True))
        chosen = sorted(random.Random(seed).sample(pks, min(size, len(pks))))  # noqa: S311 - sampling, not security
        return list(Child.objects.filter(pk__in=chosen).order_by("pk"))
    criteria = dict(criteria or {})
    if criteria.get("event_type"):
        events = Event.objects.filter(type=criteria["event_type"])
        if criteria.get("since"):
            events = events.filter(occurred_at__date__gte=criteria["since"])
        visible = visible.filter(pk__in=events.values("child_id"))
    if criteria.get("sex"):
        visible = visible.filter(sex=criteria["sex"])
    return list(visible[:size])


@transaction.atomic
def create_case_audit(*, actor: User, title: str, theme: str, questions: Sequence[str], agencies: Iterable[Agency],
                      sampling: str, size: int, seed: int | None = None, criteria: Mapping | None = None,
                      now: dt.datetime | None = None) -> CaseAudit:
    """Set up a themed audit and draw its sample from the children the auditor may see. Audits `audit.created`."""
    questions = [q.strip() for q in questions if q.strip()]
    agencies = list(agencies)
    errors = {}
    if not title.strip():
        errors["title"] = "Enter a title for the audit"
    if not questions:
        errors["questions"] = "Enter at least one question"
    if not agencies:
        errors["agencies"] = "Choose the agencies taking part"
    if sampling == CaseAudit.Sampling.RANDOM and seed is None:
        errors["seed"] = "Enter a seed so the sample can be drawn again"
    if size < 1:
        errors["size"] = "Enter how many children to sample"
    if errors:
        raise AssuranceError(errors)
    children = sample_children(actor, sampling=sampling, size=size, seed=seed, criteria=criteria)
    if not children:
        raise AssuranceError("size", "No children match: change the criteria")
    audit = CaseAudit.objects.create(title=title.strip(), theme=theme.strip(), questions=questions, sampling=sampling,
                                     seed=seed, criteria={k: str(v) for k, v in (criteria or {}).items() if v},
                                     created_by=actor, created_at=_now(now))
    audit.agencies.set(agencies)
    for position, child in enumerate(children, start=1):
        AuditCase.objects.create(audit=audit, child=child, position=position)
    record_audit(actor, "audit.created", audit, detail={"children": len(children), "sampling": sampling, "seed": seed})
    return audit


@transaction.atomic
def answer_audit_case(case: AuditCase, *, actor: User, agency: Agency, answers: Sequence[str], grade: str,
                      learning: str = "", now: dt.datetime | None = None) -> AuditAnswer:
    """An agency's answers and grade for one child of the audit (a second answer replaces the first). Audits
    `audit.answered`."""
    errors = {}
    if case.audit.status != CaseAudit.Status.OPEN:
        errors["__all__"] = "The audit is closed"
    if not case.audit.agencies.filter(pk=agency.pk).exists():
        errors["__all__"] = f"{agency} is not taking part in this audit"
    for index, _question in enumerate(case.audit.questions):
        if index >= len(answers) or not answers[index].strip():
            errors[f"answer_{index}"] = f"Answer question {index + 1}"
    if grade not in Grade.values:
        errors["grade"] = "Choose outstanding, good, requires improvement or inadequate"
    if errors:
        raise AssuranceError(errors)
    answer, _ = AuditAnswer.objects.update_or_create(
        case=case, agency=agency,
        defaults={"answers": [a.strip() for a in answers], "grade": grade, "learning": learning.strip(),
                  "answered_by": actor, "answered_at": _now(now)})
    record_audit(actor, "audit.answered", case, detail={"agency": agency.code, "grade": grade})
    return answer


@transaction.atomic
def close_case_audit(audit: CaseAudit, *, actor: User | None, learning: str) -> CaseAudit:
    """Close the audit with the learning agreed at moderation. Audits `audit.closed`."""
    if not learning.strip():
        raise AssuranceError("learning", "Enter the learning points agreed")
    audit.status = CaseAudit.Status.CLOSED
    audit.learning = learning.strip()
    audit.save(update_fields=["status", "learning"])
    record_audit(actor, "audit.closed", audit)
    return audit


@transaction.atomic
def add_audit_action(audit: CaseAudit, *, actor: User | None, meeting: Meeting, details: str, owner_name: str,
                     owner_agency: Agency | None = None, due_on: dt.date | None = None,
                     now: dt.datetime | None = None) -> TrackedAction:
    """An action from the audit's learning on a governance meeting's action log. Audits `audit.action_added`."""
    if meeting.body.is_case_panel:
        raise AssuranceError("meeting", "Choose a meeting of a board, subgroup or scrutiny panel")
    tracked = _tracked_action(meeting, actor=actor, details=f"Audit '{audit.title}': {details}", owner_user=None,
                              owner_name=owner_name, owner_agency=owner_agency, due_on=due_on, now=_now(now), audit=audit)
    record_audit(actor, "audit.action_added", audit, detail={"action": tracked.action_id})
    return tracked


# Improvement plans --------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_improvement_plan(*, actor: User | None, title: str, purpose: str = "", objectives: Sequence[str] = (),
                            now: dt.datetime | None = None) -> ImprovementPlan:
    """Audits `plan.created`."""
    if not title.strip():
        raise AssuranceError("title", "Enter the plan's title")
    plan = ImprovementPlan.objects.create(title=title.strip(), purpose=purpose.strip(), created_by=_actor(actor),
                                          created_at=_now(now))
    for text in objectives:
        if text.strip():
            add_objective(plan, actor=actor, text=text)
    record_audit(actor, "plan.created", plan)
    return plan


@transaction.atomic
def add_objective(plan: ImprovementPlan, *, actor: User | None, text: str) -> Objective:
    """Audits `plan.objective_added`."""
    if not text.strip():
        raise AssuranceError("text", "Enter the objective")
    number = (plan.objectives.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    objective = Objective.objects.create(plan=plan, number=number, text=text.strip())
    record_audit(actor, "plan.objective_added", plan, detail={"objective": number})
    return objective


@transaction.atomic
def add_improvement_action(objective: Objective, *, actor: User | None, details: str, owner: str, due_on: dt.date,
                           owner_agency: Agency | None = None, rag: str = RAG.AMBER,
                           now: dt.datetime | None = None) -> ImprovementAction:
    """Audits `plan.action_added`."""
    errors = {}
    if not details.strip():
        errors["details"] = "Enter what is to be done"
    if not owner.strip():
        errors["owner"] = "Enter who owns the action"
    if errors:
        raise AssuranceError(errors)
    action = ImprovementAction.objects.create(objective=objective, details=details.strip(), owner=owner.strip(),
                                              owner_agency=owner_agency, due_on=due_on, rag=rag)
    ProgressUpdate.objects.create(action=action, rag=rag, note="Action added", at=_now(now), by=_actor(actor))
    record_audit(actor, "plan.action_added", objective.plan, detail={"action": action.pk})
    return action


@transaction.atomic
def record_progress(action: ImprovementAction, *, actor: User | None, rag: str, note: str = "", evidence: str = "",
                    now: dt.datetime | None = None) -> ProgressUpdate:
    """A progress update: the new RAG, what happened, and evidence (needed to mark it complete). Audits `plan.progress`."""
    errors = {}
    if rag not in RAG.values:
        errors["rag"] = "Choose red, amber, green or complete"
    if rag == RAG.COMPLETE and not (evidence.strip() or action.evidence):
        errors["evidence"] = "Enter the evidence that the action is complete"
    if not (note.strip() or evidence.strip()):
        errors["note"] = "Enter what has happened since the last update"
    if errors:
        raise AssuranceError(errors)
    update = ProgressUpdate.objects.create(action=action, rag=rag, note=note.strip(), evidence=evidence.strip(),
                                           at=_now(now), by=_actor(actor))
    action.rag = rag
    if evidence.strip():
        action.evidence = "\n".join(filter(None, [action.evidence, evidence.strip()]))
    action.save(update_fields=["rag", "evidence"])
    record_audit(actor, "plan.progress", action.objective.plan, detail={"action": action.pk, "rag": rag})
    return update


# Training -----------------------------------------------------------------------------------------------------------------


@transaction.atomic
def add_course(*, actor: User | None, title: str, level: int, description: str = "") -> Course:
    """Audits `training.course_added`."""
    if not title.strip():
        raise AssuranceError("title", "Enter the course title")
    if level not in (1, 2, 3, 4):
        raise AssuranceError("level", "Choose a level from 1 to 4")
    course = Course.objects.create(title=title.strip(), level=level, description=description.strip())
    record_audit(actor, "training.course_added", course)
    return course


@transaction.atomic
def record_course_session(course: Course, *, actor: User | None, held_on: dt.date, venue: str = "",
                          attendees: Iterable[tuple[str, Agency, str]] = ()) -> CourseSession:
    """A course held, with who attended (name, agency, role). Audits `training.session_recorded`."""
    session = CourseSession.objects.create(course=course, held_on=held_on, venue=venue.strip())
    rows = [TrainingAttendance(session=session, name=name.strip(), agency=agency, role=role.strip())
            for name, agency, role in attendees if name.strip()]
    TrainingAttendance.objects.bulk_create(rows)
    record_audit(actor, "training.session_recorded", session, detail={"attendees": len(rows)})
    return session


@transaction.atomic
def set_training_requirement(*, actor: User | None, agency: Agency, required_level: int, workforce: int) -> TrainingRequirement:
    """Audits `training.requirement_set`."""
    requirement, _ = TrainingRequirement.objects.update_or_create(agency=agency, required_level=required_level,
                                                                  defaults={"workforce": workforce})
    record_audit(actor, "training.requirement_set", requirement, detail={"workforce": workforce})
    return requirement


# Private fostering --------------------------------------------------------------------------------------------------------


@transaction.atomic
def notify_private_fostering(*, actor: User | None, child: Child, source_agency: Agency, notified_on: dt.date,
                             carer: str = "") -> PrivateFosteringArrangement:
    """Put a notified arrangement on the register with its visit (7 working days) and assessment (42 working days) due
    dates; writes `private_fostering.notified` on the child's timeline. Audits `private_fostering.notified`."""
    arrangement = PrivateFosteringArrangement.objects.create(
        child=child, source_agency=source_agency, notified_on=notified_on, carer=carer.strip(),
        visit_due=timescale("pf_visit").due(notified_on), assessment_due=timescale("pf_assessment").due(notified_on),
        created_by=_actor(actor),
    )
    record_event(child=child, agency=source_agency, type="private_fostering.notified", occurred_at=_at_noon(notified_on),
                 title="Private fostering arrangement notified", detail=arrangement, actor=actor)
    record_audit(actor, "private_fostering.notified", arrangement)
    return arrangement


@transaction.atomic
def record_private_fostering_visit(arrangement: PrivateFosteringArrangement, *, actor: User | None, visited_on: dt.date,
                                   note: str = "", assessment_completed: bool = False) -> PrivateFosteringVisit:
    """A visit (and, optionally, the assessment completed that day); writes `private_fostering.visit`. Audits
    `private_fostering.visit`."""
    if visited_on < arrangement.notified_on:
        raise AssuranceError("visited_on", "The visit cannot be before the notification")
    visit = PrivateFosteringVisit.objects.create(arrangement=arrangement, visited_on=visited_on, note=note.strip(),
                                                 by=_actor(actor))
    if assessment_completed and arrangement.assessment_completed_on is None:
        arrangement.assessment_completed_on = visited_on
        arrangement.save(update_fields=["assessment_completed_on"])
    agency = getattr(actor, "agency", None) or arrangement.source_agency
    record_event(child=arrangement.child, agency=agency, type="private_fostering.visit", occurred_at=_at_noon(visited_on),
                 title="Private fostering visit" + (" and assessment completed" if assessment_completed else ""),
                 summary=note.strip(), detail=visit, actor=actor)
    record_audit(actor, "private_fostering.visit", arrangement, detail={"visit": visit.pk})
    return visit


# Annual report ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def start_annual_report(*, actor: User | None, year_start: dt.date, now: dt.datetime | None = None) -> AnnualReport:
    """A draft for the year (or the existing one). Audits `annual_report.started`."""
    report, created = AnnualReport.objects.get_or_create(
        year_start=year_start,
        defaults={"title": f"Safeguarding children partnership annual report {year_start.year}–{year_start.year + 1 - 2000:02d}",
                  "updated_by": _actor(actor), "updated_at": _now(now)})
    if created:
        record_audit(actor, "annual_report.started", report)
    return report


@transaction.atomic
def save_annual_report_narrative(report: AnnualReport, *, actor: User | None, narrative: Mapping[str, str],
                                 now: dt.datetime | None = None) -> AnnualReport:
    """Keep the partnership's text for each section. Audits `annual_report.edited`."""
    report.narrative = {**report.narrative, **{k: v.strip() for k, v in narrative.items()}}
    report.updated_by = _actor(actor)
    report.updated_at = _now(now)
    report.save(update_fields=["narrative", "updated_by", "updated_at"])
    record_audit(actor, "annual_report.edited", report, detail={"sections": sorted(narrative)})
    return report
