"""The board scorecard: page, PDF and XLSX for board members, analysts and MASH practitioners; an indicator's page with
its trend chart, agency breakdown and commentary (analysts write it); and the drill-down to the records behind an
indicator, for analysts (pseudonymised references) and MASH practitioners (children they may see) — never the board.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from safehub.core.access import requires
from safehub.core.audit import record_audit
from safehub.performance import indicators as library
from safehub.performance.periods import PERIOD_TYPES, parse_period
from safehub.performance.services import PerformanceError, save_commentary

from . import drilldown as drill
from .board import board_report
from .charts import data_uri, trend_chart
from .documents import scorecard_pdf, scorecard_xlsx


def _choices(request) -> tuple[dt.date | None, str | None, dict[str, str]]:
    """The month the report runs to (?month=2026-03) and the period type (?kind=quarter), with field errors."""
    errors, month, kind = {}, None, request.GET.get("kind") or None
    if raw := request.GET.get("month", "").strip():
        try:
            start = parse_period(raw)
            if start.kind != "month":
                raise ValueError
            month = start.end
        except ValueError:
            errors["month"] = "Enter the month as YYYY-MM, for example 2026-03"
    if kind and kind not in PERIOD_TYPES:
        errors["kind"] = "Select a period type from the list"
        kind = None
    return month, kind, errors


def _months(now: dt.datetime, n: int = 18) -> list[str]:
    first = timezone.localdate(now).replace(day=1)
    out = []
    for _ in range(n):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(f"{first:%Y-%m}")
    return out


@login_required
@requires("performance.view_aggregates")
def scorecard(request):
    now = timezone.now()
    month, kind, errors = _choices(request)
    report = board_report(now=now, month=month, kind=kind)
    record_audit(request.user, "scorecard.viewed", object_type="reports.scorecard",
                 detail={"month": f"{report.month:%Y-%m}", "kind": kind})
    query = request.GET.urlencode()
    return render(request, "reports/scorecard.html", {
        "report": report, "errors": errors, "months": _months(now), "selected_month": f"{report.month:%Y-%m}",
        "period_types": PERIOD_TYPES.items(), "selected_kind": kind or "", "query": query,
        "can_drill": request.user.has_perm("performance.drill_down"),
        "can_comment": request.user.has_perm("performance.edit_commentary"),
    })


@login_required
@requires("performance.view_aggregates")
def scorecard_pdf_view(request):
    month, kind, _ = _choices(request)
    report = board_report(month=month, kind=kind)
    record_audit(request.user, "scorecard.exported", object_type="reports.scorecard",
                 detail={"format": "pdf", "month": f"{report.month:%Y-%m}", "kind": kind})
    response = HttpResponse(scorecard_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="scorecard-{report.month:%Y-%m}.pdf"'
    return response


@login_required
@requires("performance.view_aggregates")
def scorecard_xlsx_view(request):
    month, kind, _ = _choices(request)
    report = board_report(month=month, kind=kind, charts=False)
    record_audit(request.user, "scorecard.exported", object_type="reports.scorecard",
                 detail={"format": "xlsx", "month": f"{report.month:%Y-%m}", "kind": kind})
    response = HttpResponse(
        scorecard_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="scorecard-{report.month:%Y-%m}.xlsx"'
    return response


def _indicator_or_404(indicator_id: str):
    try:
        return library.get(indicator_id)
    except KeyError:
        raise Http404("No such indicator") from None


@login_required
@requires("performance.view_aggregates")
def indicator(request, indicator_id: str):
    """One indicator: trend chart, agency breakdown and commentary for its period; analysts write the commentary."""
    definition = _indicator_or_404(indicator_id)
    month, kind, errors = _choices(request)
    if request.method == "POST":
        if not request.user.has_perm("performance.edit_commentary"):
            raise PermissionDenied
        try:
            save_commentary(definition.id, request.POST.get("period", ""), text=request.POST.get("text", ""),
                            actor=request.user)
        except PerformanceError as exc:
            errors.update(exc.errors)
        else:
            messages.success(request, "Commentary saved")
            return redirect(f"{reverse('reports:indicator', args=[definition.id])}?{request.GET.urlencode()}")
    report = board_report(month=month, kind=kind, ids=[definition.id], charts=False)
    row = report.rows[0]
    effective = library.effective([definition.id])[0]
    england = effective.comparator("england")
    chart = data_uri(trend_chart(row.trend_labels, row.trend_values, title=row.title, target=effective.target,
                        england=england.value if england else None, unit=row.unit))
    record_audit(request.user, "indicator.viewed", object_type="performance.indicator", object_id=definition.id)
    return render(request, "reports/indicator.html", {
        "row": row, "report": report, "chart": chart, "errors": errors,
        "trend": list(zip(row.trend_labels, row.trend_text, strict=True)),
        "commentary_text": request.POST.get("text", row.commentary) if request.method == "POST" else row.commentary,
        "can_comment": request.user.has_perm("performance.edit_commentary"),
        "can_drill": request.user.has_perm("performance.drill_down") and definition.measure in drill.DRILLS,
        "query": request.GET.urlencode(),
    })


def pseudonym(child_id: int) -> str:
    """A stable reference for a child that does not reveal the record id (keyed with the secret key)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"child:{child_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:8].upper()}"


@login_required
@requires("performance.drill_down")
def drilldown(request, indicator_id: str):
    """The records behind an indicator's numerator for a period. Analysts see pseudonymised references and dates only;
    MASH practitioners see the children they may see (through `Child.objects.visible_to`), linked to their pages."""
    definition = _indicator_or_404(indicator_id)
    if definition.measure not in drill.DRILLS:
        record_audit(request.user, "indicator.drilldown", object_type="performance.indicator",
                     object_id=definition.id, outcome="not_found")
        raise Http404("This indicator has no records to list")
    month, kind, _ = _choices(request)
    from safehub.performance.periods import period_containing

    now = timezone.now()
    month = month or (timezone.localdate(now).replace(day=1) - dt.timedelta(days=1))
    period = period_containing(kind or definition.period, month)
    records = drill.records(definition.measure, period, now=now)
    identifiable = request.user.has_perm("people.view_child")
    rows = []
    if identifiable:
        from safehub.people.models import Child

        visible = Child.objects.visible_to(request.user).in_bulk([r.child_id for r in records])
        hidden = 0
        for r in records:
            child = visible.get(r.child_id)
            if child is None:
                hidden += 1
                continue
            rows.append({"child": child, "day": r.day, "what": r.what})
    else:
        hidden = 0
        rows = [{"reference": pseudonym(r.child_id), "day": r.day, "what": r.what} for r in records]
    record_audit(request.user, "indicator.drilldown", object_type="performance.indicator", object_id=definition.id,
                 purpose="Performance drill-down", detail={"period": period.key, "rows": len(rows),
                                                           "identifiable": identifiable})
    return render(request, "reports/drilldown.html", {
        "indicator": definition, "period": period, "rows": rows, "hidden": hidden, "identifiable": identifiable,
        "query": request.GET.urlencode(),
    })
