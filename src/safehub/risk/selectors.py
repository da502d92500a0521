"""Read queries over risk tools and assessments. Every function about a child takes the user and reads through
`RiskAssessment.objects.visible_to(user)`.

`children_flagged_for_panel(user, since)` is the meetings app's way in: children whose latest flag for the MACE panel
falls after `since`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet

from safehub.core.roles import PARTNERSHIP_CASE_ROLES
from safehub.people.models import Child, SourceRecord

from .charts import LevelChart, Observation, level_chart
from .models import RiskAssessment, RiskTool
from .services import ensure_default_tools


def child_display_name(user, child: Child) -> str:
    """The name to show this user: the single view for partnership roles, their own agency's record for contributors
    (as on the child page, so a contributor learns nothing of other agencies' records here)."""
    if user.role_codes & PARTNERSHIP_CASE_ROLES:
        return child.full_name
    own = SourceRecord.objects.visible_to(user).filter(link__child=child).order_by("pk").first()
    return own.full_name if own else "Name not known"


def available_tools() -> list[RiskTool]:
    """Tools a practitioner may use now: the active version of each, shipped defaults included."""
    ensure_default_tools()
    return list(RiskTool.objects.active().order_by("name"))


def tool_catalogue() -> list[RiskTool]:
    """Every version of every tool, newest version first within a tool, with how many assessments used it."""
    ensure_default_tools()
    return list(RiskTool.objects.annotate(assessment_count=Count("assessments")).order_by("name", "code", "-version"))


def visible_assessments(user) -> QuerySet[RiskAssessment]:
    return RiskAssessment.objects.visible_to(user).select_related("tool", "child", "agency", "completed_by")


def assessments_for_child(user, child: Child) -> QuerySet[RiskAssessment]:
    return visible_assessments(user).filter(child=child).order_by("-completed_at", "-pk")


@dataclass
class RiskHistory:
    child: Child
    display_name: str
    assessments: list[RiskAssessment]  # newest first
    charts: list[LevelChart]  # one per tool used, levels differ between tools

    @property
    def latest(self) -> RiskAssessment | None:
        return self.assessments[0] if self.assessments else None


CHART_LIMIT = 60


def risk_history(user, child: Child) -> RiskHistory:
    """The child's assessments the user may see, and a level-over-time chart for each tool (by code, across versions)."""
    assessments = list(assessments_for_child(user, child)[:200])
    by_tool: dict[str, list[RiskAssessment]] = {}
    for assessment in reversed(assessments[:CHART_LIMIT]):
        by_tool.setdefault(assessment.tool.code, []).append(assessment)
    charts = []
    for code, items in by_tool.items():
        newest_tool = items[-1].tool
        charts.append(
            level_chart(
                code,
                newest_tool.name,
                [lv.label for lv in newest_tool.parsed.levels],
                [Observation(a.completed_at, a.final_rank, a.final_level_label, a.score, a.is_override, a.pk)
                 for a in items],
            )
        )
    return RiskHistory(child=child, display_name=child_display_name(user, child), assessments=assessments, charts=charts)


def overrides_report(user, *, since: datetime | None = None) -> QuerySet[RiskAssessment]:
    """Assessments whose final level differs from the computed one, newest first: what the MASH reviews for consistency."""
    overrides = visible_assessments(user).overrides()
    if since is not None:
        overrides = overrides.filter(completed_at__gte=since)
    return overrides.order_by("-completed_at", "-pk")


@dataclass(frozen=True)
class PanelFlag:
    child: Child
    assessment: RiskAssessment
    flagged_at: datetime
    level: str
    level_label: str
    tool_name: str


def children_flagged_for_panel(user, since: datetime) -> list[PanelFlag]:
    """Children the user may see who were flagged for the MACE panel at or after `since`, one row per child (their newest
    flagging assessment), oldest flag first so the panel takes them in order."""
    flagged = visible_assessments(user).filter(flagged_for_panel=True, completed_at__gte=since).order_by(
        "child_id", "-completed_at", "-pk"
    )
    newest: dict[int, RiskAssessment] = {}
    for assessment in flagged:
        newest.setdefault(assessment.child_id, assessment)
    rows = [
        PanelFlag(a.child, a, a.completed_at, a.final_level, a.final_level_label, a.tool.name) for a in newest.values()
    ]
    return sorted(rows, key=lambda r: (r.flagged_at, r.assessment.pk))
