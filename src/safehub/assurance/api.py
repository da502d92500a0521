"""The assurance API at /api/v1/assurance: the section 11 matrix of a round, case-audit grades and training compliance.
Aggregates only; same permissions as the pages; 404 for a missing round or audit (audited)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from safehub.core.access import get_visible_or_404
from safehub.performance.models import AssessmentRound

from .models import CaseAudit
from .selectors import grade_summary, section11_matrix, training_compliance

router = Router(tags=["assurance"])


class ErrorOut(Schema):
    detail: str


class MatrixCellOut(Schema):
    standard: str
    rag: str | None
    change: str | None


class MatrixRowOut(Schema):
    agency: str
    submitted: bool
    cells: list[MatrixCellOut]


class MatrixOut(Schema):
    round_id: int
    name: str
    due_on: dt.date
    previous_round_id: int | None
    rows: list[MatrixRowOut]


class GradesOut(Schema):
    audit_id: int
    by_agency: dict[str, dict[str, int]]
    overall: dict[str, int]
    answers: int
    good_or_better_percent: float | None


class ComplianceOut(Schema):
    agency: str
    required_level: int
    workforce: int
    trained: int
    percent: float


class PeriodIn(Schema):
    start: dt.date
    end: dt.date


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this.")


@router.get("/section11/rounds/{round_id}/matrix", response={200: MatrixOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="assurance_s11_matrix")
def s11_matrix(request, round_id: int):
    """Agencies × standards for a round, with the change since the previous round (better, worse, same, new)."""
    _require(request, "assurance.challenge_section11")
    round_ = get_visible_or_404(AssessmentRound.objects.filter(standard_set__kind="section11"), request.user, pk=round_id,
                                action="s11.round_view")
    view = section11_matrix(round_)
    numbers = [s.number for s in view.matrix.standards]
    return {"round_id": round_.pk, "name": round_.name, "due_on": round_.due_on,
            "previous_round_id": view.matrix.previous_round.pk if view.matrix.previous_round else None,
            "rows": [{"agency": row.agency, "submitted": bool(ret and ret.submitted_at),
                      "cells": [{"standard": n, "rag": c.rag, "change": c.change}
                                for n, c in zip(numbers, row.cells, strict=True)]} for row, ret in view.rows]}


@router.get("/audits/{audit_id}/grades", response={200: GradesOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="assurance_audit_grades")
def audit_grades(request, audit_id: int):
    """How many agency answers got each grade, by agency and overall."""
    _require(request, "assurance.view_audits")
    audit = get_visible_or_404(CaseAudit.objects.all(), request.user, pk=audit_id, action="audit.view")
    summary = grade_summary(audit)
    return {"audit_id": audit.pk, **summary.__dict__}


@router.get("/training/compliance", response={200: list[ComplianceOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            url_name="assurance_training_compliance")
def compliance(request, period: Query[PeriodIn]):
    """Compliance % by agency against its required level, for training held from `start` to `end` inclusive."""
    _require(request, "assurance.view_training")
    if period.end < period.start:
        raise HttpError(422, "end must not be before start")
    return [c.__dict__ for c in training_compliance((period.start, period.end))]
