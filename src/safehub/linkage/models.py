"""Linkage runs, the trained model they used, and the pairs practitioners review.

The links themselves are `people.RecordLink` rows (one per source record); this app decides them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef

from safehub.core.roles import Role
from safehub.people.models import SourceRecord


class LinkageModel(models.Model):
    """A trained matching model (Splink settings with m and u values), versioned; the newest active one is used."""

    version = models.PositiveIntegerField(unique=True)
    trained_at = models.DateTimeField(auto_now_add=True)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    definition = models.JSONField(help_text="The trained model as saved by the linkage engine.")
    metrics = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Linkage model v{self.version}"


class LinkageRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, null=True, blank=True, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} ({self.status})"


class ReviewPairQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewPairQuerySet:
        """MASH practitioners review pairs whose two records they may both see."""
        if not getattr(user, "is_authenticated", False) or Role.MASH_PRACTITIONER not in user.role_codes:
            return self.none()
        visible = SourceRecord.objects.visible_to(user)
        return self.filter(
            Exists(visible.filter(pk=OuterRef("left_id"))), Exists(visible.filter(pk=OuterRef("right_id")))
        )


class ReviewPair(models.Model):
    """Two source records the model was unsure about, and what a practitioner decided.

    A decision is respected by every later run: a confirmed match is always linked, a confirmed non-match never is.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        MATCH = "match", "Same child (confirmed)"
        NON_MATCH = "non_match", "Different children (confirmed)"

    left = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    found_by = models.ForeignKey(LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_pairs")

    objects = ReviewPairQuerySet.as_manager()

    class Meta:
        ordering = ["-match_probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="review_pair_once"),
            models.CheckConstraint(condition=models.Q(left__lt=models.F("right")), name="review_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.match_probability:.2f}, {self.status})"
