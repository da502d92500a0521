"""Find a child, the child page and an agency source record. Every read goes through `visible_to` and is audited."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit

from .models import Child, SourceRecord
from .selectors import ChronologyFilters, child_view, chronology, search_children


def _parse_dob(request) -> tuple[date | None, str]:
    parts = [request.GET.get(f"dob-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, ""
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900:
            raise ValueError
        return date(year, month, day), ""
    except ValueError:
        return None, "Date of birth must be a real date, for example 27 3 2014"


@login_required
@requires("people.search_children")
def search(request):
    name = request.GET.get("name", "").strip()[:100]
    dob, dob_error = _parse_dob(request)
    searched = bool(name or dob) and not dob_error
    results = list(search_children(request.user, name=name, date_of_birth=dob)) if searched else []
    if searched:
        record_audit(
            request.user,
            "child.search",
            object_type="people.child",
            purpose="Find a child",
            detail={"name": name, "date_of_birth": dob, "results": [hit.child_id for hit in results]},
        )
    return render(
        request,
        "people/search.html",
        {
            "name": name,
            "dob": {p: request.GET.get(f"dob-{p}", "") for p in ("day", "month", "year")},
            "dob_error": dob_error,
            "searched": searched,
            "results": results,
        },
    )


@login_required
@requires("people.view_child")
def child_detail(request, pk: int):
    child = get_visible_or_404(
        Child.objects.visible_to(request.user),
        request.user,
        pk=pk,
        action="child.view",
        purpose=request.GET.get("purpose", "Safeguarding enquiry")[:200],
    )
    if child.merged_into_id:
        messages.info(request, "This record was found to be the same child as another and has been merged into it.")
        return redirect("people:child", child.merged_into_id)
    return render(request, "people/child_detail.html", {"view": child_view(request.user, child)})


@login_required
@requires("people.view_source_record")
def source_record_detail(request, pk: int):
    record = get_visible_or_404(
        SourceRecord.objects.visible_to(request.user).select_related("agency", "link"),
        request.user,
        pk=pk,
        action="source_record.view",
    )
    return render(request, "people/source_record_detail.html", {"record": record})


def _parse_iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@requires("people.view_child")
def child_chronology(request, pk: int):
    child = get_visible_or_404(Child.objects.visible_to(request.user), request.user, pk=pk, action="child.chronology_view",
                               purpose=request.GET.get("purpose", "Safeguarding enquiry")[:200])
    if child.merged_into_id:
        return redirect("people:chronology", child.merged_into_id)
    significance = request.GET.get("significance", "")
    filters = ChronologyFilters(
        agency=request.GET.get("agency", "")[:40],
        type=request.GET.get("type", "")[:40],
        significance=int(significance) if significance in ("2", "3") else None,
        date_from=_parse_iso(request.GET.get("from", "")),
        date_to=_parse_iso(request.GET.get("to", "")),
    )
    everything = chronology(request.user, child)
    return render(request, "people/chronology.html", {
        "view": child_view(request.user, child),
        "events": chronology(request.user, child, filters),
        "filters": filters,
        "agencies": sorted({(e.agency.code, e.agency.name) for e in everything}, key=lambda a: a[1]),
        "types": sorted({e.type for e in everything}),
    })
