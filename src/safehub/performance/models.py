"""The performance framework's own tables. Indicator *definitions* are data in `indicators/*.yaml`; what analysts change
about them (target and tolerance, comparators, commentary) and the population base live here, so a fresh database still
has every indicator with its default target (see `safehub.performance.indicators`).

The standards self-assessment (`StandardSet`, `Standard`, `AssessmentRound`, `StandardRating`) is generic: a partnership
standards round here, a section 11 audit in the assurance app later — same models, same services.

Nothing in this app holds personal data: values are aggregates, ratings are about agencies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safehub.core.models import Agency


class PopulationBase(models.Model):
    """The 0–17 mid-year population estimate used for rates per 10,000 children, one row per year."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The mid-year (30 June) the estimate is for.")
    children = models.PositiveIntegerField(help_text="Children aged 0 to 17.")
    source = models.CharField(max_length=300, blank=True, help_text="e.g. ONS mid-year population estimates 2023")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.children:,} children aged 0-17"


class Target(models.Model):
    """The partnership's target for an indicator, overriding the default in the YAML, with a tolerance band for amber."""

    indicator = models.SlugField(max_length=60, unique=True)
    target = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(default=0, help_text="How far on the wrong side of the target still counts as amber.")
    reason = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target} ± {self.tolerance}"


class Comparator(models.Model):
    """A published figure to compare with (England, region, statistical neighbours), entered by an analyst with its
    source and year; overrides the default of the same kind in the YAML."""

    class Kind(models.TextChoices):
        ENGLAND = "england", "England"
        REGION = "region", "Region"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"

    indicator = models.SlugField(max_length=60)
    kind = models.CharField(max_length=25, choices=Kind.choices)
    value = models.FloatField()
    year = models.CharField(max_length=20, help_text="e.g. 2023-24")
    source = models.CharField(max_length=300)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "kind"], name="one_comparator_per_kind")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.kind}: {self.value} ({self.year})"


class Commentary(models.Model):
    """An analyst's commentary on one indicator for one period: what the board should read into the number."""

    indicator = models.SlugField(max_length=60)
    period = models.CharField(max_length=20, help_text="The period key, e.g. 2026-03, 2026-Q1, 2025-26, R12-2026-03.")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "commentaries"
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="one_commentary_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}"


# ---------------------------------------------------------------------------------------------------------------------
# Standards self-assessment (reused by the assurance app for section 11 audits)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class StandardSet(models.Model):
    """A family of standards agencies assess themselves against, e.g. the partnership's safeguarding standards or the
    section 11 audit tool."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, default="partnership", help_text="partnership, section11, thematic…")
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="standards")
    number = models.CharField(max_length=10, help_text="As printed, e.g. 7 or 3.2.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["standard_set", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["standard_set", "number"], name="standard_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class AssessmentRound(models.Model):
    """One round of self-assessment against a standard set: which agencies take part and by when."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for ratings"
        CLOSED = "closed", "Closed"

    standard_set = models.ForeignKey(StandardSet, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    opens_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    agencies = models.ManyToManyField(Agency, related_name="assessment_rounds")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    def previous(self) -> AssessmentRound | None:
        return (
            AssessmentRound.objects.filter(standard_set=self.standard_set, opens_on__lt=self.opens_on)
            .order_by("-opens_on", "-pk")
            .first()
        )


class StandardRating(models.Model):
    """An agency's own rating of one standard in one round, with the evidence and what it will do about it."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="ratings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="ratings")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="standard_ratings")
    rag = models.CharField(max_length=5, choices=Rag.choices)
    evidence = models.TextField()
    action_plan = models.TextField(blank=True)
    action_due_on = models.DateField(null=True, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "agency__name", "standard__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "standard", "agency"], name="one_rating_per_agency_standard")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.standard.number}: {self.rag}"


class EventDayCount(models.Model):
    """How many events of a type an agency recorded on a local (Europe/London) day: the scorecard reads these instead of
    counting a million event rows. Folded in from the event table by `safehub.performance.event_counts`; events newer
    than the fold are counted live, so the scorecard is always exact."""

    type = models.CharField(max_length=40)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "agency", "day"], name="event_day_count_unique")]
        indexes = [models.Index(fields=["type", "day"], name="event_day_count_type_day")]

    def __str__(self) -> str:
        return f"{self.type} {self.agency_id} {self.day}: {self.n}"


class EventCountMark(models.Model):
    """One row: every event with id <= `folded_to` is in `EventDayCount`."""

    folded_to = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"events folded to id {self.folded_to}"
