"""Changes to bodies, meetings, minutes and the action log. Each function runs in a transaction and writes the audit trail;
where something happens to a child or person (a panel action agreed or completed), it also writes an `Event`.

Panel actions go on the child's plan through the intake app's `add_plan_item` (its public service), and on the child's
timeline as `panel.action_agreed` / `panel.action_completed` events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency, User
from safehub.people.models import Child, Event, Person
from safehub.people.services import record_event

from .models import (
    Action,
    ActionStatusChange,
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Declaration,
    ExemptCategory,
    ForwardPlanItem,
    MattersArising,
    Meeting,
    Membership,
    MinutesVersion,
    PanelCase,
    Paper,
)


class MeetingsError(Exception):
    """A change refused by a domain rule; `errors` maps each field to a message a person can act on."""

    def __init__(self, field_or_errors: Mapping[str, str] | str, message: str = ""):
        if isinstance(field_or_errors, str):
            self.errors = {field_or_errors: message} if message else {"__all__": field_or_errors}
        else:
            self.errors = dict(field_or_errors)
        super().__init__("; ".join(self.errors.values()))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _clean_category(value: str) -> str:
    codes = sorted({c.strip() for c in str(value or "").replace(" and ", ",").replace(";", ",").split(",") if c.strip()})
    bad = [c for c in codes if c not in ExemptCategory.values]
    if bad:
        raise MeetingsError("exempt_category", f"Exempt category must be a Schedule 12A paragraph 1 to 7, not {bad[0]}")
    return ",".join(codes)


# ---------------------------------------------------------------------------------------------------------------------
# Bodies and members


@transaction.atomic
def create_body(
    *,
    actor: User | None,
    name: str,
    kind: str,
    terms_of_reference: str = "",
    quorum: int = 0,
    quorum_needs_statutory_partners: bool = False,
    parent: Body | None = None,
    chair_is_actor: bool = True,
) -> Body:
    """Create a board or panel; the creator becomes its chair (so they may run it and, for a case panel, see its cases).

    Audits `body.created`.
    """
    name = name.strip()
    if not name:
        raise MeetingsError("name", "Enter the name of the board or panel")
    if kind not in Body.Kind.values:
        raise MeetingsError("kind", "Choose what kind of body this is")
    if Body.objects.filter(name__iexact=name).exists():
        raise MeetingsError("name", "A board or panel with this name already exists")
    body = Body.objects.create(
        name=name,
        kind=kind,
        terms_of_reference=terms_of_reference.strip(),
        quorum=quorum,
        quorum_needs_statutory_partners=quorum_needs_statutory_partners,
        parent=parent,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if chair_is_actor and getattr(actor, "is_authenticated", False):
        Membership.objects.create(
            body=body, user=actor, name=actor.get_full_name() or actor.username, agency=actor.agency,
            position=actor.job_title, role=Membership.Role.CHAIR,
        )
    record_audit(actor, "body.created", body, detail={"kind": kind})
    return body


@transaction.atomic
def add_member(
    body: Body,
    *,
    actor: User | None,
    name: str = "",
    user: User | None = None,
    agency: Agency | None = None,
    role: str = Membership.Role.MEMBER,
    initials: str = "",
    position: str = "",
    start_on: dt.date | None = None,
    end_on: dt.date | None = None,
    deputy_for: Membership | None = None,
) -> Membership:
    """Add a member (a user, or a named person without an account). Audits `body.member_added`."""
    name = (name or (user.get_full_name() or user.username if user else "")).strip()
    if not name:
        raise MeetingsError("name", "Enter the member's name")
    if role not in Membership.Role.values:
        raise MeetingsError("role", "Choose the member's role")
    if start_on and end_on and end_on < start_on:
        raise MeetingsError("end_on", "The end date must be on or after the start date")
    if deputy_for is not None and deputy_for.body_id != body.pk:
        raise MeetingsError("deputy_for", "A deputy stands in for a member of the same body")
    membership = Membership.objects.create(
        body=body, user=user, name=name, agency=agency or getattr(user, "agency", None), role=role,
        initials=initials.strip() or _initials(name), position=position.strip(), start_on=start_on, end_on=end_on,
        deputy_for=deputy_for,
    )
    record_audit(actor, "body.member_added", membership,
                 detail={"body": body.pk, "role": role, "user": getattr(user, "pk", None)})
    return membership


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha() and w.lower() not in {"dr", "cllr", "councillor"}]
    return "".join(w[0].upper() for w in words)[:6]


# ---------------------------------------------------------------------------------------------------------------------
# Meetings and agendas


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(body=meeting.body, date__lt=meeting.date)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-date", "-pk")
        .first()
    )


def _next_order(meeting: Meeting) -> int:
    return (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 1


def _item(meeting: Meeting, title: str, kind: str = AgendaItem.Kind.STANDARD, **fields) -> AgendaItem:
    order = _next_order(meeting)
    return AgendaItem.objects.create(meeting=meeting, order=order, number=fields.pop("number", "") or str(order),
                                     title=title, kind=kind, **fields)


@transaction.atomic
def create_meeting(
    body: Body,
    *,
    actor: User | None,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    venue: str = "",
    online: bool = False,
    title: str = "",
    standard_items: bool = True,
) -> Meeting:
    """Schedule a meeting and draft its agenda: apologies, declarations, the previous minutes with matters arising (every
    action still open from earlier meetings), the forward plan items now due, and any other business.

    Audits `meeting.created`.
    """
    if start_time and end_time and end_time <= start_time:
        raise MeetingsError("end_time", "The meeting must end after it starts")
    if not venue.strip() and not online:
        raise MeetingsError("venue", "Enter where the meeting is held, or say it is online")
    meeting = Meeting.objects.create(
        body=body, date=date, start_time=start_time, end_time=end_time, venue=venue.strip(), online=online,
        title=title.strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    carried = pulled = 0
    if standard_items:
        _item(meeting, "Apologies for absence", AgendaItem.Kind.APOLOGIES)
        _item(meeting, "Declarations of interest", AgendaItem.Kind.DECLARATIONS)
        earlier = previous_meeting(meeting)
        if earlier is not None:
            _item(meeting, f"Minutes of the meeting held on {earlier.date:%-d %B %Y}", AgendaItem.Kind.PREVIOUS_MINUTES,
                  description="To approve the minutes as a correct record.")
        carried = _bring_open_actions(meeting)
        if carried or earlier is not None:
            _item(meeting, "Matters arising and action log", AgendaItem.Kind.MATTERS_ARISING,
                  description=f"{carried} open action{'s' if carried != 1 else ''} from earlier meetings.")
        pulled = _pull_forward_plan(meeting)
    record_audit(actor, "meeting.created", meeting,
                 detail={"body": body.pk, "date": date, "actions_carried": carried, "forward_plan_items": pulled})
    return meeting


def _bring_open_actions(meeting: Meeting) -> int:
    open_actions = Action.objects.open().filter(meeting__body=meeting.body, meeting__date__lt=meeting.date)
    rows = [MattersArising(meeting=meeting, action=a) for a in open_actions]
    MattersArising.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _pull_forward_plan(meeting: Meeting) -> int:
    due = ForwardPlanItem.objects.filter(body=meeting.body, scheduled_for__isnull=True, due_by__lte=meeting.date)
    count = 0
    for plan_item in due:
        _item(meeting, plan_item.title, presenter=plan_item.presenter, description=plan_item.notes,
              exempt=plan_item.exempt, exempt_category=plan_item.exempt_category, forward_plan_item=plan_item)
        plan_item.scheduled_for = meeting
        plan_item.save(update_fields=["scheduled_for"])
        count += 1
    if count or meeting.body.forward_plan.exists():
        _item(meeting, "Forward plan", description="To note the business planned for future meetings.")
    return count


@transaction.atomic
def add_forward_plan_item(
    body: Body, *, actor: User | None, title: str, due_by: dt.date, presenter: str = "", notes: str = "",
    exempt: bool = False, exempt_category: str = "",
) -> ForwardPlanItem:
    """Plan business for a future meeting. Audits `forward_plan.added`."""
    if not title.strip():
        raise MeetingsError("title", "Enter the title of the business")
    item = ForwardPlanItem.objects.create(
        body=body, title=title.strip(), due_by=due_by, presenter=presenter.strip(), notes=notes.strip(), exempt=exempt,
        exempt_category=_clean_category(exempt_category) if exempt else "",
    )
    record_audit(actor, "forward_plan.added", item, detail={"body": body.pk, "due_by": due_by})
    return item


@transaction.atomic
def add_agenda_item(
    meeting: Meeting,
    *,
    actor: User | None,
    title: str,
    number: str = "",
    presenter: str = "",
    description: str = "",
    exempt: bool = False,
    exempt_category: str = "",
    exempt_reason: str = "",
    kind: str = AgendaItem.Kind.STANDARD,
    minutes: str = "",
) -> AgendaItem:
    """Add an item to the agenda. An exempt item needs its Schedule 12A paragraph(s) and the reason.

    Audits `agenda_item.added`.
    """
    title = title.strip()
    if not title:
        raise MeetingsError("title", "Enter the title of the item")
    category = _clean_category(exempt_category) if exempt else ""
    if exempt and not category:
        raise MeetingsError("exempt_category", "Choose the Schedule 12A paragraph that makes the item exempt")
    if exempt and not exempt_reason.strip():
        raise MeetingsError("exempt_reason", "Enter why the public interest in keeping the item exempt outweighs disclosure")
    number = number.strip().rstrip(".")
    if number and meeting.items.filter(number=number).exists():
        raise MeetingsError("number", f"Item {number} is already on this agenda")
    item = _item(meeting, title, kind, number=number, presenter=presenter.strip(), description=description.strip(),
                 exempt=exempt, exempt_category=category, exempt_reason=exempt_reason.strip(), minutes=minutes.strip())
    record_audit(actor, "agenda_item.added", item, detail={"meeting": meeting.pk, "exempt": exempt, "category": category})
    return item


@transaction.atomic
def attach_paper(item: AgendaItem, *, actor: User | None, title: str, uploaded_file) -> Paper:
    """Store a paper for an agenda item (kept outside the web root). Audits `paper.uploaded`."""
    if uploaded_file is None:
        raise MeetingsError("file", "Choose the paper to upload")
    paper = Paper(item=item, title=(title or uploaded_file.name).strip()[:200],
                  content_type=getattr(uploaded_file, "content_type", "") or "",
                  uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    paper.file.save(uploaded_file.name, uploaded_file, save=False)
    paper.save()
    record_audit(actor, "paper.uploaded", paper, detail={"item": item.pk, "name": uploaded_file.name})
    return paper


@transaction.atomic
def change_order_of_business(meeting: Meeting, *, actor: User | None, order: Sequence[int], reason: str = "") -> None:
    """Take the items in a new order (item numbers stay as printed on the agenda). Audits `meeting.order_changed`."""
    items = {i.pk: i for i in meeting.items.all()}
    if set(order) != set(items):
        raise MeetingsError("order", "List every item of the agenda once")
    for position, pk in enumerate(order, start=1):
        items[pk].order = position
    AgendaItem.objects.bulk_update(items.values(), ["order"])
    record_audit(actor, "meeting.order_changed", meeting, detail={"order": list(order), "reason": reason})


@transaction.atomic
def record_item_minutes(item: AgendaItem, *, actor: User | None, minutes: str, presenter: str | None = None) -> AgendaItem:
    """Write the minutes of an item. Minutes already circulated go back to draft. Audits `agenda_item.minuted`."""
    item.minutes = minutes.strip()
    fields = ["minutes"]
    if presenter is not None:
        item.presenter = presenter.strip()
        fields.append("presenter")
    item.save(update_fields=fields)
    _back_to_draft(item.meeting)
    record_audit(actor, "agenda_item.minuted", item, detail={"meeting": item.meeting_id})
    return item


# ---------------------------------------------------------------------------------------------------------------------
# What happened at the meeting


@transaction.atomic
def record_attendance(
    meeting: Meeting,
    *,
    actor: User | None,
    name: str = "",
    status: str,
    membership: Membership | None = None,
    role: str = "",
    agency: Agency | None = None,
    substitute_for: Membership | None = None,
    for_item: AgendaItem | None = None,
) -> Attendance:
    """Record who was present, sent apologies, was absent, substituted or attended for an item. Audits
    `meeting.attendance_recorded`."""
    name = (name or (membership.name if membership else "")).strip()
    if not name:
        raise MeetingsError("name", "Enter the name of the person")
    if status not in Attendance.Status.values:
        raise MeetingsError("status", "Choose present, apologies, absent, substitute or attending for an item")
    if status == Attendance.Status.SUBSTITUTE and substitute_for is None:
        raise MeetingsError("substitute_for", "Choose the member this person is substituting for")
    if status == Attendance.Status.FOR_ITEM and for_item is None:
        raise MeetingsError("for_item", "Choose the item the person attended for")
    row = Attendance.objects.create(
        meeting=meeting, membership=membership, name=name, role=role.strip() or (membership.position if membership else ""),
        agency=agency or (membership.agency if membership else None), status=status, substitute_for=substitute_for,
        for_item=for_item,
    )
    record_audit(actor, "meeting.attendance_recorded", row, detail={"meeting": meeting.pk, "status": status})
    return row


@transaction.atomic
def record_declaration(
    meeting: Meeting, *, actor: User | None, name: str, interest: str, item: AgendaItem | None = None, action_taken: str = ""
) -> Declaration:
    """Record a declaration of interest. Audits `meeting.declaration_recorded`."""
    if not name.strip():
        raise MeetingsError("name", "Enter who declared the interest")
    if not interest.strip():
        raise MeetingsError("interest", "Enter the interest declared")
    row = Declaration.objects.create(meeting=meeting, item=item, name=name.strip(), interest=interest.strip(),
                                     action_taken=action_taken.strip())
    record_audit(actor, "meeting.declaration_recorded", row,
                 detail={"meeting": meeting.pk, "item": getattr(item, "pk", None)})
    return row


@transaction.atomic
def record_decision(
    item: AgendaItem, *, actor: User | None, text: str, proposer: str = "", outcome: str = Decision.Outcome.AGREED
) -> Decision:
    """Record what was RESOLVED on an item. Audits `decision.recorded`."""
    text = text.strip()
    if not text:
        raise MeetingsError("text", "Enter what was resolved")
    if outcome not in Decision.Outcome.values:
        raise MeetingsError("outcome", "Choose the outcome")
    decision = Decision.objects.create(item=item, text=text, proposer=proposer.strip(), outcome=outcome)
    _back_to_draft(item.meeting)
    record_audit(actor, "decision.recorded", decision, detail={"item": item.pk, "outcome": outcome})
    return decision


@transaction.atomic
def hold_meeting(meeting: Meeting, *, actor: User | None) -> Meeting:
    """Mark the meeting as held (its minutes can now be drafted and circulated). Audits `meeting.held`."""
    meeting.status = Meeting.Status.HELD
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save(update_fields=["status", "minutes_status"])
    record_audit(actor, "meeting.held", meeting)
    return meeting


# ---------------------------------------------------------------------------------------------------------------------
# Actions


def next_reference(meeting: Meeting) -> str:
    """The next action number in the body's running action log (as printed: 1, 2, 3 … across meetings)."""
    numbers = [int(r) for r in Action.objects.filter(meeting__body=meeting.body).values_list("reference", flat=True)
               if r.isdigit()]
    return str(max(numbers, default=0) + 1)


def _event_agency(actor: User | None, case: PanelCase | None) -> Agency | None:
    return getattr(actor, "agency", None) or (case.agency if case else None)


@transaction.atomic
def record_action(
    meeting: Meeting,
    *,
    actor: User | None,
    details: str,
    item: AgendaItem | None = None,
    reference: str = "",
    owner_user: User | None = None,
    owner_name: str = "",
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
    panel_case: PanelCase | None = None,
    kind: str = Action.Kind.ACTION,
    now: dt.datetime | None = None,
) -> Action:
    """Add an action to the log. An owner may be a user, or a name or initials as printed in the minutes.

    A case-panel action about a child goes on the child's plan (intake's `add_plan_item`) and its timeline (a
    `panel.action_agreed` event); disruption against a person goes on that person's timeline. Any later meeting of the
    body already scheduled gets the action in its matters arising. Audits `action.recorded`.
    """
    now = _now(now)
    details = details.strip()
    if not details:
        raise MeetingsError("details", "Enter what is to be done")
    if not (owner_user or owner_name.strip()):
        raise MeetingsError("owner_name", "Enter who owns the action")
    if kind not in Action.Kind.values:
        raise MeetingsError("kind", "Choose action or disruption")
    reference = reference.strip() or next_reference(meeting)
    if Action.objects.filter(meeting__body=meeting.body, reference=reference).exists():
        raise MeetingsError("reference", f"Action {reference} is already in this body's log")
    if panel_case is not None and panel_case.meeting_id != meeting.pk:
        raise MeetingsError("panel_case", "The case was not discussed at this meeting")
    action = Action.objects.create(
        meeting=meeting, item=item or (panel_case.item if panel_case else None), reference=reference, kind=kind,
        details=details, owner_user=owner_user,
        owner_name=owner_name.strip() or (owner_user.get_full_name() if owner_user else ""),
        owner_agency=owner_agency or getattr(owner_user, "agency", None), due_on=due_on, panel_case=panel_case,
        child=panel_case.child if panel_case else None, person=panel_case.person if panel_case else None,
        place=panel_case.place if panel_case else "", created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ActionStatusChange.objects.create(action=action, from_status="", to_status=action.status, meeting=meeting, at=now,
                                      by=action.created_by, note="Agreed")
    later = Meeting.objects.filter(body=meeting.body, date__gt=meeting.date, status=Meeting.Status.SCHEDULED)
    MattersArising.objects.bulk_create([MattersArising(meeting=m, action=action) for m in later], ignore_conflicts=True)
    if action.child_id:
        _put_on_plan(action, actor=actor, now=now)
    if action.child_id or action.person_id:
        record_event(
            child=action.child, person=action.person, agency=_event_agency(actor, panel_case), type="panel.action_agreed",
            occurred_at=now, title=f"{meeting.body.name}: {action.get_kind_display().lower()} agreed"[:200],
            summary=details, action_taken=f"Owner: {action.owner_label}" + (f"; due {due_on:%-d %B %Y}" if due_on else ""),
            significance=Event.Significance.NOTABLE, caveat=panel_case.caveat if panel_case else Caveat.PARTNERSHIP,
            detail=action, actor=actor, precision=Event.Precision.EXACT,
        )
    record_audit(actor, "action.recorded", action,
                 detail={"meeting": meeting.pk, "reference": reference, "child": action.child_id, "person": action.person_id})
    return action


def _put_on_plan(action: Action, *, actor: User | None, now: dt.datetime) -> None:
    from safehub.intake.services import add_plan_item

    source = f"{action.meeting.body.name} {action.meeting.date:%Y-%m-%d} action {action.reference}"
    plan_item = add_plan_item(
        action.child, text=action.details, owner_name=action.owner_name, owner_agency=action.owner_agency,
        due_on=action.due_on, source=source[:200], actor=actor, today=timezone.localtime(now).date(),
    )
    action.plan_item_id = plan_item.pk
    action.save(update_fields=["plan_item_id"])


def _complete_on_plan(action: Action, *, actor: User | None, note: str, now: dt.datetime) -> None:
    from safehub.intake.models import PlanItem
    from safehub.intake.services import complete_plan_item

    plan_item = PlanItem.objects.filter(pk=action.plan_item_id).first()
    if plan_item is not None:
        evidence = note.strip() or f"{action.meeting.body.name} action {action.reference} done"
        complete_plan_item(plan_item, actor=actor, evidence=evidence, now=now)


ALLOWED_MOVES = {
    "open": {"done", "overdue", "carried_forward", "dropped"},
    "overdue": {"open", "done", "carried_forward", "dropped"},
    "carried_forward": {"open", "done", "overdue", "dropped"},
    "done": {"open"},
    "dropped": {"open"},
}


@transaction.atomic
def update_action_status(
    action: Action,
    *,
    actor: User | None,
    status: str,
    note: str = "",
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> Action:
    """Move an action on (done, carried forward, dropped, overdue, reopened), with a history row.

    Completing a case-panel action writes `panel.action_completed` on the child's (or person's) timeline and completes
    the item it put on the child's plan (intake's `complete_plan_item`). Dropping an
    action needs a reason. Audits `action.status_changed`.
    """
    now = _now(now)
    if status not in Action.Status.values:
        raise MeetingsError("status", "Choose open, done, overdue, carried forward or dropped")
    if status == action.status:
        return action
    if status not in ALLOWED_MOVES[action.status]:
        raise MeetingsError("status", f"An action that is {action.get_status_display().lower()} cannot become "
                                      f"{Action.Status(status).label.lower()}")
    if status == Action.Status.DROPPED and not note.strip():
        raise MeetingsError("note", "Enter why the action is being dropped")
    before = action.status
    action.status = status
    action.completed_at = now if status == Action.Status.DONE else None
    action.save(update_fields=["status", "completed_at"])
    ActionStatusChange.objects.create(action=action, from_status=before, to_status=status, note=note.strip(),
                                      meeting=meeting, at=now, by=actor if getattr(actor, "is_authenticated", False) else None)
    if status == Action.Status.DONE and (action.child_id or action.person_id):
        agency = _event_agency(actor, action.panel_case) or action.owner_agency or action.meeting.body.memberships.filter(
            agency__isnull=False).values_list("agency", flat=True).first()
        if isinstance(agency, int):
            agency = Agency.objects.get(pk=agency)
        if agency is not None:
            record_event(
                child=action.child, person=action.person, agency=agency, type="panel.action_completed", occurred_at=now,
                title=f"{action.meeting.body.name}: action {action.reference} completed"[:200], summary=action.details,
                outcome=note.strip(), caveat=action.panel_case.caveat if action.panel_case_id else Caveat.PARTNERSHIP,
                detail=action, actor=actor, precision=Event.Precision.EXACT,
            )
    if status == Action.Status.DONE and action.plan_item_id:
        _complete_on_plan(action, actor=actor, note=note, now=now)
    record_audit(actor, "action.status_changed", action, detail={"from": before, "to": status, "note": note.strip()})
    return action


@transaction.atomic
def review_matters_arising(
    meeting: Meeting, *, actor: User | None, outcomes: Mapping[int, tuple[str, str]], now: dt.datetime | None = None
) -> int:
    """At a meeting, take each carried action in turn: {action id: (new status, note)}. Unchanged open actions are
    carried forward. Returns how many changed. Audits through `update_action_status`."""
    changed = 0
    for row in meeting.matters_arising.select_related("action"):
        if row.action_id not in outcomes:
            continue
        status, note = outcomes[row.action_id]
        if note.strip():
            row.note = note.strip()
            row.save(update_fields=["note"])
        if status and status != row.action.status:
            update_action_status(row.action, actor=actor, status=status, note=note, meeting=meeting, now=now)
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------------------------------
# Minutes: draft → circulated → approved at the next meeting


def minutes_content(meeting: Meeting) -> dict:
    """The minutes as data (what a version freezes): attendance, declarations, items with decisions and actions."""
    return {
        "meeting": {"body": meeting.body.name, "date": meeting.date.isoformat(), "venue": meeting.venue,
                    "online": meeting.online},
        "attendance": [{"name": a.name, "role": a.role, "status": a.status} for a in meeting.attendance.all()],
        "declarations": [{"name": d.name, "interest": d.interest, "item": d.item.number if d.item else None}
                         for d in meeting.declarations.select_related("item")],
        "items": [
            {
                "number": i.number, "title": i.title, "exempt": i.exempt, "exempt_category": i.exempt_category,
                "minutes": i.minutes, "decisions": [d.text for d in i.decisions.all()],
                "actions": [{"reference": a.reference, "details": a.details, "owner": a.owner_label,
                             "due": a.due_on.isoformat() if a.due_on else None} for a in i.actions.all()],
            }
            for i in meeting.items.prefetch_related("decisions", "actions__owner_agency", "actions__owner_user")
        ],
        "actions": [{"reference": a.reference, "details": a.details, "owner": a.owner_label,
                     "due": a.due_on.isoformat() if a.due_on else None}
                    for a in meeting.actions.filter(item__isnull=True).select_related("owner_agency", "owner_user")],
    }


def _version(meeting: Meeting, status: str, actor: User | None, now: dt.datetime, note: str = "") -> MinutesVersion:
    number = (meeting.minutes_versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return MinutesVersion.objects.create(
        meeting=meeting, number=number, status=status, content=minutes_content(meeting), note=note[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=now,
    )


def _back_to_draft(meeting: Meeting) -> None:
    if meeting.minutes_status == Meeting.MinutesStatus.CIRCULATED:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        meeting.save(update_fields=["minutes_status"])
    elif meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise MeetingsError("minutes", "These minutes were approved; they cannot be changed")


@transaction.atomic
def circulate_minutes(meeting: Meeting, *, actor: User | None, now: dt.datetime | None = None, note: str = "") -> MinutesVersion:
    """Freeze the draft as a new version and circulate it to members. Audits `minutes.circulated`."""
    now = _now(now)
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise MeetingsError("minutes", "These minutes were already approved")
    if meeting.status != Meeting.Status.HELD:
        raise MeetingsError("minutes", "Minutes can be circulated once the meeting has been held")
    version = _version(meeting, Meeting.MinutesStatus.CIRCULATED, actor, now, note or "Circulated to members")
    meeting.minutes_status = Meeting.MinutesStatus.CIRCULATED
    meeting.save(update_fields=["minutes_status"])
    record_audit(actor, "minutes.circulated", meeting, detail={"version": version.number})
    return version


@transaction.atomic
def approve_minutes(
    meeting: Meeting, *, at_meeting: Meeting, actor: User | None, now: dt.datetime | None = None
) -> MinutesVersion:
    """Approve circulated minutes at a later meeting of the same body, recording the resolution there.

    Audits `minutes.approved`.
    """
    now = _now(now)
    if meeting.minutes_status != Meeting.MinutesStatus.CIRCULATED:
        raise MeetingsError("minutes", "Circulate the minutes before they are approved")
    if at_meeting.body_id != meeting.body_id or at_meeting.date <= meeting.date:
        raise MeetingsError("at_meeting", "Minutes are approved at a later meeting of the same body")
    note = f"Approved at the meeting of {at_meeting.date:%-d %B %Y}"
    version = _version(meeting, Meeting.MinutesStatus.APPROVED, actor, now, note)
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_at = at_meeting
    meeting.save(update_fields=["minutes_status", "minutes_approved_at"])
    item = at_meeting.items.filter(kind=AgendaItem.Kind.PREVIOUS_MINUTES).first() or _item(
        at_meeting, f"Minutes of the meeting held on {meeting.date:%-d %B %Y}", AgendaItem.Kind.PREVIOUS_MINUTES
    )
    Decision.objects.create(
        item=item, text=f"That the minutes of the meeting held on {meeting.date:%-d %B %Y} be approved as a correct record.",
        outcome=Decision.Outcome.AGREED,
    )
    record_audit(actor, "minutes.approved", meeting, detail={"version": version.number, "at_meeting": at_meeting.pk})
    return version


# ---------------------------------------------------------------------------------------------------------------------
# Case panels (MACE / MASE)


@transaction.atomic
def add_panel_case(
    meeting: Meeting,
    *,
    actor: User,
    child: Child | None = None,
    person: Person | None = None,
    place: str = "",
    source: str = PanelCase.Source.REFERRAL,
    reason: str = "",
    caveat: str = Caveat.PARTNERSHIP,
) -> PanelCase:
    """Put a child, a person causing harm or a place of concern on a case panel's agenda, as an exempt item (Schedule 12A
    paragraphs 1 and 2). Audits `panel_case.added`."""
    if not meeting.body.is_case_panel:
        raise MeetingsError("meeting", "Cases are discussed at MACE and MASE panels")
    if sum(bool(x) for x in (child, person, place.strip())) != 1:
        raise MeetingsError("subject", "Choose one child, one person or one place")
    agency = getattr(actor, "agency", None)
    if agency is None:
        raise MeetingsError("actor", "You need to belong to an agency to add a case")
    number = f"C{meeting.panel_cases.count() + 1}"
    kind_label = "Child" if child else "Person" if person else "Place"
    item = _item(meeting, f"{kind_label} case {number}", AgendaItem.Kind.PANEL_CASE, number=number, exempt=True,
                 exempt_category="1,2", exempt_reason="Information about, and likely to identify, individuals.")
    case = PanelCase.objects.create(meeting=meeting, item=item, child=child, person=person, place=place.strip(),
                                    source=source, reason=reason.strip(), agency=agency, caveat=caveat, created_by=actor)
    record_audit(actor, "panel_case.added", case, detail={
        "meeting": meeting.pk, "source": source, "child": getattr(child, "pk", None), "person": getattr(person, "pk", None),
    })
    return case


@transaction.atomic
def record_panel_case(case: PanelCase, *, actor: User, summary: str = "", decisions: str = "") -> PanelCase:
    """Write the panel's discussion and decisions on a case. Audits `panel_case.recorded`."""
    case.summary = summary.strip()
    case.decisions = decisions.strip()
    case.save(update_fields=["summary", "decisions"])
    record_audit(actor, "panel_case.recorded", case)
    return case


@transaction.atomic
def create_panel_meeting(
    body: Body, *, actor: User, date: dt.date, since: dt.datetime, venue: str = "", online: bool = True,
    start_time: dt.time | None = None,
) -> Meeting:
    """Schedule a case panel and build its agenda from the subjects flagged since `since` that the chair may see
    (risk flags for the panel, missing triggers, new network links). Audits `meeting.created` and each `panel_case.added`."""
    from .selectors import flagged_subjects

    if not body.is_case_panel:
        raise MeetingsError("body", "Choose a MACE or MASE panel")
    meeting = create_meeting(body, actor=actor, date=date, venue=venue, online=online, start_time=start_time)
    for flag in flagged_subjects(actor, since):
        add_panel_case(meeting, actor=actor, child=flag.child, person=flag.person, place=flag.place, source=flag.source,
                       reason=flag.reason, caveat=flag.caveat)
    _item(meeting, "Any other business", AgendaItem.Kind.ANY_OTHER_BUSINESS)
    return meeting


# ---------------------------------------------------------------------------------------------------------------------
# Imported minutes


def _match_member(body: Body, name: str) -> Membership | None:
    key = name.strip().lower()
    for member in body.memberships.all():
        if member.name.strip().lower() == key or (member.initials and member.initials.lower() == key):
            return member
    return None


@transaction.atomic
def save_imported_minutes(proposal, *, body: Body, actor: User | None, date: dt.date | None = None,
                          source_file: str = "") -> Meeting:
    """Save a reviewed proposal from the minutes importer as a held meeting with approved-as-printed content: items
    (with their minutes text, unplaced text kept), attendance, decisions and actions. Audits `minutes.imported`."""
    date = date or proposal.date
    if date is None:
        raise MeetingsError("date", "Enter the date of the meeting")
    meeting = Meeting.objects.create(
        body=body, date=date, title=proposal.title or "", venue=proposal.venue or "", status=Meeting.Status.HELD,
        minutes_status=Meeting.MinutesStatus.DRAFT, source_file=source_file[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for person in proposal.present:
        Attendance.objects.create(meeting=meeting, name=person.name[:200], role=(person.role or "")[:200],
                                  status=Attendance.Status.PRESENT, membership=_match_member(body, person.name))
    for person in proposal.apologies:
        Attendance.objects.create(meeting=meeting, name=person.name[:200], role=(person.role or "")[:200],
                                  status=Attendance.Status.APOLOGIES, membership=_match_member(body, person.name))
    references = set(Action.objects.filter(meeting__body=body).values_list("reference", flat=True))
    for order, parsed in enumerate(proposal.items, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, number=(parsed.number or "")[:20], title=parsed.title[:300] or "Untitled item",
            exempt=parsed.exempt, exempt_category=parsed.exempt_category or "", minutes=parsed.minutes,
            description=parsed.description,
        )
        for text in parsed.decisions:
            Decision.objects.create(item=item, text=text)
        for parsed_action in parsed.actions:
            reference = parsed_action.reference or ""
            if not reference or reference in references:
                reference = f"{date:%Y%m%d}-{len(references) + 1}"
            references.add(reference)
            due = None
            if parsed_action.due:
                try:
                    due = dt.date.fromisoformat(parsed_action.due)
                except ValueError:
                    due = None
            action = Action.objects.create(
                meeting=meeting, item=item, reference=reference[:30], details=parsed_action.text,
                owner_name=(parsed_action.owner or "")[:200], due_on=due,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            ActionStatusChange.objects.create(action=action, to_status=action.status, meeting=meeting, at=timezone.now(),
                                              by=action.created_by, note="Imported from minutes")
    record_audit(actor, "minutes.imported", meeting, detail={"body": body.pk, "items": len(proposal.items), "file": source_file})
    return meeting


def bulk_members(body: Body, rows: Iterable[dict], *, actor: User | None) -> list[Membership]:
    """Add several members at once (demo and imports)."""
    return [add_member(body, actor=actor, **row) for row in rows]
