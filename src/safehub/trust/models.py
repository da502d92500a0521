"""Records the trust controls keep: sign-out-everywhere versions, break-glass grants, retention rules and what they did,
and subject access requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.roles import Role
from safehub.people.models import Child, Person, visible_subject


class SessionVersion(models.Model):
    """A per-user counter: "sign out everywhere" increments it, and sessions signed in under an older value end."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"session version {self.version} of user {self.user_id}"


class BreakGlassQuerySet(models.QuerySet):
    def visible_to(self, user) -> BreakGlassQuerySet:
        """Administrators (the data protection role) see every use; anyone else sees only their own grants."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.has_role(Role.ADMINISTRATOR):
            return self
        return self.filter(user=user)

    def active(self, now) -> BreakGlassQuerySet:
        return self.filter(granted_at__lte=now, expires_at__gt=now)

    def unreviewed(self) -> BreakGlassQuerySet:
        return self.filter(reviewed_at__isnull=True)


class BreakGlassGrant(models.Model):
    """Time-limited access to one child's record outside the user's usual scope, given with a reason and reviewed by the
    data protection role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]

    def __str__(self) -> str:
        return f"Break-glass by user {self.user_id} on child {self.child_id} at {self.granted_at:%Y-%m-%d %H:%M}"


class RetentionRule(models.Model):
    """How long one type of record is kept before it is anonymised. Defaults live in `safehub.trust.retention.DEFAULTS`;
    a row here overrides the default for its record type."""

    class RecordType(models.TextChoices):
        CHILD_RECORD = "child_record", "Children's social care record"
        CONTACT_NFA = "contact_nfa", "Contact with no further action"

    class Anchor(models.TextChoices):
        DATE_OF_BIRTH = "date_of_birth", "Date of birth"
        RECEIVED = "received", "Date received"

    record_type = models.CharField(max_length=30, choices=RecordType.choices, unique=True)
    years = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=20, choices=Anchor.choices)
    source = models.CharField(max_length=200, blank=True, help_text="Where the period comes from, e.g. a retention schedule.")

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years from {self.get_anchor_display().lower()}"


class AnonymisedRecord(models.Model):
    """One record the retention run anonymised (so a second run leaves it alone), without any of its personal data."""

    record_type = models.CharField(max_length=30, choices=RetentionRule.RecordType.choices)
    object_id = models.CharField(max_length=64)
    anonymised_at = models.DateTimeField()
    rule = models.CharField(max_length=200, help_text="The rule as applied, e.g. '25 years from date of birth'.")

    class Meta:
        ordering = ["-anonymised_at"]
        constraints = [models.UniqueConstraint(fields=["record_type", "object_id"], name="anonymised_once")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.object_id} anonymised {self.anonymised_at:%Y-%m-%d}"


class SubjectAccessRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> SubjectAccessRequestQuerySet:
        """Administrators (the data protection role) see every request; MASH practitioners see requests about children and
        people visible to them; nobody else sees any."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.has_role(Role.ADMINISTRATOR):
            return self
        if user.has_role(Role.MASH_PRACTITIONER):
            return self.filter(
                visible_subject(user) | visible_subject(user, "person")
            )
        return self.none()


class SubjectAccessRequest(models.Model):
    """A request under UK GDPR Article 15 for everything held about a child or person, due one calendar month after receipt."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requester = models.CharField(max_length=200, help_text="Who asked: the subject, or someone acting for them.")
    received = models.DateField()
    due = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False, person__isnull=True) | Q(child__isnull=True, person__isnull=False),
                name="sar_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.reference}"

    @property
    def reference(self) -> str:
        return f"SAR{self.pk:05d}"

    @property
    def subject(self):
        return self.child or self.person


class InspectorAccessQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectorAccessQuerySet:
        """Administrators see every inspector account; an inspector sees their own; nobody else any."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.has_role(Role.ADMINISTRATOR):
            return self
        return self.filter(user=user)

    def current(self, now) -> InspectorAccessQuerySet:
        return self.filter(starts_at__lte=now, expires_at__gt=now)


class InspectorAccess(models.Model):
    """A time-limited, read-only inspector login (e.g. for an Ofsted JTAI or ILACS visit). While it lasts the user reads
    children's records as a MASH practitioner does; they can change nothing, and every request they make is audited
    (`safehub.trust.inspection`). After `expires_at` they cannot sign in and their sessions end."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspector_access")
    organisation = models.CharField(max_length=200, help_text="Who the inspector works for, e.g. Ofsted.")
    purpose = models.CharField(max_length=200, help_text="What the inspection is, e.g. JTAI on exploitation.")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Who ended the access early, if anyone.",
    )

    objects = InspectorAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-expires_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("starts_at")), name="inspector_access_expires_after_start")
        ]

    def __str__(self) -> str:
        return f"Inspector access of user {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_current(self, now) -> bool:
        return self.starts_at <= now < self.expires_at
