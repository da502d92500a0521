"""The risk API (`/api/v1/risk`): tools, a child's assessments, completing an assessment, one assessment.

Same querysets, permissions and audit as the pages; 404 for missing and forbidden alike. Validation errors come back as
422 with `detail` entries whose `loc` names the field, e.g. `["body", "payload", "answers", "missing_episodes"]`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from safehub.api.schemas import ErrorOut
from safehub.core.access import get_visible_or_404
from safehub.core.caveats import Caveat
from safehub.people.models import Child

from .models import RiskAssessment, RiskTool
from .selectors import assessments_for_child, available_tools, visible_assessments
from .services import AssessmentInvalid, complete_assessment

router = Router(tags=["risk"])


class LevelOut(Schema):
    id: str
    label: str
    min: int
    max: int | None


class ToolOut(Schema):
    id: int
    code: str
    version: int
    name: str
    status: str
    frozen: bool
    levels: list[LevelOut]
    panel_levels: list[str]


class ToolDetailOut(ToolOut):
    definition: dict


class AssessmentOut(Schema):
    id: int
    child_id: int
    tool_id: int
    tool_code: str
    tool_version: int
    tool_name: str
    score: int
    score_level: str
    computed_level: str
    final_level: str
    final_level_label: str
    overridden: bool
    override_reason: str | None = Field(description="Null when the caller's agency may not see the answers")
    flagged_for_panel: bool
    caveat: str
    agency: str
    completed_by: str
    completed_at: datetime
    answers: dict[str, str] | None = Field(description="Question id → answer id; null when the caller may not see them")


class AssessmentIn(Schema):
    tool_id: int | None = Field(None, description="A tool version's id; or give tool_code for the version in use")
    tool_code: str | None = None
    answers: dict[str, str] = Field(description="Question id → answer id, for every question of the tool")
    final_level: str | None = Field(None, description="Defaults to the computed level; a different level needs a reason")
    override_reason: str = Field("", max_length=2000)
    caveat: Literal["partnership", "mash_only", "agency_only"] = Caveat.PARTNERSHIP


class ValidationErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ValidationErrorItem]


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _tool_out(tool: RiskTool, schema=ToolOut):
    definition = tool.parsed
    extra = {"definition": tool.definition} if schema is ToolDetailOut else {}
    return schema(
        id=tool.pk,
        code=tool.code,
        version=tool.version,
        name=tool.name,
        status=tool.status,
        frozen=tool.is_frozen,
        levels=[LevelOut(id=lv.id, label=lv.label, min=lv.min, max=lv.max) for lv in definition.levels],
        panel_levels=list(definition.panel_levels),
        **extra,
    )


def _assessment_out(a: RiskAssessment, user) -> AssessmentOut:
    full = a.answers_visible_to(user)
    return AssessmentOut(
        id=a.pk,
        child_id=a.child_id,
        tool_id=a.tool_id,
        tool_code=a.tool.code,
        tool_version=a.tool.version,
        tool_name=a.tool.name,
        score=a.score,
        score_level=a.score_level,
        computed_level=a.computed_level,
        final_level=a.final_level,
        final_level_label=a.final_level_label,
        overridden=a.is_override,
        override_reason=a.override_reason if full else None,
        flagged_for_panel=a.flagged_for_panel,
        caveat=a.caveat,
        agency=a.agency.name,
        completed_by=a.completed_by.get_username(),
        completed_at=a.completed_at,
        answers=a.answers if full else None,
    )


def _invalid(field: str, message: str, kind: str = "value_error") -> ValidationError:
    return ValidationError([{"loc": ["body", "payload", *field.split(".")], "msg": message, "type": kind}])


@router.get("/tools", response={200: list[ToolOut], 401: ErrorOut, 403: ErrorOut}, url_name="risk_tools")
def risk_tools(request):
    """The tools in use now (one version each)."""
    _require(request, "risk.view_tools")
    return [_tool_out(t) for t in available_tools()]


@router.get("/tools/{tool_id}", response={200: ToolDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="risk_tool")
def risk_tool(request, tool_id: int):
    """One tool version with its full definition."""
    _require(request, "risk.view_tools")
    tool = get_visible_or_404(RiskTool.objects.all(), request.user, pk=tool_id, action="risk.tool.view", purpose="API")
    return _tool_out(tool, ToolDetailOut)


@router.get("/children/{child_id}/assessments",
            response={200: list[AssessmentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="risk_child_assessments")
def risk_child_assessments(request, child_id: int):
    """The child's assessments the caller may see, newest first."""
    _require(request, "risk.view_assessments")
    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=child_id,
                               action="risk.history.view", purpose="API")
    return [_assessment_out(a, request.user) for a in assessments_for_child(request.user, child)[:200]]


@router.post("/children/{child_id}/assessments",
             response={201: AssessmentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
             url_name="risk_child_assessments")
def risk_create_assessment(request, child_id: int, payload: AssessmentIn):
    """Complete an assessment now. 422 names each bad field: an unknown tool, an unknown or unanswered question, an
    answer that is not one of the question's, an unknown level, or a missing override reason."""
    _require(request, "risk.complete_assessment")
    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=child_id,
                               action="risk.assessment.start", purpose="API")
    tools = available_tools()
    if payload.tool_id is not None:
        tool = RiskTool.objects.filter(pk=payload.tool_id).first()
        if tool is None:
            raise _invalid("tool_id", "unknown tool id")
    elif payload.tool_code:
        tool = next((t for t in tools if t.code == payload.tool_code), None)
        if tool is None:
            raise _invalid("tool_code", f"no tool with code {payload.tool_code!r} is in use")
    else:
        raise _invalid("tool_id", "give tool_id or tool_code", "missing")
    try:
        assessment = complete_assessment(
            child=child,
            tool=tool,
            answers=payload.answers,
            final_level=payload.final_level,
            override_reason=payload.override_reason,
            caveat=payload.caveat,
            actor=request.user,
            now=timezone.now(),
        )
    except AssessmentInvalid as error:
        tool_field = "tool_id" if payload.tool_id is not None else "tool_code"
        raise ValidationError([
            {"loc": ["body", "payload", *(tool_field if p.path == "tool" else p.path).split(".", 1)], "msg": p.message,
             "type": "value_error"}
            for p in error.problems
        ]) from None
    return Status(201, _assessment_out(assessment, request.user))


@router.get("/assessments/{assessment_id}",
            response={200: AssessmentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}, url_name="risk_assessment")
def risk_assessment(request, assessment_id: int):
    _require(request, "risk.view_assessments")
    assessment = get_visible_or_404(visible_assessments(request.user), request.user, pk=assessment_id,
                                    action="risk.assessment.view", purpose="API")
    return _assessment_out(assessment, request.user)
