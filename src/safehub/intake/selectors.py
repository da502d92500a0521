"""Read queries for the front door. Every function that returns personal data takes the user and reads through
`visible_to(user)`; `share_within_sla` returns counts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from safehub.core.models import Agency

from .deadlines import AMBER_WINDOW, Rag
from .models import (
    AgencyCheckRequest,
    AgencyCheckResponse,
    Assessment,
    CareProceedings,
    Contact,
    HomeEducationNotice,
    NrmReferral,
    StrategyDiscussion,
    Task,
)


def _end_of_local_day(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def rag_filter(rag: str, now: dt.datetime) -> Q:
    """The contacts awaiting a decision whose clock shows `rag` at `now` (the SQL twin of `deadlines.rag`)."""
    soon = Q(decision_due__lte=now + AMBER_WINDOW) | Q(decision_due__lt=_end_of_local_day(now))
    undecided = Q(decision__isnull=True)
    if rag == Rag.RED:
        return undecided & Q(decision_due__lt=now)
    if rag == Rag.AMBER:
        return undecided & Q(decision_due__gte=now) & soon
    if rag == Rag.GREEN:
        return undecided & Q(decision_due__gte=now) & ~soon
    raise ValueError(f"Unknown RAG {rag!r}")


@dataclass(frozen=True)
class FrontDoorFilters:
    status: str = ""  # "", "awaiting", "decided"
    rag: str = ""  # "", "red", "amber", "green"
    urgency: str = ""  # "", "normal", "urgent"
    reporter_agency: int | None = None


def front_door(user, *, now: dt.datetime, filters: FrontDoorFilters = FrontDoorFilters()) -> QuerySet[Contact]:
    """Contacts the user may see, newest first, with what the list shows fetched in the same query."""
    contacts = (
        Contact.objects.visible_to(user)
        .select_related("child", "reporter_agency", "decision")
        .order_by("-received_at", "-pk")
    )
    if filters.status == "awaiting":
        contacts = contacts.filter(decision__isnull=True)
    elif filters.status == "decided":
        contacts = contacts.filter(decision__isnull=False)
    if filters.rag in {r.value for r in Rag}:
        contacts = contacts.filter(rag_filter(filters.rag, now))
    if filters.urgency:
        contacts = contacts.filter(urgency=filters.urgency)
    if filters.reporter_agency:
        contacts = contacts.filter(reporter_agency_id=filters.reporter_agency)
    return contacts


@dataclass
class CheckView:
    request: AgencyCheckRequest
    status: str
    status_label: str
    response: AgencyCheckResponse | None  # None when unanswered, or answered but not readable by this user
    answered_but_withheld: bool = False


@dataclass
class ContactView:
    contact: Contact
    rag: Rag | None
    checks: list[CheckView]
    discussions: list[StrategyDiscussion]
    assessments: list[Assessment]
    agencies_not_asked: list = field(default_factory=list)


def contact_view(user, contact: Contact, *, now: dt.datetime) -> ContactView:
    """A contact as this user may see it: the checks sent, and each answer unless its caveat keeps it from them (then
    only the fact of an answer shows, so the MASH knows to ask the agency).
    """
    requests = list(
        AgencyCheckRequest.objects.visible_to(user)
        .filter(contact=contact)
        .select_related("agency", "response", "sent_by")
        .order_by("agency__name")
    )
    readable = set(
        AgencyCheckResponse.objects.visible_to(user).filter(request__in=requests).values_list("pk", flat=True)
    )
    checks = []
    for r in requests:
        response = getattr(r, "response", None)
        checks.append(
            CheckView(
                request=r,
                status=r.status(now),
                status_label=r.status_label(now),
                response=response if response is not None and response.pk in readable else None,
                answered_but_withheld=response is not None and response.pk not in readable,
            )
        )
    discussions = list(
        StrategyDiscussion.objects.visible_to(user)
        .filter(contact=contact)
        .select_related("enquiry__lead_practitioner")
        .prefetch_related("attendance")
    )
    assessments = list(Assessment.objects.visible_to(user).filter(contact=contact))
    asked = {r.agency_id for r in requests}
    return ContactView(
        contact=contact,
        rag=contact.rag(now),
        checks=checks,
        discussions=discussions,
        assessments=assessments,
        agencies_not_asked=[a for a in Agency.objects.filter(active=True).order_by("name") if a.pk not in asked],
    )


def check_queue(user, *, now: dt.datetime, answered: bool = False) -> QuerySet[AgencyCheckRequest]:
    """The checks sent to the user's agency: open ones by deadline (overdue first), or the answered ones newest first."""
    requests = (
        AgencyCheckRequest.objects.visible_to(user)
        .filter(agency_id=user.agency_id)
        .select_related("agency", "response", "response__answered_by")
    )
    if answered:
        return requests.filter(response__isnull=False).order_by("-response__answered_at", "-pk")
    return requests.filter(response__isnull=True).order_by("deadline", "pk")


def overdue_checks(user, *, now: dt.datetime) -> QuerySet[AgencyCheckRequest]:
    """Unanswered checks past their deadline, on contacts the user may see, longest overdue first."""
    return (
        AgencyCheckRequest.objects.visible_to(user)
        .overdue(now)
        .select_related("agency", "contact", "contact__child")
        .order_by("deadline", "pk")
    )


def decisions_due(user, *, now: dt.datetime) -> QuerySet[Contact]:
    """Contacts awaiting a MASH decision, the soonest (or most overdue) first."""
    return (
        Contact.objects.visible_to(user)
        .filter(decision__isnull=True)
        .select_related("child", "reporter_agency", "decision")
        .order_by("decision_due", "pk")
    )


@dataclass(frozen=True)
class SlaShare:
    """How many agency checks were answered within their deadline, of those whose outcome is known."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def share_within_sla(period, *, now: dt.datetime | None = None, agency=None) -> SlaShare:
    """Agency checks sent in `period` (a pair of dates, first and last day inclusive, or anything with `.start` and
    `.end`) that were answered by their deadline (numerator), out of those answered or already past their deadline at
    `now` (denominator: a check still open within its deadline has no outcome yet and is left out).

    Counts only, for the performance scorecard; optionally for one agency.
    """
    start, end = (period.start, period.end) if hasattr(period, "start") else period
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    sent = AgencyCheckRequest.objects.filter(sent_at__gte=since, sent_at__lt=until)
    if agency is not None:
        sent = sent.filter(agency=agency)
    decided = sent.filter(Q(response__isnull=False) | Q(deadline__lt=now))
    on_time = sent.filter(response__isnull=False, response__answered_at__lte=F("deadline"))
    return SlaShare(numerator=on_time.count(), denominator=decided.count())


@dataclass
class TaskLists:
    overdue: list[Task]
    due: list[Task]


TASK_SCOPES = {"mine": "Assigned to me", "team": "My teams", "agency": "My agency"}


def tasks_for(user, *, scope: str = "mine", now: dt.datetime, include_done: bool = False) -> TaskLists:
    """Open tasks for the user (`mine`), their teams (`team`) or their agency (`agency`), split into overdue and due."""
    tasks = Task.objects.visible_to(user).select_related("child", "assigned_to", "team", "agency")
    if scope == "team":
        tasks = tasks.filter(team__in=user.teams.values("pk"))
    elif scope == "agency":
        tasks = tasks.filter(agency_id=user.agency_id) if user.agency_id else tasks.none()
    else:
        tasks = tasks.filter(assigned_to=user.pk)
    if not include_done:
        tasks = tasks.filter(done_at__isnull=True)
    tasks = list(tasks.order_by("due_at", "pk"))
    return TaskLists(
        overdue=[t for t in tasks if t.is_overdue(now)], due=[t for t in tasks if not t.is_overdue(now)]
    )


def calendar_tasks(user) -> QuerySet[Task]:
    """The user's own open tasks, for their calendar."""
    return Task.objects.visible_to(user).filter(assigned_to=user.pk, done_at__isnull=True).order_by("due_at", "pk")


def dashboard_counts(user, *, now: dt.datetime) -> dict[str, int]:
    """The dashboard's front-door panel: the MASH's decisions and overdue checks, or an agency's checks waiting."""
    roles = user.role_codes
    counts: dict[str, int] = {}
    if "mash_practitioner" in roles:
        awaiting = Contact.objects.visible_to(user).filter(decision__isnull=True)
        counts["awaiting"] = awaiting.count()
        counts["decisions_overdue"] = awaiting.filter(decision_due__lt=now).count()
        counts["checks_overdue"] = AgencyCheckRequest.objects.visible_to(user).overdue(now).count()
    elif "agency_contributor" in roles and user.agency_id:
        waiting = AgencyCheckRequest.objects.visible_to(user).filter(agency_id=user.agency_id).open()
        counts["checks_waiting"] = waiting.count()
        counts["checks_overdue"] = waiting.filter(deadline__lt=now).count()
    return counts


# ---------------------------------------------------------------------------------------------------------------------
# Family group decision-making before care proceedings, and a child's 2026 Act records

FGDM_STATUSES = {
    "offered": "Offered on time",
    "offered_late": "Offered late",
    "exception": "Exception agreed by a manager",
    "due": "Not yet offered",
    "overdue": "Not offered: overdue",
}


@dataclass
class FgdmRow:
    proceedings: CareProceedings
    status: str

    @property
    def status_label(self) -> str:
        return FGDM_STATUSES[self.status]


@dataclass
class FgdmReport:
    rows: list[FgdmRow]
    counts: dict[str, int]
    issued_without_offer: int  # issued on an exception


def fgdm_status(proceedings: CareProceedings, today: dt.date) -> str:
    offer = getattr(proceedings, "fgdm_offer", None)
    if offer is not None:
        return "offered" if offer.on_time else "offered_late"
    if proceedings.has_fgdm_exception:
        return "exception"
    return "overdue" if today > proceedings.fgdm_offer_due else "due"


def fgdm_report(user, *, today: dt.date) -> FgdmReport:
    """Care proceedings the user may see, newest decision first, each with where its offer of family group
    decision-making stands on `today`, and the count of each status.
    """
    proceedings = list(
        CareProceedings.objects.visible_to(user)
        .select_related("child", "fgdm_offer", "fgdm_exception_manager")
        .order_by("-considered_on", "-pk")
    )
    rows = [FgdmRow(p, fgdm_status(p, today)) for p in proceedings]
    counts = {status: 0 for status in FGDM_STATUSES}
    for row in rows:
        counts[row.status] += 1
    issued_on_exception = sum(1 for r in rows if r.proceedings.issued_on and r.status == "exception")
    return FgdmReport(rows=rows, counts=counts, issued_without_offer=issued_on_exception)


@dataclass
class ActRecords:
    proceedings: list[CareProceedings]
    nrm_referrals: list[NrmReferral]
    home_education: list[HomeEducationNotice]


def act_records(user, child) -> ActRecords:
    """A child's care proceedings (with FGDM offers), NRM referrals and home education notices, as the user may see them."""
    return ActRecords(
        proceedings=list(
            CareProceedings.objects.visible_to(user)
            .filter(child=child)
            .select_related("fgdm_offer", "fgdm_exception_manager")
        ),
        nrm_referrals=list(NrmReferral.objects.visible_to(user).filter(child=child)),
        home_education=list(
            HomeEducationNotice.objects.visible_to(user).filter(child=child).select_related("consent_decided_by")
        ),
    )
