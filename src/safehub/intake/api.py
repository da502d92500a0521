"""The front door in the API (/api/v1/intake): contacts for the MASH, and check requests for the agencies asked.

The same `visible_to` querysets, permissions and services as the pages: 401 unauthenticated, 403 when the role does not
include the operation, 404 for missing and forbidden alike (audited), 422 naming the field at fault.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from safehub.core.access import get_visible_or_404
from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.people.models import Child

from . import concerns as concern_codes
from . import selectors, services
from .models import AgencyCheckRequest, AgencyCheckResponse, Contact

router = Router(tags=["intake"])

CaveatCode = Literal["partnership", "mash_only", "agency_only"]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str]
    msg: str
    type: str = "value_error"


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class ConcernOut(Schema):
    code: str
    label: str


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    reason: str
    decided_at: dt.datetime
    on_time: bool


class ContactSummaryOut(Schema):
    id: int
    reference: str
    child_id: int | None
    subject: str
    reporter: str
    reporter_agency: str | None = Field(None, description="Agency code, when the reporter is from an agency")
    received_at: dt.datetime
    urgency: str
    concerns: list[ConcernOut]
    decision_due: dt.datetime
    rag: str | None = Field(None, description="green, amber or red while awaiting a decision; null once decided")
    decision: DecisionOut | None


class CheckOut(Schema):
    id: int
    reference: str
    agency: str
    deadline: dt.datetime
    status: str
    answered_at: dt.datetime | None = None
    known: bool | None = None
    text: str | None = Field(None, description="Null when unanswered, or when the agency's caveat keeps it from you")
    caveat: str | None = None


class ContactOut(ContactSummaryOut):
    summary: str
    consent: str
    without_consent_reason: str
    caveat: str
    checks: list[CheckOut]


class ContactIn(Schema):
    child_id: int | None = Field(None, description="A child you can see; leave out for an unborn baby or sibling group")
    subject_description: str = Field("", max_length=300)
    reporter_name: str = Field(..., min_length=1, max_length=200)
    reporter_agency: str | None = Field(None, description="Agency code, e.g. 'police'")
    reporter_relationship: str = Field("", max_length=200)
    received_at: dt.datetime = Field(..., description="ISO 8601; without an offset it is read as UK local time")
    concerns: list[str] = Field(default_factory=list, description="CIN census factor codes, e.g. ['3A', '11A']")
    consent: Literal["given", "not_sought", "refused"]
    without_consent_reason: str = ""
    urgency: Literal["normal", "urgent"] = "normal"
    summary: str = Field(..., min_length=1)
    caveat: CaveatCode = "partnership"


class CheckRequestOut(Schema):
    id: int
    reference: str
    subject_name: str
    subject_dob: dt.date | None
    question: str
    urgent: bool
    sent_at: dt.datetime
    deadline: dt.datetime
    status: str
    answered_at: dt.datetime | None = None


class CheckResponseIn(Schema):
    known: bool
    text: str = Field(..., min_length=1)
    caveat: CaveatCode = "partnership"


class CheckResponseOut(Schema):
    id: int
    request_id: int
    known: bool
    text: str
    caveat: str
    answered_at: dt.datetime
    on_time: bool


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _unprocessable(errors: dict[str, str], where: str = "payload"):
    return Status(
        422, {"detail": [{"loc": ["body", where, field], "msg": msg, "type": "value_error"} for field, msg in errors.items()]}
    )


def _summary(contact: Contact, now: dt.datetime) -> dict:
    decision = getattr(contact, "decision", None)
    rag = contact.rag(now)
    return {
        "id": contact.pk,
        "reference": contact.reference,
        "child_id": contact.child_id,
        "subject": contact.subject_label,
        "reporter": contact.reporter_label,
        "reporter_agency": contact.reporter_agency.code if contact.reporter_agency_id else None,
        "received_at": contact.received_at,
        "urgency": contact.urgency,
        "concerns": [{"code": c, "label": concern_codes.label(c).removeprefix(f"{c} ")} for c in contact.concerns],
        "decision_due": contact.decision_due,
        "rag": rag.value if rag else None,
        "decision": (
            {
                "outcome": decision.outcome,
                "outcome_label": decision.get_outcome_display(),
                "reason": decision.reason,
                "decided_at": decision.decided_at,
                "on_time": decision.on_time,
            }
            if decision
            else None
        ),
    }


@router.get(
    "/contacts",
    response={200: list[ContactSummaryOut], 401: ErrorOut, 403: ErrorOut},
    url_name="intake_list_contacts",
    summary="Contacts at the front door, newest first",
)
def list_contacts(
    request,
    status: Literal["", "awaiting", "decided"] = Query(""),
    rag: Literal["", "green", "amber", "red"] = Query(""),
    limit: int = Query(100, ge=1, le=500),
):
    _require(request, "intake.view_front_door")
    now = timezone.now()
    contacts = list(
        selectors.front_door(request.user, now=now, filters=selectors.FrontDoorFilters(status=status, rag=rag))[:limit]
    )
    record_audit(
        request.user, "contact.list", object_type="intake.contact", purpose="API", detail={"shown": [c.pk for c in contacts]}
    )
    return [_summary(c, now) for c in contacts]


@router.post(
    "/contacts",
    response={201: ContactOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    url_name="intake_create_contact",
    summary="Record a contact",
)
def create_contact(request, payload: ContactIn):
    _require(request, "intake.record_contact")
    child = None
    if payload.child_id is not None:
        try:
            child = get_visible_or_404(
                Child.objects.visible_to(request.user),
                request.user,
                pk=payload.child_id,
                action="child.view",
                purpose="API: record a contact",
            )
        except Http404:
            return _unprocessable({"child_id": "No child with this id that you can see"})
    reporter_agency = None
    if payload.reporter_agency:
        reporter_agency = Agency.objects.filter(code=payload.reporter_agency, active=True).first()
        if reporter_agency is None:
            return _unprocessable({"reporter_agency": f"No active agency with code {payload.reporter_agency!r}"})
    received_at = payload.received_at
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    try:
        contact = services.record_contact(
            actor=request.user,
            child=child,
            subject_description=payload.subject_description,
            reporter_name=payload.reporter_name,
            reporter_agency=reporter_agency,
            reporter_relationship=payload.reporter_relationship,
            received_at=received_at,
            concerns=payload.concerns,
            consent=payload.consent,
            without_consent_reason=payload.without_consent_reason,
            urgency=payload.urgency,
            summary=payload.summary,
            caveat=payload.caveat,
        )
    except services.IntakeError as error:
        return _unprocessable(error.errors)
    contact = Contact.objects.select_related("child", "reporter_agency").get(pk=contact.pk)
    return Status(201, _detail(request.user, contact))


def _detail(user, contact: Contact) -> dict:
    now = timezone.now()
    view = selectors.contact_view(user, contact, now=now)
    checks = []
    for check in view.checks:
        response = check.response
        answered = check.status == AgencyCheckRequest.Status.ANSWERED
        checks.append(
            {
                "id": check.request.pk,
                "reference": check.request.reference,
                "agency": check.request.agency.code,
                "deadline": check.request.deadline,
                "status": check.status,
                "answered_at": check.request.response.answered_at if answered else None,
                "known": response.known if response else None,
                "text": response.text if response else None,
                "caveat": check.request.response.caveat if answered else None,
            }
        )
    return {
        **_summary(contact, now),
        "summary": contact.summary,
        "consent": contact.consent,
        "without_consent_reason": contact.without_consent_reason,
        "caveat": contact.caveat,
        "checks": checks,
    }


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="intake_get_contact",
    summary="One contact, with its checks and the answers you may read",
)
def get_contact(request, contact_id: int):
    _require(request, "intake.view_front_door")
    contact = get_visible_or_404(
        Contact.objects.visible_to(request.user).select_related("child", "reporter_agency", "decision"),
        request.user,
        pk=contact_id,
        action="contact.view",
        purpose="API",
    )
    return _detail(request.user, contact)


def _check_out(check: AgencyCheckRequest, now: dt.datetime) -> dict:
    response = getattr(check, "response", None)
    return {
        "id": check.pk,
        "reference": check.reference,
        "subject_name": check.subject_name,
        "subject_dob": check.subject_dob,
        "question": check.question,
        "urgent": check.urgent,
        "sent_at": check.sent_at,
        "deadline": check.deadline,
        "status": check.status(now),
        "answered_at": response.answered_at if response else None,
    }


@router.get(
    "/checks",
    response={200: list[CheckRequestOut], 401: ErrorOut, 403: ErrorOut},
    url_name="intake_list_checks",
    summary="MASH check requests sent to your agency",
)
def list_checks(request, status: Literal["open", "answered"] = Query("open")):
    _require(request, "intake.answer_checks")
    now = timezone.now()
    checks = list(selectors.check_queue(request.user, now=now, answered=status == "answered")[:500])
    record_audit(
        request.user,
        "agency_check.list",
        object_type="intake.agencycheckrequest",
        purpose="API",
        detail={"shown": [c.pk for c in checks]},
    )
    return [_check_out(c, now) for c in checks]


@router.post(
    "/checks/{check_id}/response",
    response={201: CheckResponseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="intake_respond_to_check",
    summary="Answer a MASH check sent to your agency",
)
def respond_to_check(request, check_id: int, payload: CheckResponseIn):
    _require(request, "intake.answer_checks")
    check = get_visible_or_404(
        AgencyCheckRequest.objects.visible_to(request.user).filter(agency_id=request.user.agency_id),
        request.user,
        pk=check_id,
        action="agency_check.view",
        purpose="API: answer a MASH check",
    )
    try:
        response: AgencyCheckResponse = services.respond_to_check(
            check, actor=request.user, known=payload.known, text=payload.text, caveat=Caveat(payload.caveat)
        )
    except services.IntakeError as error:
        return _unprocessable(error.errors)
    out = {
        "id": response.pk,
        "request_id": check.pk,
        "known": response.known,
        "text": response.text,
        "caveat": response.caveat,
        "answered_at": response.answered_at,
        "on_time": response.on_time,
    }
    return Status(201, out)


class FgdmProceedingsOut(Schema):
    id: int
    reference: str
    child_id: int
    considered_on: dt.date
    fgdm_offer_due: dt.date
    status: str = Field(..., description="offered, offered_late, exception, due or overdue")
    offered_on: dt.date | None = None
    response: str | None = None
    meeting_on: dt.date | None = None
    issued_on: dt.date | None = None


class FgdmReportOut(Schema):
    counts: dict[str, int]
    proceedings: list[FgdmProceedingsOut]


@router.get(
    "/fgdm",
    response={200: FgdmReportOut, 401: ErrorOut, 403: ErrorOut},
    url_name="intake_fgdm_report",
    summary="Care proceedings and whether family group decision-making was offered first",
)
def fgdm_report(request, today: dt.date | None = None):
    _require(request, "intake.view_act_reports")
    report = selectors.fgdm_report(request.user, today=today or timezone.localdate())
    record_audit(
        request.user,
        "care_proceedings.list",
        object_type="intake.careproceedings",
        purpose="API",
        detail={"shown": [r.proceedings.pk for r in report.rows]},
    )
    rows = []
    for row in report.rows:
        p = row.proceedings
        offer = getattr(p, "fgdm_offer", None)
        rows.append(
            {
                "id": p.pk,
                "reference": p.reference,
                "child_id": p.child_id,
                "considered_on": p.considered_on,
                "fgdm_offer_due": p.fgdm_offer_due,
                "status": row.status,
                "offered_on": offer.offered_on if offer else None,
                "response": offer.response if offer else None,
                "meeting_on": offer.meeting_on if offer else None,
                "issued_on": p.issued_on,
            }
        )
    return {"counts": report.counts, "proceedings": rows}
