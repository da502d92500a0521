"""The meetings API at /api/v1/meetings: bodies, meetings (with public or full minutes), and the action log (list; update
a status). Same rules as the pages: permissions from `meetings/permissions.py`, rows from `visible_to`, 404 for missing and
forbidden alike (audited); a service's refusal is a 422 naming the field, in ninja's own error shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from safehub.core.access import get_visible_or_404
from safehub.core.audit import record_audit

from . import services
from .models import Action, Body, Meeting
from .selectors import may_run, meeting_view

router = Router(tags=["meetings"])

StatusCode = Literal[tuple(Action.Status.values)]  # type: ignore[valid-type]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class BodyOut(Schema):
    id: int
    name: str
    kind: str
    terms_of_reference: str
    quorum: int


class ActionOut(Schema):
    id: int
    body_id: int
    meeting_id: int
    reference: str
    details: str
    owner: str
    owner_agency: str | None
    due_on: dt.date | None
    status: str
    status_today: str
    child_id: int | None


class ItemOut(Schema):
    number: str
    title: str
    exempt: bool
    exempt_category: str
    minutes: str | None = Field(None, description="Null for an exempt item when the caller is not a member of the body.")
    decisions: list[str]


class MeetingOut(Schema):
    id: int
    body_id: int
    body: str
    date: dt.date
    venue: str
    online: bool
    status: str
    minutes_status: str
    full_minutes: bool
    items: list[ItemOut] = []


class ActionPatch(Schema):
    status: StatusCode
    note: str = Field("", max_length=500)


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _action_out(action: Action, today: dt.date) -> ActionOut:
    return ActionOut(
        id=action.pk, body_id=action.meeting.body_id, meeting_id=action.meeting_id, reference=action.reference,
        details=action.details, owner=action.owner_name,
        owner_agency=action.owner_agency.name if action.owner_agency_id else None,
        due_on=action.due_on, status=action.status, status_today=action.status_on(today), child_id=action.child_id,
    )


def _meeting_out(meeting: Meeting, *, full: bool, items: list | None = None) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk, body_id=meeting.body_id, body=meeting.body.name, date=meeting.date, venue=meeting.venue,
        online=meeting.online, status=meeting.status, minutes_status=meeting.minutes_status, full_minutes=full,
        items=[ItemOut(number=i.number, title=i.title, exempt=i.exempt, exempt_category=i.exempt_category,
                       minutes=i.minutes if (full or not i.exempt) else None,
                       decisions=[d.text for d in i.decisions.all()] if (full or not i.exempt) else [])
               for i in (items or [])],
    )


@router.get("/bodies", response={200: list[BodyOut], 401: ErrorOut, 403: ErrorOut}, url_name="meetings_bodies")
def list_bodies(request):
    _require(request, "meetings.view_meetings")
    return [BodyOut(id=b.pk, name=b.name, kind=b.kind, terms_of_reference=b.terms_of_reference, quorum=b.quorum)
            for b in Body.objects.visible_to(request.user).order_by("name")]


@router.get("/meetings", response={200: list[MeetingOut], 401: ErrorOut, 403: ErrorOut}, url_name="meetings_list")
def list_meetings(request, body_id: int | None = None):
    _require(request, "meetings.view_meetings")
    meetings = Meeting.objects.visible_to(request.user).select_related("body").order_by("-date", "-pk")
    if body_id is not None:
        meetings = meetings.filter(body_id=body_id)
    return [_meeting_out(m, full=False) for m in meetings[:500]]


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="meetings_get")
def get_meeting(request, meeting_id: int):
    _require(request, "meetings.view_meetings")
    meeting = get_visible_or_404(Meeting.objects.visible_to(request.user).select_related("body"), request.user,
                                 pk=meeting_id, action="meeting.view", purpose="API")
    view = meeting_view(request.user, meeting)
    return _meeting_out(meeting, full=view.full, items=view.items)


@router.get("/actions", response={200: list[ActionOut], 401: ErrorOut, 403: ErrorOut}, url_name="meetings_actions")
def list_actions(request, status: StatusCode | None = None, mine: bool = False, body_id: int | None = None,
                 limit: int = Query(200, ge=1, le=1000)):
    """Actions the caller may see (and every action they own); `mine` for their own only."""
    _require(request, "meetings.view_own_actions")
    actions = Action.objects.visible_to(request.user).select_related("meeting", "owner_agency")
    if mine:
        actions = actions.filter(owner_user_id=request.user.pk)
    if status is not None:
        actions = actions.filter(status=status)
    if body_id is not None:
        actions = actions.filter(meeting__body_id=body_id)
    today = timezone.localdate()
    return [_action_out(a, today) for a in actions.order_by("due_on", "pk")[:limit]]


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="meetings_update_action",
)
def update_action(request, action_id: int, payload: ActionPatch):
    """Move an action on: its owner, or someone who runs the body's meetings. Dropping needs a note."""
    _require(request, "meetings.view_own_actions")
    action = get_visible_or_404(Action.objects.visible_to(request.user).select_related("meeting__body"), request.user,
                                pk=action_id, action="action.view", purpose="API")
    if action.owner_user_id != request.user.pk and not may_run(request.user, action.meeting.body):
        raise HttpError(403, "Only the action's owner or the body's chair may change it")
    try:
        services.update_action_status(action, actor=request.user, status=payload.status, note=payload.note)
    except services.MeetingsError as error:
        return 422, {"detail": [{"loc": ["body", "payload", field], "msg": msg, "type": "value_error"}
                                for field, msg in error.errors.items()]}
    record_audit(request.user, "action.api_update", action, detail={"status": payload.status})
    return _action_out(action, timezone.localdate())
