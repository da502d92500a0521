"""Scored risk tools (data, versioned, frozen once used) and the assessments practitioners complete with them.

Who reads an assessment (decided for issue #5, see docs/risk-tools.md): the child must be visible to the user
(`Child.objects.visible_to`), and then the assessment's owning agency and caveat apply. Partnership roles follow the usual
caveat rules (`people.models._caveat_filter`); an agency contributor reads their own agency's assessments and those the
completing practitioner shared with the partnership (caveat "partnership") — a risk level is meant to be shared with the
agencies working with the child. Contributors from another agency see the result, not the answers (`answers_visible_to`).
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.core.roles import PARTNERSHIP_CASE_ROLES, Role
from safehub.people.models import Child, _caveat_filter, _user_roles, visible_subject

from .charts import tag_class
from .definition import ToolDefinition, validate_definition


class RiskToolQuerySet(models.QuerySet):
    def active(self) -> RiskToolQuerySet:
        return self.filter(status=RiskTool.Status.ACTIVE)

    def latest_versions(self) -> RiskToolQuerySet:
        newer = RiskTool.objects.filter(code=models.OuterRef("code"), version__gt=models.OuterRef("version"))
        return self.exclude(models.Exists(newer))


class RiskTool(models.Model):
    """One version of a scored tool. The definition is data (see `definition.py`); once an assessment uses a version it is
    frozen, and a changed definition is saved as the next version (`services.save_tool_definition`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "In use"
        RETIRED = "retired", "Retired"

    class Source(models.TextChoices):
        SHIPPED = "shipped", "Shipped with safehub"
        UPLOADED = "uploaded", "Uploaded by an administrator"

    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOADED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(null=True, blank=True, help_text="When an assessment first used this version.")

    objects = RiskToolQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="risk_tool_version_once")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = RiskTool.objects.filter(pk=self.pk).values("definition", "frozen_at").first()
            if stored and stored["frozen_at"] is not None and stored["definition"] != self.definition:
                raise PermissionError("This tool version has been used and cannot change; save a new version instead.")
        self.__dict__.pop("parsed", None)
        super().save(*args, **kwargs)

    @cached_property
    def parsed(self) -> ToolDefinition:
        return validate_definition(self.definition)

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class RiskAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskAssessmentQuerySet:
        roles = _user_roles(user)
        if not roles & {*PARTNERSHIP_CASE_ROLES, Role.AGENCY_CONTRIBUTOR}:
            return self.none()
        if roles & PARTNERSHIP_CASE_ROLES:
            allowed = _caveat_filter(user, roles, "agency_id", "caveat")
        else:
            allowed = Q(caveat=Caveat.PARTNERSHIP)
            if user.agency_id:
                allowed |= Q(agency_id=user.agency_id)
        return self.filter(allowed, visible_subject(user))

    def overrides(self) -> RiskAssessmentQuerySet:
        return self.exclude(final_level=F("computed_level"))


class RiskAssessment(models.Model):
    """A completed assessment of one child with one frozen tool version: the answers, what they score, and the level the
    practitioner decided (with the reason whenever it differs from the computed level)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="risk_assessments")
    tool = models.ForeignKey(RiskTool, on_delete=models.PROTECT, related_name="assessments")
    answers = models.JSONField(help_text="Question id → answer id, as chosen.")
    score = models.PositiveIntegerField()
    section_scores = models.JSONField(default=list, help_text="Per section: raw and counted (after any cap).")
    score_level = models.SlugField(max_length=40, help_text="The level the score alone reaches.")
    critical_hits = models.JSONField(default=list, help_text="Answers that forced at least a level.")
    computed_level = models.SlugField(max_length=40)
    final_level = models.SlugField(max_length=40)
    final_rank = models.PositiveSmallIntegerField(help_text="Position of the final level in the tool's levels, 0 = lowest.")
    override_reason = models.TextField(blank=True)
    flagged_for_panel = models.BooleanField(default=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at", "-pk"]
        indexes = [models.Index(fields=["child", "completed_at"], name="risk_assessment_child_time")]

    def __str__(self) -> str:
        return f"{self.tool.name} for child {self.child_id}: {self.final_level}"

    @property
    def is_override(self) -> bool:
        return self.final_level != self.computed_level

    def level_label(self, level_id: str) -> str:
        level = self.tool.parsed.level(level_id)
        return level.label if level else level_id

    @property
    def final_level_label(self) -> str:
        return self.level_label(self.final_level)

    @property
    def score_level_label(self) -> str:
        return self.level_label(self.score_level)

    @property
    def computed_level_label(self) -> str:
        return self.level_label(self.computed_level)

    @property
    def final_tag_class(self) -> str:
        return tag_class(self.final_rank, len(self.tool.parsed.levels))

    @property
    def computed_tag_class(self) -> str:
        return tag_class(self.tool.parsed.rank(self.computed_level), len(self.tool.parsed.levels))

    @property
    def override_direction(self) -> str:
        if not self.is_override:
            return ""
        return "raised" if self.final_rank > self.tool.parsed.rank(self.computed_level) else "lowered"

    def answers_visible_to(self, user) -> bool:
        """Partnership roles and the completing agency see the answers; other contributors see only the result."""
        return bool(user.role_codes & PARTNERSHIP_CASE_ROLES) or (
            user.agency_id is not None and user.agency_id == self.agency_id
        )
