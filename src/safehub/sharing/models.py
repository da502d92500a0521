"""The share decision log: every decision to share, or not to share, information about a child — with whom, what, why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.caveats import LawfulBasis
from safehub.core.models import Agency
from safehub.core.roles import PARTNERSHIP_CASE_ROLES
from safehub.people.models import Child, visible_subject


class ShareDecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ShareDecisionQuerySet:
        """Partnership case roles see decisions on children they may see; contributors their own agency's decisions."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        children = visible_subject(user)
        if user.role_codes & PARTNERSHIP_CASE_ROLES:
            return self.filter(children)
        if user.agency_id:
            return self.filter(children, decided_by_agency_id=user.agency_id)
        return self.none()


class ShareDecision(models.Model):
    class Decision(models.TextChoices):
        SHARE = "share", "Shared"
        NOT_SHARE = "not_share", "Not shared"

    class Basis(models.TextChoices):
        DUTY_TO_SHARE = "duty_to_share", "Duty to share (Children's Wellbeing and Schools Act 2026)"
        SAFEGUARDING = "safeguarding", "Safeguarding a child at risk of significant harm"
        CONSENT = "consent", "With consent"
        COURT_ORDER = "court_order", "Court order"
        OTHER = "other", "Other (explain)"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="share_decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    shared_with = models.CharField(max_length=200, help_text="Agency, team or person the information went to (or not).")
    shared_with_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    information = models.TextField(help_text="What was shared, or asked for and withheld.")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    reason = models.TextField()
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="share_decisions")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ShareDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="share_decision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} with {self.shared_with} on {self.decided_at:%Y-%m-%d}"
