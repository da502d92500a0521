"""The performance API (`/api/v1/performance`): the scorecard (suppressed, as the board sees it), the indicator library,
a standards round's agency × standard matrix, and an agency rating a standard for itself.

Same permissions and services as the pages; 401 unauthenticated, 403 when the role does not include it, 404 for a
round the user may not see, 422 with `loc` naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from safehub.api.schemas import ErrorOut
from safehub.core.audit import record_audit

from . import indicators as library
from . import services
from .periods import parse_period
from .selectors import rounds_for, standards_matrix

router = Router(tags=["performance"])


class FieldErrorOut(Schema):
    loc: list[str]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class AgencyValueOut(Schema):
    agency: str
    numerator: str
    denominator: str
    value: str


class ScorecardRowOut(Schema):
    id: str
    title: str
    unit: str
    period: str
    period_label: str
    value: str
    numerator: str
    denominator: str
    suppressed: bool
    rag: str | None
    direction: str
    target: str
    comparators: list[str]
    trend: list[str]
    commentary: str
    note: str
    by_agency: list[AgencyValueOut]


class ScorecardOut(Schema):
    month: str
    computed_at: dt.datetime
    suppression: str
    rows: list[ScorecardRowOut]


class ComparatorOut(Schema):
    kind: str
    value: float
    year: str
    source: str


class IndicatorOut(Schema):
    id: str
    title: str
    definition: str
    numerator: str
    denominator: str | None
    unit: str
    polarity: str
    period: str
    source: str
    target: float | None
    tolerance: float
    comparators: list[ComparatorOut]


class MatrixCellOut(Schema):
    standard: str
    rag: str | None
    previous: str | None
    change: str | None


class MatrixRowOut(Schema):
    agency: str
    cells: list[MatrixCellOut]


class MatrixOut(Schema):
    round: str
    previous_round: str | None
    standards: list[str]
    rows: list[MatrixRowOut]


class RatingIn(Schema):
    standard: str
    rag: Literal["red", "amber", "green"]
    evidence: str
    action_plan: str = ""
    action_due_on: dt.date | None = None


class RatingOut(Schema):
    round_id: int
    standard: str
    agency: str
    rag: str
    evidence: str
    action_plan: str
    rated_at: dt.datetime


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _unprocessable(errors: dict[str, str], where: str):
    return Status(422, {"detail": [{"loc": [where, k], "msg": v, "type": "value_error"} for k, v in errors.items()]})


@router.get(
    "/scorecard",
    response={200: ScorecardOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    url_name="performance_scorecard",
    summary="The partnership scorecard, with small numbers suppressed",
)
def get_scorecard(request, month: str = Query("", description="YYYY-MM; default the last complete month"),
                  kind: Literal["", "month", "quarter", "year", "rolling_12"] = Query("")):
    _require(request, "performance.view_aggregates")
    from safehub.reports.board import board_report

    month_end = None
    if month:
        try:
            period = parse_period(month)
            if period.kind != "month":
                raise ValueError
            month_end = period.end
        except ValueError:
            return _unprocessable({"month": "Enter the month as YYYY-MM, for example 2026-03"}, "query")
    report = board_report(month=month_end, kind=kind or None, charts=False)
    record_audit(request.user, "scorecard.viewed", object_type="reports.scorecard", purpose="API",
                 detail={"month": f"{report.month:%Y-%m}", "kind": kind})
    return {
        "month": f"{report.month:%Y-%m}", "computed_at": report.generated_at,
        "suppression": "Counts 1-4 shown as *, with secondary suppression; rates not shown on denominators under 10",
        "rows": [{
            "id": r.id, "title": r.title, "unit": r.unit, "period": r.period_key, "period_label": r.period_label,
            "value": r.value, "numerator": r.numerator, "denominator": r.denominator, "suppressed": r.suppressed,
            "rag": r.rag, "direction": r.direction, "target": r.target, "comparators": r.comparators,
            "trend": r.trend_text, "commentary": r.commentary, "note": r.status_note,
            "by_agency": [vars(a) for a in r.agencies],
        } for r in report.rows],
    }


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], 401: ErrorOut, 403: ErrorOut},
    url_name="performance_indicators",
    summary="The indicator library with the partnership's targets and comparators",
)
def list_indicators(request):
    _require(request, "performance.view_aggregates")
    return [i.model_dump(include=set(IndicatorOut.model_fields)) for i in library.effective()]


def _round(request, round_id: int, action: str):
    round_ = rounds_for(request.user).filter(pk=round_id).first()
    record_audit(request.user, action, round_, object_type="performance.assessmentround", object_id=round_id,
                 purpose="API", outcome="ok" if round_ else "not_found")
    if round_ is None:
        raise HttpError(404, "No such round")
    return round_


@router.get(
    "/rounds/{round_id}/matrix",
    response={200: MatrixOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="performance_matrix",
    summary="Agency × standard ratings for a self-assessment round, with the change since the previous round",
)
def get_matrix(request, round_id: int):
    _require(request, "performance.view_standards_matrix")
    matrix = standards_matrix(_round(request, round_id, "assessment_round.matrix_viewed"))
    return {
        "round": matrix.round.name,
        "previous_round": matrix.previous_round.name if matrix.previous_round else None,
        "standards": [s.number for s in matrix.standards],
        "rows": [{"agency": row.agency, "cells": [
            {"standard": s.number, "rag": c.rag, "previous": c.previous, "change": c.change}
            for s, c in zip(matrix.standards, row.cells, strict=True)]} for row in matrix.rows],
    }


@router.post(
    "/rounds/{round_id}/ratings",
    response={201: RatingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="performance_rate",
    summary="Rate a standard for your own agency",
)
def rate(request, round_id: int, payload: RatingIn):
    _require(request, "performance.rate_standards")
    round_ = _round(request, round_id, "assessment_round.rating_viewed")
    if not round_.agencies.filter(pk=request.user.agency_id).exists():
        raise HttpError(403, "Your agency is not taking part in this round")
    standard = round_.standard_set.standards.filter(number=payload.standard).first()
    if standard is None:
        return _unprocessable({"standard": f"No standard {payload.standard!r} in this round"}, "body")
    try:
        rating = services.rate_standard(round_, standard, actor=request.user, rag=payload.rag, evidence=payload.evidence,
                                        action_plan=payload.action_plan, action_due_on=payload.action_due_on,
                                        now=timezone.now())
    except services.PerformanceError as exc:
        return _unprocessable(exc.errors, "body")
    return Status(201, {"round_id": round_.pk, "standard": standard.number, "agency": rating.agency.name,
                        "rag": rating.rag, "evidence": rating.evidence, "action_plan": rating.action_plan,
                        "rated_at": rating.rated_at})
