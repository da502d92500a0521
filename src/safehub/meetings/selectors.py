"""Read queries for boards, meetings, the action log and case panels. Every function takes the user and reads through
the `visible_to(user)` querysets.

The case-panel agenda reads other apps only through their public selectors where they exist (`risk.selectors.
children_flagged_for_panel`, `network.selectors`), and always through the shared event table too (`risk.flag_mace`,
`missing.trigger`, `network.link`), so it still works while those apps are being built.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from safehub.core.caveats import Caveat
from safehub.core.roles import PARTNERSHIP_CASE_ROLES
from safehub.people.models import Child, Event, Person

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Body,
    MattersArising,
    Meeting,
    Membership,
    PanelCase,
    is_member,
    members_of,
)

FLAG_EVENT_TYPES = {
    "risk.flag_mace": PanelCase.Source.RISK_FLAG,
    "missing.trigger": PanelCase.Source.MISSING_TRIGGER,
    "network.link": PanelCase.Source.NETWORK_LINK,
}
CAVEAT_STRICTNESS = [Caveat.PARTNERSHIP, Caveat.MASH_ONLY, Caveat.AGENCY_ONLY]


def visible_bodies(user) -> QuerySet[Body]:
    return Body.objects.visible_to(user).order_by("name")


def visible_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("body")


def may_see_full_minutes(user, meeting: Meeting) -> bool:
    """Members of the body see exempt items and full minutes; for a governance body so do the administrators who clerk
    it. Everyone else who may see the meeting gets the public minutes."""
    if is_member(user, meeting.body):
        return True
    return not meeting.body.is_case_panel and user.has_perm("meetings.manage_meetings") and user.has_role("administrator")


def may_run(user, body: Body) -> bool:
    """Who may change a body's meetings: chairs and members who run meetings; for a case panel, members with a case role."""
    if not user.has_perm("meetings.manage_meetings"):
        return False
    if body.is_case_panel:
        return is_member(user, body) and bool(user.role_codes & PARTNERSHIP_CASE_ROLES)
    return is_member(user, body) or user.has_role("administrator")


@dataclass
class Quorum:
    required: int
    present_voting: int
    missing_partners: list[str]

    @property
    def quorate(self) -> bool:
        return self.present_voting >= self.required and not self.missing_partners


STATUTORY_PARTNERS = {"social_care": "the local authority", "police": "the police", "health": "health"}


def quorum(meeting: Meeting) -> Quorum:
    """Whether enough voting members (and, where the body requires it, each statutory partner) are present."""
    present = list(meeting.attendance.filter(status__in=[Attendance.Status.PRESENT, Attendance.Status.SUBSTITUTE])
                   .select_related("membership", "agency"))
    voting = [a for a in present if (a.membership is None or a.membership.voting) or a.status == Attendance.Status.SUBSTITUTE]
    missing = []
    if meeting.body.quorum_needs_statutory_partners:
        types = {a.agency.type for a in present if a.agency_id}
        missing = [label for code, label in STATUTORY_PARTNERS.items() if code not in types]
    return Quorum(meeting.body.quorum, len(voting), missing)


@dataclass
class MeetingView:
    meeting: Meeting
    full: bool  # exempt content and full minutes shown
    items: list[AgendaItem]
    present: list[Attendance]
    apologies: list[Attendance]
    others: list[Attendance]
    declarations: list
    matters_arising: list[MattersArising]
    members: list[Membership]
    quorum: Quorum
    previous: Meeting | None
    next: Meeting | None
    can_run: bool
    cases: list[PanelCase] = field(default_factory=list)
    unplaced_actions: list[Action] = field(default_factory=list)  # agreed at the meeting but not under any item


def meeting_view(user, meeting: Meeting) -> MeetingView:
    full = may_see_full_minutes(user, meeting)
    actions = Action.objects.visible_to(user).select_related("owner_agency", "owner_user")
    items = list(meeting.items.prefetch_related("decisions", "papers", Prefetch("actions", queryset=actions)))
    attendance = list(meeting.attendance.select_related("agency", "membership", "for_item", "substitute_for"))
    siblings = Meeting.objects.filter(body=meeting.body).exclude(pk=meeting.pk)
    cases = []
    if meeting.body.is_case_panel:
        cases = list(PanelCase.objects.visible_to(user).filter(meeting=meeting).select_related("child", "person", "item"))
    return MeetingView(
        meeting=meeting,
        full=full,
        items=items,
        present=[a for a in attendance if a.status == Attendance.Status.PRESENT],
        apologies=[a for a in attendance if a.status == Attendance.Status.APOLOGIES],
        others=[a for a in attendance if a.status not in (Attendance.Status.PRESENT, Attendance.Status.APOLOGIES)],
        declarations=list(meeting.declarations.select_related("item")),
        matters_arising=list(meeting.matters_arising.filter(action__in=Action.objects.visible_to(user))
                             .select_related("action__meeting", "action__owner_agency")),
        members=list(members_of(meeting.body, meeting.date)),
        quorum=quorum(meeting),
        previous=siblings.filter(date__lt=meeting.date).order_by("-date").first(),
        next=siblings.filter(date__gt=meeting.date).order_by("date").first(),
        can_run=may_run(user, meeting.body),
        cases=cases,
        unplaced_actions=list(actions.filter(meeting=meeting, item__isnull=True).order_by("pk")),
    )


def action_log(user, body: Body) -> QuerySet[Action]:
    return (Action.objects.visible_to(user).filter(meeting__body=body)
            .select_related("meeting", "owner_agency", "owner_user", "child", "person").prefetch_related("history"))


def my_actions(user) -> QuerySet[Action]:
    """Open actions the user owns, soonest due first (their dashboard panel)."""
    return (Action.objects.filter(owner_user_id=user.pk).open()
            .select_related("meeting__body", "owner_agency").order_by("due_on", "pk"))


def overdue_for_chair(user, today: dt.date) -> QuerySet[Action]:
    """Open actions past their due date in the bodies the user chairs (or vice-chairs)."""
    chaired = Membership.objects.filter(user_id=user.pk, role__in=[Membership.Role.CHAIR, Membership.Role.VICE_CHAIR])
    return (Action.objects.visible_to(user).overdue(today).filter(meeting__body__in=chaired.values("body_id"))
            .select_related("meeting__body", "owner_agency", "owner_user").order_by("due_on", "pk"))


# ---------------------------------------------------------------------------------------------------------------------
# Case panels


@dataclass
class Flag:
    source: str
    reason: str
    flagged_at: dt.datetime
    caveat: str = Caveat.PARTNERSHIP
    child: Child | None = None
    person: Person | None = None
    place: str = ""

    @property
    def key(self) -> tuple:
        return ("child", self.child.pk) if self.child else ("person", self.person.pk) if self.person else ("place", self.place)


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _stricter(a: str, b: str) -> str:
    return max(a, b, key=lambda c: CAVEAT_STRICTNESS.index(c) if c in CAVEAT_STRICTNESS else 0)


def flagged_subjects(user, since: dt.datetime) -> list[Flag]:
    """Children, people and places flagged for a case panel since `since` that the user may see, oldest flag first, one
    row per subject with every reason it was flagged."""
    flags: dict[tuple, Flag] = {}

    def add(flag: Flag) -> None:
        existing = flags.get(flag.key)
        if existing is None:
            flags[flag.key] = flag
            return
        if flag.reason and flag.reason not in existing.reason:
            existing.reason = f"{existing.reason}; {flag.reason}" if existing.reason else flag.reason
        existing.flagged_at = min(existing.flagged_at, flag.flagged_at)
        existing.caveat = _stricter(existing.caveat, flag.caveat)

    risk = _optional("safehub.risk.selectors")
    if risk is not None and hasattr(risk, "children_flagged_for_panel"):
        for row in risk.children_flagged_for_panel(user, since):
            add(Flag(PanelCase.Source.RISK_FLAG, f"{row.tool_name}: {row.level_label}", row.flagged_at,
                     getattr(row.assessment, "caveat", Caveat.PARTNERSHIP), child=row.child))
    events = (Event.objects.visible_to(user).filter(type__in=FLAG_EVENT_TYPES, occurred_at__gte=since)
              .select_related("child", "person").order_by("occurred_at", "pk"))
    for event in events:
        add(Flag(FLAG_EVENT_TYPES[event.type], event.title, event.occurred_at, event.caveat, child=event.child,
                 person=event.person))
    network = _optional("safehub.network.selectors")
    hotspots = getattr(network, "hotspots", None) if network is not None else None
    if callable(hotspots):
        try:
            for place in hotspots(user, since=since):
                name = getattr(place, "name", None) or str(place)
                add(Flag(PanelCase.Source.NETWORK_LINK, "Hotspot in the network", since, place=name[:200]))
        except (TypeError, AttributeError, ValueError):  # a network selector with another shape: flags from events only
            pass
    return sorted(flags.values(), key=lambda f: (f.flagged_at, f.key[0], str(f.key[1])))


@dataclass
class PackCase:
    case: PanelCase
    recent_events: list[Event]
    actions: list[Action]


def panel_pack(user, meeting: Meeting) -> list[PackCase]:
    """Each case of the panel the user may see, with the recent timeline they may see and the actions agreed."""
    cases = PanelCase.objects.visible_to(user).filter(meeting=meeting).select_related("child", "person", "item", "agency")
    visible_events = Event.objects.visible_to(user).select_related("agency")
    pack = []
    for case in cases:
        events: list[Event] = []
        if case.child_id:
            events = list(visible_events.filter(child_id=case.child_id).order_by("-occurred_at", "-pk")[:8])
        elif case.person_id:
            events = list(visible_events.filter(person_id=case.person_id).order_by("-occurred_at", "-pk")[:8])
        actions = list(Action.objects.visible_to(user).filter(panel_case=case).select_related("owner_agency"))
        pack.append(PackCase(case, events, actions))
    return pack
