"""The missing-children API at /api/v1/missing: episodes (list, create, detail, close) and return home interviews.

Same rules as the pages: permissions from `missing/permissions.py`, rows from `visible_to`, 404 for missing and forbidden
alike (audited), changes through the services. A service's refusal is a 422 naming the field, in ninja's own error shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AwareDatetime

from safehub.core.access import get_visible_or_404
from safehub.core.audit import record_audit
from safehub.people.models import Child

from . import services
from .models import Category, DeliveredBy, MissingEpisode, ReportedBy, Responsible, ReturnHomeInterview, RiskGrade

router = Router(tags=["missing"])

CategoryCode = Literal[tuple(Category.values)]  # type: ignore[valid-type]
ReportedByCode = Literal[tuple(ReportedBy.values)]  # type: ignore[valid-type]
RiskGradeCode = Literal[tuple(["", *RiskGrade.values])]  # type: ignore[valid-type]
DeliveredByCode = Literal[tuple(["", *DeliveredBy.values])]  # type: ignore[valid-type]
ResponsibleCode = Literal[tuple(["", *Responsible.values])]  # type: ignore[valid-type]
DETAILS = {"delivered_by_name", "delivered_by_role", "out_of_area", "host_authority", "responsible"}


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class InterviewOut(Schema):
    id: int
    episode_id: int
    due_at: dt.datetime
    offered_at: dt.datetime | None
    response: str
    responded_at: dt.datetime | None
    completed_at: dt.datetime | None
    status: str
    provider_name: str
    conducted_by: str | None
    independent: bool
    delivered_by_name: str
    delivered_by_role: str
    out_of_area: bool
    host_authority: str
    responsible: str
    push_factors: str
    pull_factors: str
    places: str
    people: str


class EpisodeOut(Schema):
    id: int
    child_id: int
    agency: str
    category: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    precision: str
    reported_by: str
    reported_by_detail: str
    police_reference: str
    where_found: str
    risk_grade: str
    risk_grade_code_list_version: str
    risk_grade_reviewed_at: dt.datetime | None
    places: str
    people: str
    notes: str
    caveat: str
    rhi_due_at: dt.datetime | None
    interview: InterviewOut | None


class EpisodeIn(Schema):
    child_id: int
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    category: CategoryCode = Category.MISSING.value
    reported_by: ReportedByCode = ReportedBy.NOT_RECORDED.value
    reported_by_detail: str = Field("", max_length=200)
    police_reference: str = Field("", max_length=40)
    risk_grade: RiskGradeCode = ""
    where_found: str = Field("", max_length=200)
    places: str = ""
    people: str = ""
    notes: str = ""


class ReturnIn(Schema):
    ended_at: AwareDatetime
    where_found: str = Field("", max_length=200)
    notes: str = ""


class InterviewIn(Schema):
    offered_at: AwareDatetime | None = None
    provider_name: str = Field("", max_length=200)
    independent: bool = True
    delivered_by_name: str = Field("", max_length=200)
    delivered_by_role: DeliveredByCode = ""
    out_of_area: bool = False
    host_authority: str = Field("", max_length=200)
    responsible: ResponsibleCode = ""


class InterviewPatch(Schema):
    """Apply in order: the offer, the child's response, then the interview held with its findings."""

    offered_at: AwareDatetime | None = None
    response: Literal["accepted", "declined"] | None = None
    responded_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    provider_name: str | None = Field(None, max_length=200)
    independent: bool | None = None
    delivered_by_name: str | None = Field(None, max_length=200)
    delivered_by_role: DeliveredByCode | None = None
    out_of_area: bool | None = None
    host_authority: str | None = Field(None, max_length=200)
    responsible: ResponsibleCode | None = None
    push_factors: str = ""
    pull_factors: str = ""
    places: str = ""
    people: str = ""
    notes: str = ""


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _invalid(error: ValidationError):
    return Status(422, {
        "detail": [
            {"loc": ["body", "payload", name], "msg": message, "type": "value_error"}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    })


def _interview_out(interview: ReturnHomeInterview | None) -> InterviewOut | None:
    if interview is None:
        return None
    return InterviewOut(
        id=interview.pk,
        episode_id=interview.episode_id,
        due_at=interview.due_at,
        offered_at=interview.offered_at,
        response=interview.response,
        responded_at=interview.responded_at,
        completed_at=interview.completed_at,
        status=interview.status,
        provider_name=interview.provider_name,
        conducted_by=interview.conducted_by.username if interview.conducted_by else None,
        independent=interview.independent,
        delivered_by_name=interview.delivered_by_name,
        delivered_by_role=interview.delivered_by_role,
        out_of_area=interview.out_of_area,
        host_authority=interview.host_authority,
        responsible=interview.responsible,
        push_factors=interview.push_factors,
        pull_factors=interview.pull_factors,
        places=interview.places,
        people=interview.people,
    )


def _episode_out(episode: MissingEpisode) -> EpisodeOut:
    interview = getattr(episode, "return_interview", None)  # joined by the list query, else one query
    derived = {"agency", "rhi_due_at", "interview"}
    plain = {name: getattr(episode, name) for name in EpisodeOut.model_fields if name not in derived}
    return EpisodeOut(
        **plain,
        agency=episode.agency.name,
        rhi_due_at=interview.due_at if interview else services.rhi_due_at(episode),
        interview=_interview_out(interview),
    )


def _visible_episode(request, episode_id: int, action: str) -> MissingEpisode:
    return get_visible_or_404(
        MissingEpisode.objects.visible_to(request.user).select_related("agency", "child", "return_interview__conducted_by"),
        request.user,
        pk=episode_id,
        action=action,
        purpose="API",
    )


@router.get("/episodes", response={200: list[EpisodeOut], 401: ErrorOut, 403: ErrorOut})
def list_missing_episodes(
    request, ongoing: bool | None = None, child_id: int | None = None, limit: int = Query(100, ge=1, le=500)
):
    """Episodes the caller may see, newest first; `ongoing=true` for children missing now."""
    _require(request, "missing.view_episodes")
    episodes = MissingEpisode.objects.visible_to(request.user).select_related("agency", "return_interview__conducted_by")
    if ongoing is not None:
        episodes = episodes.filter(ended_at__isnull=ongoing)
    if child_id is not None:
        episodes = episodes.filter(child_id=child_id)
    rows = list(episodes.order_by("-started_at", "-pk")[:limit])
    record_audit(
        request.user, "missing.episodes.list", object_type="missing.missingepisode", purpose="API",
        detail={"ids": [e.pk for e in rows], "ongoing": ongoing, "child": child_id},
    )
    return [_episode_out(episode) for episode in rows]


@router.post(
    "/episodes",
    response={201: EpisodeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def create_missing_episode(request, payload: EpisodeIn):
    """Record a missing episode for a child the caller may see. The episode is owned by the caller's agency."""
    _require(request, "missing.record_episode")
    user = request.user
    child = get_visible_or_404(
        Child.objects.visible_to(user), user, pk=payload.child_id, action="missing.episode.new", purpose="API"
    )
    if user.agency is None:
        raise HttpError(403, "Only people in a partner agency can record episodes")
    fields = payload.dict(exclude={"child_id"})
    try:
        episode = services.record_missing_episode(child=child, agency=user.agency, actor=user, now=timezone.now(), **fields)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _episode_out(episode))


@router.get("/episodes/{episode_id}", response={200: EpisodeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def get_missing_episode(request, episode_id: int):
    _require(request, "missing.view_episodes")
    return _episode_out(_visible_episode(request, episode_id, "missing.episode.view"))


@router.post(
    "/episodes/{episode_id}/return",
    response={200: EpisodeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def close_missing_episode(request, episode_id: int, payload: ReturnIn):
    """Record the child's return: closes the episode; the return home interview is then due within 72 hours."""
    _require(request, "missing.record_return")
    episode = _visible_episode(request, episode_id, "missing.episode.return")
    try:
        episode = services.record_return(episode, actor=request.user, now=timezone.now(), **payload.dict())
    except ValidationError as error:
        return _invalid(error)
    return Status(200, _episode_out(episode))


@router.post(
    "/episodes/{episode_id}/interview",
    response={201: InterviewOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def create_return_interview(request, episode_id: int, payload: InterviewIn):
    """Arrange (and, with `offered_at`, offer) the return home interview of a returned child."""
    _require(request, "missing.manage_interviews")
    episode = _visible_episode(request, episode_id, "missing.rhi.new")
    try:
        interview = services.create_return_interview(episode, actor=request.user, now=timezone.now(), **payload.dict())
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _interview_out(interview))


def _visible_interview(request, interview_id: int, action: str) -> ReturnHomeInterview:
    return get_visible_or_404(
        ReturnHomeInterview.objects.visible_to(request.user).select_related("episode__agency", "episode__child", "conducted_by"),
        request.user,
        pk=interview_id,
        action=action,
        purpose="API",
    )


@router.get("/interviews/{interview_id}", response={200: InterviewOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def get_return_interview(request, interview_id: int):
    _require(request, "missing.view_interviews")
    return _interview_out(_visible_interview(request, interview_id, "missing.rhi.view"))


@router.patch(
    "/interviews/{interview_id}",
    response={200: InterviewOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def update_return_interview(request, interview_id: int, payload: InterviewPatch):
    """Record the offer, the child's response and/or the interview held, in that order, all or nothing."""
    _require(request, "missing.manage_interviews")
    interview = _visible_interview(request, interview_id, "missing.rhi.update")
    now, user = timezone.now(), request.user
    try:
        with transaction.atomic():
            if payload.offered_at is not None:
                services.offer_return_interview(
                    interview, offered_at=payload.offered_at, now=now, actor=user,
                    provider_name=payload.provider_name, independent=payload.independent, **payload.dict(include=DETAILS),
                )
            if payload.response is not None:
                services.record_interview_response(
                    interview, accepted=payload.response == "accepted", responded_at=payload.responded_at or now,
                    now=now, actor=user,
                )
            if payload.completed_at is not None:
                services.complete_return_interview(
                    interview, completed_at=payload.completed_at, now=now, actor=user,
                    provider_name=payload.provider_name, independent=payload.independent, **payload.dict(include=DETAILS),
                    **payload.dict(include={"push_factors", "pull_factors", "places", "people", "notes"}),
                )
    except ValidationError as error:
        return _invalid(error)
    interview.refresh_from_db()
    return Status(200, _interview_out(interview))
