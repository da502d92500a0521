"""Find a child, the child page and an agency source record. Every read goes through `visible_to` and is audited."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from safehub.core.access import get_visible_or_404, requires

from .child_page import sections_for
from .models import Child, SourceRecord
from .search.forms import PURPOSES, SearchForm
from .search.service import find_children
from .selectors import ChronologyFilters, child_view, chronology


@login_required
@requires("people.search_children")
def search(request):
    """Find a child as you type: ranked by the linkage model, scoped to the user, audited with the purpose given.

    An htmx request (the name box, as the user types) gets the results fragment only; without JavaScript the form
    submits and the whole page comes back.
    """
    form = SearchForm.from_params(request.GET)
    results = find_children(request.user, form.query, purpose=form.purpose) if form.searched else []
    context = {"form": form, "results": results, "searched": form.searched, "purposes": PURPOSES}
    if request.headers.get("HX-Request"):
        return render(request, "people/_search_results.html", context)
    return render(request, "people/search.html", context)


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
    return render(request, "people/child_detail.html", {"view": child_view(request.user, child),
                                                         "sections": sections_for(request.user, child.pk)})


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
