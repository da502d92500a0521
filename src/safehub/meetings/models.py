"""Boards, panels and their meetings: agendas, attendance, declarations, decisions, the action log and minutes versions.

A `Body` is a board, executive, subgroup, scrutiny panel or a MACE/MASE case panel. Governance bodies are visible to every
partnership role (their public minutes are public documents); a case panel, and everything about its cases, only to its
members. Exempt items (Schedule 12A to the Local Government Act 1972) show their title and category to everyone who may see
the meeting and their content only to the body's members.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q

from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.core.roles import PARTNERSHIP_CASE_ROLES, Role
from safehub.people.models import Child, Person, _caveat_filter, _user_roles, visible_subject

CASE_READING_ROLES = PARTNERSHIP_CASE_ROLES | {Role.AGENCY_CONTRIBUTOR}


def papers_storage() -> FileSystemStorage:
    """Meeting papers live under VAR_DIR, never under a public URL: the paper view checks access before sending one."""
    return FileSystemStorage(location=settings.VAR_DIR / "meeting-papers")


class ExemptCategory(models.TextChoices):
    """Schedule 12A, Part 1, Local Government Act 1972: descriptions of exempt information."""

    INDIVIDUAL = "1", "1 — Information relating to any individual"
    IDENTITY = "2", "2 — Information likely to reveal the identity of an individual"
    FINANCIAL = "3", "3 — Financial or business affairs of any particular person"
    LABOUR_RELATIONS = "4", "4 — Consultations or negotiations on labour relations"
    LEGAL_PRIVILEGE = "5", "5 — Legal professional privilege"
    NOTICES_ORDERS = "6", "6 — A proposed notice, order or direction"
    CRIME = "7", "7 — Prevention, investigation or prosecution of crime"


def category_label(codes: str) -> str:
    """'1,7' -> 'Schedule 12A paragraphs 1 and 7' (what the public minutes print for an exempt item)."""
    numbers = [c.strip() for c in codes.split(",") if c.strip()]
    if not numbers:
        return "Exempt information (Schedule 12A)"
    if len(numbers) == 1:
        return f"Schedule 12A paragraph {numbers[0]}"
    return f"Schedule 12A paragraphs {', '.join(numbers[:-1])} and {numbers[-1]}"


def _is_member_q(user, body_field: str = "") -> Q:
    prefix = f"{body_field}__" if body_field else ""
    return Q(**{f"{prefix}pk__in": Membership.objects.filter(user_id=user.pk).values("body_id")})


class BodyQuerySet(models.QuerySet):
    def visible_to(self, user) -> BodyQuerySet:
        """Governance bodies to anyone with a role; case panels to their members only."""
        if not _user_roles(user):
            return self.none()
        return self.filter(Q(kind__in=Body.GOVERNANCE_KINDS) | _is_member_q(user))


class Body(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Partnership board"
        EXECUTIVE = "executive", "Executive"
        SUBGROUP = "subgroup", "Subgroup"
        SCRUTINY = "scrutiny", "Scrutiny panel or committee"
        MACE = "mace", "MACE panel (multi-agency child exploitation)"
        MASE = "mase", "MASE panel (multi-agency sexual exploitation)"

    GOVERNANCE_KINDS = ("board", "executive", "subgroup", "scrutiny")
    CASE_PANEL_KINDS = ("mace", "mase")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subgroups")
    terms_of_reference = models.TextField(blank=True)
    quorum = models.PositiveSmallIntegerField(default=0, help_text="Voting members who must be present (0: no quorum rule).")
    quorum_needs_statutory_partners = models.BooleanField(
        default=False,
        help_text="The three safeguarding partners (local authority, police, health) must each be present.",
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_case_panel(self) -> bool:
        return self.kind in self.CASE_PANEL_KINDS


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        LAY_MEMBER = "lay_member", "Lay member"
        ADVISER = "adviser", "Adviser (non-voting)"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200, help_text="As printed in minutes; the user's name when there is a user.")
    initials = models.CharField(max_length=10, blank=True, help_text="As used in action tables, e.g. AF.")
    position = models.CharField(max_length=200, blank=True, help_text="Job title, e.g. Designated Nurse.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    deputy_for = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="deputies",
        help_text="This person may attend in place of that member.",
    )
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["body", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}, {self.body})"

    @property
    def voting(self) -> bool:
        return self.role != self.Role.ADVISER and self.deputy_for_id is None

    def current_on(self, day: dt.date) -> bool:
        return (self.start_on is None or self.start_on <= day) and (self.end_on is None or self.end_on >= day)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        return self.filter(body__in=Body.objects.visible_to(user).values("pk"))


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class MinutesStatus(models.TextChoices):
        NONE = "none", "Not started"
        DRAFT = "draft", "Draft"
        CIRCULATED = "circulated", "Circulated to members"
        APPROVED = "approved", "Approved"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes_status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.NONE)
    minutes_approved_at = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="approved_minutes_of",
        help_text="The meeting at which these minutes were approved.",
    )
    source_file = models.CharField(max_length=255, blank=True, help_text="The minutes file this meeting was imported from.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.body} — {self.date:%-d %B %Y}"

    @property
    def display_title(self) -> str:
        return self.title or f"{self.body.name}, {self.date:%-d %B %Y}"


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "Item of business"
        APOLOGIES = "apologies", "Apologies"
        DECLARATIONS = "declarations", "Declarations of interest"
        PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"
        MATTERS_ARISING = "matters_arising", "Matters arising and action log"
        ORDER_OF_BUSINESS = "order_of_business", "Change to the order of business"
        PANEL_CASE = "panel_case", "Case"
        ANY_OTHER_BUSINESS = "aob", "Any other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(max_length=20, blank=True, help_text='As printed: "23", "7a", "FEB14-03".')
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="What the agenda says about the item.")
    exempt = models.BooleanField(default=False)
    exempt_category = models.CharField(max_length=20, blank=True, help_text="Schedule 12A paragraph(s), e.g. '1,7'.")
    exempt_reason = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    forward_plan_item = models.ForeignKey(
        "ForwardPlanItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def category_label(self) -> str:
        return category_label(self.exempt_category)


class Paper(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="%Y/%m/", storage=papers_storage, max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"
        SUBSTITUTE = "substitute", "Substitute"
        FOR_ITEM = "for_item", "Attending for an item"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="Position or role as printed.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    substitute_for = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    for_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["meeting", "status", "name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_status_display()}"


class Declaration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations")
    name = models.CharField(max_length=200)
    interest = models.TextField()
    action_taken = models.CharField(max_length=200, blank=True, help_text="e.g. Left the room for the item.")

    def __str__(self) -> str:
        return f"{self.name}: {self.interest[:40]}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        NOTED = "noted", "Noted"
        NOT_AGREED = "not_agreed", "Not agreed"
        DEFERRED = "deferred", "Deferred"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(help_text="The RESOLVED text.")
    proposer = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.AGREED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PanelCaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> PanelCaseQuerySet:
        """Cases of panels the user sits on, about subjects the user may see, under the agency and caveat rules."""
        roles = _user_roles(user)
        if not roles & CASE_READING_ROLES:
            return self.none()
        if not roles & PARTNERSHIP_CASE_ROLES:
            roles = frozenset({Role.AGENCY_CONTRIBUTOR})
        subject = (
            visible_subject(user)
            | visible_subject(user, "person")
            | Q(child__isnull=True, person__isnull=True)
        )
        return self.filter(_is_member_q(user, "meeting__body")).filter(subject).filter(
            _caveat_filter(user, roles, "agency_id", "caveat")
        )


class PanelCase(models.Model):
    """A subject discussed at a MACE/MASE panel: a child, a person causing harm, or a place of concern."""

    class Source(models.TextChoices):
        RISK_FLAG = "risk.flag_mace", "Risk assessment flagged for the panel"
        MISSING_TRIGGER = "missing.trigger", "Missing-episode trigger"
        NETWORK_LINK = "network.link", "New link in the network"
        REFERRAL = "referral", "Referred to the panel"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="panel_cases")
    item = models.OneToOneField(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="panel_case")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    place = models.CharField(max_length=200, blank=True, help_text="A place of concern, e.g. a park or a takeaway.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.REFERRAL)
    reason = models.TextField(blank=True, help_text="Why the subject is on the agenda (the flags that brought it).")
    summary = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PanelCaseQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False, person__isnull=True, place="")
                | Q(child__isnull=True, person__isnull=False, place="")
                | (Q(child__isnull=True, person__isnull=True) & ~Q(place="")),
                name="panel_case_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Panel case {self.pk}"

    @property
    def subject_kind(self) -> str:
        return "child" if self.child_id else "person" if self.person_id else "place"

    @property
    def subject_label(self) -> str:
        if self.child_id:
            return self.child.full_name
        if self.person_id:
            return self.person.full_name
        return self.place


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActionQuerySet:
        """Actions of meetings the user may see (about subjects they may see), and every action they own."""
        if not _user_roles(user):
            return self.none()
        subject_ok = (Q(child__isnull=True) | visible_subject(user)) & (
            Q(person__isnull=True) | visible_subject(user, "person")
        )
        return self.filter(
            (Q(meeting__in=Meeting.objects.visible_to(user).values("pk")) & subject_ok) | Q(owner_user_id=user.pk)
        )

    def open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, today: dt.date) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today)


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        OVERDUE = "overdue", "Overdue"
        CARRIED_FORWARD = "carried_forward", "Carried forward"
        DROPPED = "dropped", "Dropped"

    class Kind(models.TextChoices):
        ACTION = "action", "Action"
        DISRUPTION = "disruption", "Disruption activity"

    OPEN_STATUSES = ("open", "overdue", "carried_forward")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    reference = models.CharField(max_length=30, blank=True, help_text="As printed in the action table, e.g. 7 or FEB14-03.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ACTION)
    details = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_actions"
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="Name or initials as printed, e.g. 'AF & EA'.")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    panel_case = models.ForeignKey(PanelCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    place = models.CharField(max_length=200, blank=True)
    plan_item_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The intake PlanItem it put on a plan.")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__date", "pk"]

    def __str__(self) -> str:
        return f"{self.reference or self.pk}: {self.details[:50]}"

    @property
    def owner_label(self) -> str:
        name = self.owner_name or (self.owner_user.get_full_name() if self.owner_user_id else "")
        return f"{name} ({self.owner_agency})" if self.owner_agency_id and name else name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def status_on(self, today: dt.date) -> str:
        """The status to show: an open action past its due date reads as overdue."""
        if self.status in (self.Status.OPEN, self.Status.CARRIED_FORWARD) and self.due_on and self.due_on < today:
            return self.Status.OVERDUE
        return self.status

    def status_label_on(self, today: dt.date) -> str:
        return self.Status(self.status_on(today)).label


class ActionStatusChange(models.Model):
    """The action's history: every status change, when, by whom and at which meeting."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=Action.Status.choices)
    note = models.TextField(blank=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["action", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_status} → {self.to_status}"


class MattersArising(models.Model):
    """An open action brought to a later meeting of the same body, reviewed there (the "matters arising" list)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="matters_arising")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reviews")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "action__meeting__date", "action__pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "action"], name="matters_arising_once")]

    def __str__(self) -> str:
        return f"{self.action} at {self.meeting}"


class ForwardPlanItem(models.Model):
    """Business a body means to take at a future meeting; pulled into the agenda when that meeting is created."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="forward_plan")
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True)
    due_by = models.DateField(help_text="Goes on the agenda of the first meeting created for this date or later.")
    notes = models.TextField(blank=True)
    exempt = models.BooleanField(default=False)
    exempt_category = models.CharField(max_length=20, blank=True)
    scheduled_for = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["body", "due_by", "pk"]

    def __str__(self) -> str:
        return self.title


class MinutesVersion(models.Model):
    """A frozen copy of a meeting's minutes at a step of the workflow: draft, circulated, approved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Meeting.MinutesStatus.choices)
    content = models.JSONField(help_text="Items, minutes, decisions and actions as they stood.")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_number_once")]

    def __str__(self) -> str:
        return f"Minutes v{self.number} ({self.status}) of {self.meeting}"


def members_of(body: Body, day: dt.date | None = None) -> models.QuerySet[Membership]:
    members = body.memberships.select_related("user", "agency")
    if day is not None:
        members = members.filter(Q(start_on__isnull=True) | Q(start_on__lte=day)).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=day)
        )
    return members


def is_member(user, body: Body) -> bool:
    return bool(getattr(user, "pk", None)) and body.memberships.filter(user_id=user.pk).exists()

