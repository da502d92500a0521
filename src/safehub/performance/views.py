"""Performance pages: the indicator library (analysts set targets, comparators and the population base) and the
standards self-assessment (agencies rate themselves; the board and analysts see the agency × standard matrix).

No page here shows child-level data.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from safehub.core.access import requires
from safehub.core.audit import record_audit

from . import indicators as library
from . import services
from .models import AssessmentRound, Comparator, PopulationBase, Rag
from .selectors import own_ratings, rounds_for, standards_matrix


def _float(raw: str, field: str, errors: dict, *, required: bool = True, label: str = "a number") -> float | None:
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        if required:
            errors[field] = f"Enter {label}"
        return None
    try:
        return float(raw)
    except ValueError:
        errors[field] = f"Enter {label}, like 85 or 12.5"
        return None


@login_required
@requires("performance.view_aggregates")
def indicator_library(request):
    indicators = library.effective()
    record_audit(request.user, "indicator_library.viewed", object_type="performance.indicator")
    return render(request, "performance/indicators.html", {
        "indicators": indicators, "populations": PopulationBase.objects.all(),
        "can_edit": request.user.has_perm("performance.edit_indicators"),
    })


@login_required
@requires("performance.edit_indicators")
def indicator_edit(request, indicator_id: str):
    """Analysts set the target and tolerance, and enter comparators with their source and year."""
    try:
        indicator = library.effective([library.get(indicator_id).id])[0]
    except KeyError:
        raise Http404("No such indicator") from None
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST
        try:
            if form.get("form") == "comparator":
                value = _float(form.get("value"), "value", errors, label="the comparator value")
                if not errors:
                    services.set_comparator(indicator.id, kind=form.get("kind", ""), value=value,
                                            year=form.get("year", ""), source=form.get("source", ""),
                                            actor=request.user)
                    messages.success(request, "Comparator saved")
                    return redirect("performance:indicator_edit", indicator.id)
            else:
                target = _float(form.get("target"), "target", errors, required=False, label="the target")
                tolerance = _float(form.get("tolerance"), "tolerance", errors, label="the tolerance")
                if not errors:
                    services.set_target(indicator.id, target=target, tolerance=tolerance, actor=request.user,
                                        reason=form.get("reason", ""))
                    messages.success(request, "Target saved")
                    return redirect("performance:indicator_edit", indicator.id)
        except services.PerformanceError as exc:
            errors.update(exc.errors)
    record_audit(request.user, "indicator.edit_viewed", object_type="performance.indicator", object_id=indicator.id)
    return render(request, "performance/indicator_edit.html", {
        "indicator": indicator, "errors": errors, "form": request.POST if request.method == "POST" else {},
        "kinds": Comparator.Kind.choices,
    })


@login_required
@requires("performance.edit_indicators")
def population(request):
    errors: dict[str, str] = {}
    if request.method == "POST":
        year = _float(request.POST.get("year"), "year", errors, label="the year")
        children = _float(request.POST.get("children"), "children", errors, label="the number of children")
        if not errors:
            try:
                services.set_population(year=int(year), children=int(children), source=request.POST.get("source", ""),
                                        actor=request.user)
            except services.PerformanceError as exc:
                errors.update(exc.errors)
            else:
                messages.success(request, "Population base saved")
                return redirect("performance:indicators")
    return render(request, "performance/population.html", {
        "errors": errors, "form": request.POST if request.method == "POST" else {},
        "populations": PopulationBase.objects.all(),
    })


@login_required
@requires("performance.view_standards")
def standards(request):
    rounds = list(rounds_for(request.user))
    return render(request, "performance/standards.html", {
        "rounds": rounds,
        "can_rate": request.user.has_perm("performance.rate_standards"),
        "can_see_matrix": request.user.has_perm("performance.view_standards_matrix"),
    })


def _round_or_404(request, pk: int, action: str) -> AssessmentRound:
    round_ = rounds_for(request.user).filter(pk=pk).first()
    if round_ is None:
        record_audit(request.user, action, object_type="performance.assessmentround", object_id=pk, outcome="not_found")
        raise Http404("No such round")
    record_audit(request.user, action, round_)
    return round_


@login_required
@requires("performance.rate_standards")
def round_rate(request, pk: int):
    """The user's agency rates each standard in the round, with evidence and an action plan."""
    round_ = _round_or_404(request, pk, "assessment_round.rating_viewed")
    if not round_.agencies.filter(pk=request.user.agency_id).exists():
        raise Http404("Your agency is not in this round")
    standards_list = list(round_.standard_set.standards.all())
    errors: dict[str, str] = {}
    if request.method == "POST":
        by_number = {s.number: s for s in standards_list}
        standard = by_number.get(request.POST.get("standard", ""))
        if standard is None:
            errors["standard"] = "Choose a standard to rate"
        else:
            try:
                services.rate_standard(
                    round_, standard, actor=request.user, rag=request.POST.get("rag", ""),
                    evidence=request.POST.get("evidence", ""), action_plan=request.POST.get("action_plan", ""),
                    action_due_on=parse_date(request.POST.get("action_due_on", "") or "") if request.POST.get(
                        "action_due_on") else None,
                    now=timezone.now(),
                )
            except services.PerformanceError as exc:
                errors.update({f"{k}-{standard.number}": v for k, v in exc.errors.items()})
            else:
                messages.success(request, f"Standard {standard.number} rated")
                return redirect("performance:round_rate", round_.pk)
    ratings = own_ratings(round_, request.user.agency_id)
    previous = round_.previous()
    before = own_ratings(previous, request.user.agency_id) if previous else {}
    posted_number = request.POST.get("standard", "") if errors else ""
    rows = [
        {"standard": s, "rating": ratings.get(s.pk), "previous": before.get(s.pk),
         "errors": {k.rsplit("-", 1)[0]: v for k, v in errors.items() if k.endswith(f"-{s.number}")}
         if s.number == posted_number else {}}
        for s in standards_list
    ]
    return render(request, "performance/round_rate.html", {
        "round": round_, "rows": rows, "errors": errors, "rags": Rag.choices, "posted": request.POST,
        "posted_number": posted_number,
        "rated": sum(1 for r in rows if r["rating"]),
    })


@login_required
@requires("performance.view_standards_matrix")
def round_matrix(request, pk: int):
    """Agency × standard RAG matrix with the change since the previous round (agency-level, no child data)."""
    round_ = _round_or_404(request, pk, "assessment_round.matrix_viewed")
    return render(request, "performance/matrix.html", {"matrix": standards_matrix(round_)})
