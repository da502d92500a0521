"""The front door: contacts and MASH decisions, agency checks, strategy discussions and s47 enquiries, assessments, plans
and tasks.

Every model that holds personal data has a queryset with `visible_to(user)` built on `Child.objects.visible_to(user)`;
items that carry an owning agency and a caveat (agency check responses) also pass `people.models._caveat_filter`.
Rows change only through `safehub.intake.services`, which audit and write the child's events.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.caveats import Caveat
from safehub.core.models import Agency, Team
from safehub.core.roles import PARTNERSHIP_CASE_ROLES, Role
from safehub.people.models import Child, _caveat_filter, _user_roles, visible_subject

from . import concerns as concern_codes
from .deadlines import Rag, rag


class Urgency(models.TextChoices):
    NORMAL = "normal", "Normal"
    URGENT = "urgent", "Urgent"


# ---------------------------------------------------------------------------------------------------------------------
# Contacts and MASH decisions


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> ContactQuerySet:
        """MASH practitioners see contacts on children they may see, and contacts not yet about a known child (an unborn
        baby, a sibling group); panel chairs and missing coordinators see contacts on children they may see, subject to
        the contact's caveat. Agency contributors see none: they see the check requests sent to their agency instead.
        """
        roles = _user_roles(user)
        if not roles & PARTNERSHIP_CASE_ROLES:
            return self.none()
        about_visible_child = visible_subject(user)
        if Role.MASH_PRACTITIONER in roles:
            about_visible_child |= Q(child__isnull=True)
        return self.filter(about_visible_child).filter(_caveat_filter(user, roles, "recording_agency_id", "caveat"))

    def awaiting_decision(self) -> ContactQuerySet:
        return self.filter(decision__isnull=True)


class Contact(models.Model):
    """Information about a child received at the front door, from any agency or the public."""

    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given to share"
        NOT_SOUGHT = "not_sought", "Shared without consent: consent not sought"
        REFUSED = "refused", "Shared without consent: consent refused"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts")
    subject_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who the contact is about when the child is not in safehub yet, e.g. an unborn baby or a sibling group.",
    )
    reporter_name = models.CharField(max_length=200)
    reporter_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reporter_relationship = models.CharField(
        max_length=200, blank=True, help_text="Role, or relationship to the child for a member of the public."
    )
    received_at = models.DateTimeField()
    concerns = models.JSONField(default=list, help_text="CIN census factor codes, e.g. ['3A', '11A'].")
    consent = models.CharField(max_length=12, choices=Consent.choices)
    without_consent_reason = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    summary = models.TextField()
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    decision_due = models.DateTimeField(db_index=True)
    recording_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["received_at"], name="contact_received")]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False) | ~Q(subject_description=""), name="contact_has_a_subject"
            )
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk} received {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}"

    @property
    def subject_label(self) -> str:
        return self.child.full_name if self.child_id else self.subject_description

    @property
    def reporter_label(self) -> str:
        where = self.reporter_agency.name if self.reporter_agency_id else self.reporter_relationship
        return f"{self.reporter_name} ({where})" if where else self.reporter_name

    def concern_labels(self) -> list[str]:
        return [concern_codes.label(code) for code in self.concerns]

    def rag(self, now: dt.datetime) -> Rag | None:
        """The decision clock's colour while no decision has been made (None once decided)."""
        if hasattr(self, "decision"):
            return None
        return rag(self.decision_due, now)


class MashDecision(models.Model):
    """What the MASH decided to do about a contact, and why."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        INFORMATION_AND_ADVICE = "advice", "Information and advice"
        EARLY_HELP = "early_help", "Early help"
        SECTION_17 = "s17", "Section 17 assessment (child in need)"
        SECTION_47 = "s47", "Section 47 strategy discussion"
        MACE = "mace", "Refer to MACE (multi-agency child exploitation panel)"
        TRANSFER = "transfer", "Transfer to another local authority"

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.TextField()
    transfer_to = models.CharField(max_length=200, blank=True, help_text="The receiving authority, for a transfer.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on contact {self.contact_id}"

    @property
    def on_time(self) -> bool:
        return self.decided_at <= self.contact.decision_due


# ---------------------------------------------------------------------------------------------------------------------
# Agency checks


class AgencyCheckRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgencyCheckRequestQuerySet:
        """MASH practitioners see the checks on contacts they may see; an agency contributor sees the checks sent to
        their own agency, whoever the child is (the request carries only the name and date of birth the MASH chose to
        send, which is what the agency needs to search its own system); nobody else sees any.
        """
        roles = _user_roles(user)
        if Role.MASH_PRACTITIONER in roles:
            return self.filter(contact__in=Contact.objects.visible_to(user).values("pk"))
        if Role.AGENCY_CONTRIBUTOR in roles and user.agency_id:
            return self.filter(agency_id=user.agency_id)
        return self.none()

    def open(self) -> AgencyCheckRequestQuerySet:
        return self.filter(response__isnull=True)

    def overdue(self, now: dt.datetime) -> AgencyCheckRequestQuerySet:
        return self.open().filter(deadline__lt=now)


class AgencyCheckRequest(models.Model):
    """A MASH question to one agency about the child in a contact, with a deadline from the agency_check timescale."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting"
        ANSWERED = "answered", "Answered"
        OVERDUE = "overdue", "Overdue"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="check_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="check_requests")
    question = models.TextField()
    # Copied when the request is sent, so the agency can identify the child without seeing the MASH's record of them.
    subject_name = models.CharField(max_length=200)
    subject_dob = models.DateField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField(db_index=True)

    objects = AgencyCheckRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [models.UniqueConstraint(fields=["contact", "agency"], name="one_check_per_agency_per_contact")]

    def __str__(self) -> str:
        return f"Check {self.reference} to {self.agency}"

    @property
    def reference(self) -> str:
        return f"C{self.contact_id:06d}-{self.pk}"

    def status(self, now: dt.datetime) -> str:
        if hasattr(self, "response"):
            return self.Status.ANSWERED
        return self.Status.OVERDUE if now > self.deadline else self.Status.OPEN

    def status_label(self, now: dt.datetime) -> str:
        return self.Status(self.status(now)).label


class AgencyCheckResponseQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgencyCheckResponseQuerySet:
        """Answers to checks the user may see, filtered by the answer's caveat: the responding agency always; MASH
        practitioners unless the agency marked it "owning agency only".
        """
        roles = _user_roles(user)
        if not roles & {Role.MASH_PRACTITIONER, Role.AGENCY_CONTRIBUTOR}:
            return self.none()
        if Role.MASH_PRACTITIONER not in roles:
            roles = frozenset({Role.AGENCY_CONTRIBUTOR})
        requests = AgencyCheckRequest.objects.visible_to(user).values("pk")
        return self.filter(request__in=requests).filter(_caveat_filter(user, roles, "agency_id", "caveat"))


class AgencyCheckResponse(models.Model):
    """An agency's answer to a check, carrying its own caveat (who may read it) into the child's chronology."""

    request = models.OneToOneField(AgencyCheckRequest, on_delete=models.PROTECT, related_name="response")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    known = models.BooleanField(help_text="Whether the agency holds information about the child.")
    text = models.TextField()
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField()

    objects = AgencyCheckResponseQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Answer to check {self.request_id}"

    @property
    def on_time(self) -> bool:
        return self.answered_at <= self.request.deadline


# ---------------------------------------------------------------------------------------------------------------------
# Strategy discussions, s47 enquiries and assessments


class ChildWorkQuerySet(models.QuerySet):
    """Work about one child (discussions, enquiries, assessments, plans): partnership case roles, for children they see."""

    def visible_to(self, user):
        roles = _user_roles(user)
        if not roles & PARTNERSHIP_CASE_ROLES:
            return self.none()
        return self.filter(visible_subject(user))


class StrategyDiscussionQuerySet(models.QuerySet):
    def visible_to(self, user) -> StrategyDiscussionQuerySet:
        roles = _user_roles(user)
        if not roles & PARTNERSHIP_CASE_ROLES:
            return self.none()
        about_visible_child = visible_subject(user)
        if Role.MASH_PRACTITIONER in roles:
            about_visible_child |= Q(child__isnull=True, contact__in=Contact.objects.visible_to(user).values("pk"))
        return self.filter(about_visible_child)


class StrategyDiscussion(models.Model):
    """A strategy discussion (Working Together 2023): who took part by discipline, what was decided, and by when an
    initial child protection conference must be held if the enquiry goes on to one.
    """

    class Decision(models.TextChoices):
        SECTION_47 = "s47", "Start a section 47 enquiry"
        SECTION_17 = "s17", "No section 47: section 17 assessment"
        NO_FURTHER_ACTION = "nfa", "No further action"

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="strategy_discussions"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="strategy_discussions")
    held_at = models.DateTimeField()
    decision = models.CharField(max_length=5, choices=Decision.choices)
    notes = models.TextField(blank=True)
    icpc_due = models.DateField(help_text="The icpc timescale from the date of the discussion.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StrategyDiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"Strategy discussion {self.held_at:%Y-%m-%d}"

    def missing_disciplines(self) -> list[str]:
        """Labels of the four disciplines (social work, police, health, education) that did not take part, in that order
        (a discussion recorded without a row for a discipline counts it as missing). Uses prefetched attendance.
        """
        present = {a.discipline for a in self.attendance.all() if a.present}
        return [d.label for d in Discipline if d.value not in present]


class Discipline(models.TextChoices):
    SOCIAL_WORK = "social_work", "Social work"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"


class StrategyAttendance(models.Model):
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendance")
    discipline = models.CharField(max_length=15, choices=Discipline.choices)
    present = models.BooleanField()
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "discipline"], name="one_attendance_per_discipline"),
            models.CheckConstraint(condition=Q(present=False) | ~Q(name=""), name="present_attendee_is_named"),
        ]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()}: {self.name if self.present else 'absent'}"


class Enquiry(models.Model):
    """A section 47 enquiry, led by a lead child protection practitioner."""

    strategy_discussion = models.OneToOneField(StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiry")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="enquiries")
    lead_practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    icpc_due = models.DateField()
    outcome = models.TextField(blank=True)
    concluded_on = models.DateField(null=True, blank=True)

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"Section 47 enquiry started {self.started_on}"


class Assessment(models.Model):
    """A child and family assessment, started at referral and due by the assessment timescale (45 working days)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments")
    started_on = models.DateField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Assessment started {self.started_on}, due {self.due_on}"


# ---------------------------------------------------------------------------------------------------------------------
# Plans and tasks


class Plan(models.Model):
    """A plan for a child, and the lead practitioner who holds it."""

    class Type(models.TextChoices):
        CHILD_IN_NEED = "cin", "Child in need plan"
        CHILD_PROTECTION = "cp", "Child protection plan"
        LOOKED_AFTER = "cla", "Care plan (looked-after child)"
        EARLY_HELP = "early_help", "Early help plan"
        MULTI_AGENCY = "multi_agency", "Multi-agency plan"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    type = models.CharField(max_length=15, choices=Type.choices)
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} from {self.start_on}"

    def is_open_on(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)


class PlanItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanItemQuerySet:
        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))


class PlanItem(models.Model):
    """One action on a plan: what, who (name and agency), by when, and where it came from (e.g. a panel decision)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    text = models.TextField()
    owner_name = models.CharField(max_length=200, blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=200, blank=True, help_text="e.g. MACE panel 2026-03-01 action A3")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> TaskQuerySet:
        """Tasks assigned to the user or one of their teams; and their agency's tasks about children they may see (or
        about no child: a check request task names only its reference).
        """
        roles = _user_roles(user)
        if not roles & (PARTNERSHIP_CASE_ROLES | {Role.AGENCY_CONTRIBUTOR}):
            return self.none()
        mine = Q(assigned_to=user.pk) | Q(team__in=user.teams.values("pk"))
        agency = (
            Q(agency_id=user.agency_id) & (Q(child__isnull=True) | visible_subject(user))
            if user.agency_id
            else Q(pk__in=[])
        )
        return self.filter(mine | agency)

    def open(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=True)


class Task(models.Model):
    """Something a worker, team or agency must do by a time. Titles never name the child: they travel into calendars."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField(db_index=True)
    all_day = models.BooleanField(default=False, help_text="Due on a date rather than at a time.")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    source = models.CharField(max_length=200, blank=True)
    detail_type = models.CharField(max_length=60, blank=True)
    detail_id = models.CharField(max_length=64, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["detail_type", "detail_id"], name="task_detail")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.done_at is None and now > self.due_at



# ---------------------------------------------------------------------------------------------------------------------
# The 2026 Act workflows at the front door: family group decision-making before care proceedings, home education during
# child protection, National Referral Mechanism referrals, and CP-IS unscheduled-care notifications.


class CareProceedings(models.Model):
    """Care proceedings for a child, from the decision to consider them to their issue. Proceedings cannot be recorded as
    issued until family group decision-making was offered, or an exception was recorded with the manager who agreed it.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_proceedings")
    considered_on = models.DateField(help_text="The day the local authority decided to consider care proceedings.")
    fgdm_offer_due = models.DateField(help_text="The fgdm_offer timescale from the decision to consider proceedings.")
    issued_on = models.DateField(null=True, blank=True)
    court_reference = models.CharField(max_length=60, blank=True)
    fgdm_exception_reason = models.TextField(blank=True)
    fgdm_exception_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "care proceedings"
        ordering = ["-considered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fgdm_exception_reason="") | Q(fgdm_exception_manager__isnull=False),
                name="fgdm_exception_names_a_manager",
            )
        ]

    def __str__(self) -> str:
        return f"Care proceedings considered {self.considered_on}"

    @property
    def reference(self) -> str:
        return f"P{self.pk:05d}"

    @property
    def has_fgdm_exception(self) -> bool:
        return bool(self.fgdm_exception_reason)


class FgdmOffer(models.Model):
    """The offer of a family group decision-making meeting before care proceedings: when it was offered, the family's
    answer, the meeting, and the family plan it produced.
    """

    class Response(models.TextChoices):
        AWAITING = "awaiting", "Awaiting the family's answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    proceedings = models.OneToOneField(CareProceedings, on_delete=models.PROTECT, related_name="fgdm_offer")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="fgdm_offers")
    offered_on = models.DateField()
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.AWAITING)
    responded_on = models.DateField(null=True, blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    family_plan = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ChildWorkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"FGDM offered {self.offered_on}: {self.get_response_display()}"

    @property
    def on_time(self) -> bool:
        return self.offered_on <= self.proceedings.fgdm_offer_due


class HomeEducationNotice(models.Model):
    """A school's notice that a child was taken off its roll to be educated at home. For a child subject to a section 47
    enquiry or on a child protection plan, home education needs the council's consent: the notice raises an alert and a
    consent-decision task.
    """

    class Consent(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed (no enquiry or child protection plan)"
        AWAITING = "awaiting", "Awaiting the council's decision"
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="home_education_notices")
    school = models.CharField(max_length=200)
    removed_on = models.DateField(help_text="The day the child came off the school roll.")
    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consent = models.CharField(max_length=10, choices=Consent.choices)
    consent_due = models.DateField(null=True, blank=True)
    consent_decided_on = models.DateField(null=True, blank=True)
    consent_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-removed_on", "-pk"]

    def __str__(self) -> str:
        return f"Off the roll of {self.school} on {self.removed_on}"

    @property
    def alert(self) -> bool:
        return self.consent != self.Consent.NOT_NEEDED


class NrmReferral(models.Model):
    """A National Referral Mechanism referral for a child who may be a victim of modern slavery (children need no consent).

    Clocks: the reasonable grounds decision is due `nrm_reasonable_grounds` (5 working days) after the referral; the
    conclusive grounds decision may not be made before `nrm_conclusive_min` (30 calendar days) after a positive
    reasonable grounds decision (the earliest day is the 30th day after it: decided on 2 March, not before 1 April).
    """

    class Decision(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"

    class DecisionMaker(models.TextChoices):
        DDM_PANEL = "ddm_panel", "Devolved Decision-Making pilot panel"
        HOME_OFFICE = "home_office", "Home Office (Single Competent Authority)"

    class Exploitation(models.TextChoices):
        CRIMINAL = "criminal", "Criminal exploitation"
        SEXUAL = "sexual", "Sexual exploitation"
        LABOUR = "labour", "Labour exploitation"
        DOMESTIC_SERVITUDE = "domestic_servitude", "Domestic servitude"
        OTHER = "other", "Other or not known"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="nrm_referrals")
    referred_on = models.DateField()
    first_responder_organisation = models.CharField(max_length=200)
    first_responder_name = models.CharField(max_length=200)
    exploitation = models.CharField(max_length=20, choices=Exploitation.choices, default=Exploitation.OTHER)
    reasonable_grounds_due = models.DateField()
    reasonable_grounds = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    reasonable_grounds_by = models.CharField(max_length=12, choices=DecisionMaker.choices, blank=True)
    conclusive_grounds_earliest = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    conclusive_grounds_by = models.CharField(max_length=12, choices=DecisionMaker.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"NRM referral {self.referred_on}"

    @property
    def reference(self) -> str:
        return f"N{self.pk:05d}"


class UnscheduledCareNotification(models.Model):
    """One CP-IS style notification that a child on a child protection plan or looked after attended unscheduled care
    (an emergency department, urgent treatment centre...). Imported once (the key is the notification's content), each
    becomes a contact at the front door.
    """

    key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of NHS number, attended at, setting and site.")
    nhs_number = models.CharField(max_length=10)
    attended_at = models.DateTimeField()
    setting = models.CharField(max_length=40)
    site = models.CharField(max_length=200)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="unscheduled_care")
    file = models.CharField(max_length=200)
    row = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    objects = ChildWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-attended_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.setting} attendance {self.attended_at:%Y-%m-%d %H:%M}"
