"""Network pages: the overview, graph pages around a child, person, place or group and a cohort (Cytoscape.js draws the
graph from the API; the page also lists every link as a table), cohorts, hotspots (table and chart), counts for the board,
recording a record or a link, and server-side PNG/SVG exports for panel packs (`?export=png` on a graph page).

Every page about a record fetches it through `get_visible_or_404`, which audits the view once; list pages audit themselves.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safehub.core.access import get_visible_or_404, requires
from safehub.core.audit import record_audit
from safehub.people.models import Child, Person

from . import charts, services
from .analysis import month_starts
from .forms import GraphFilterForm, LinkForm, NewRecordForm
from .models import Group, LinkType, Node, NodeKind, OnlineIdentity, PersonOfConcern, Place, Vehicle
from .selectors import (
    GraphFilters,
    aggregate_counts,
    cohort_picture,
    cohorts,
    focus_view,
    graph_around,
    hotspots,
    new_links_since,
    people_linked_to_children,
    visible_records,
    with_path,
)

PURPOSE = "Contextual safeguarding: network"
KINDS = {
    NodeKind.CHILD: (Child, "network:child", "api:network_child_graph", "network:add_child_link"),
    NodeKind.PERSON: (Person, "network:person", "api:network_person_graph", "network:add_person_link"),
    NodeKind.PLACE: (Place, "network:place", "api:network_place_graph", "network:add_place_link"),
    NodeKind.GROUP: (Group, "network:group", "api:network_group_graph", "network:add_group_link"),
}


def _today() -> dt.date:
    return timezone.localdate()


def _filter_form(request) -> GraphFilterForm:
    if not any(name in request.GET for name in GraphFilterForm.base_fields):
        return GraphFilterForm()
    return GraphFilterForm(request.GET)


def _record(request, kind: str, pk: int, action: str):
    model = KINDS[kind][0]
    return get_visible_or_404(model.objects.visible_to(request.user), request.user, pk=pk, action=action, purpose=PURPOSE)


def _title(kind: str, record, focus) -> str:
    if kind == NodeKind.CHILD:
        return focus.label if focus else "Child"
    return focus.label if focus else str(record)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _graph_response(request, *, picture, title: str, caption: str, json_url: str, add_link_url: str | None,
                    back: tuple[str, str] | None, form: GraphFilterForm, filters: GraphFilters, export_base: str):
    path_to = _int(request.GET.get("path_to"))
    if path_to is not None:
        picture = with_path(request.user, picture, path_to, filters=filters, today=_today())
    export = request.GET.get("export")
    if export in ("png", "svg"):
        body = charts.graph_image(picture, title=title, fmt=export)
        response = HttpResponse(body, content_type="image/png" if export == "png" else "image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="network-{export_base}.{export}"'
        return response
    query = filters.query_string()
    return render(request, "network/graph.html", {
        "picture": picture, "title": title, "caption": caption, "form": form, "filters": filters,
        "json_url": json_url + (f"?{query}" if query else ""), "add_link_url": add_link_url, "back": back,
        "export_query": query, "link_types": LinkType.choices, "path_to": path_to,
        "path_targets": [v for v in picture.nodes if v.id is not None and picture.focus and v.id != picture.focus.id],
        "can_record": request.user.has_perm("network.record_link"),
    })


def _record_graph(request, kind: str, pk: int):
    record = _record(request, kind, pk, "network.graph.view")
    if kind == NodeKind.CHILD and record.merged_into_id:
        return redirect("network:child", record.merged_into_id)
    form = _filter_form(request)
    filters = form.filters()
    picture = graph_around(request.user, record, filters=filters, today=_today())
    _model, page, api_name, add_name = KINDS[kind]
    title = _title(kind, record, picture.focus)
    back = None
    if kind == NodeKind.CHILD:
        back = (reverse("people:child", args=[record.pk]), f"Back to {title}")
    return _graph_response(
        request, picture=picture, title=title, caption=f"Network — {NodeKind(kind).label.lower()}",
        json_url=reverse(api_name, args=[record.pk]), add_link_url=reverse(add_name, args=[record.pk]), back=back,
        form=form, filters=filters, export_base=f"{kind}-{record.pk}",
    )


@login_required
@requires("network.view_network")
def child_graph(request, pk: int):
    return _record_graph(request, NodeKind.CHILD, pk)


@login_required
@requires("network.view_network")
def person_graph(request, pk: int):
    return _record_graph(request, NodeKind.PERSON, pk)


@login_required
@requires("network.view_network")
def place_graph(request, pk: int):
    return _record_graph(request, NodeKind.PLACE, pk)


@login_required
@requires("network.view_network")
def group_graph(request, pk: int):
    return _record_graph(request, NodeKind.GROUP, pk)


@login_required
@requires("network.view_cohorts")
def cohort_graph(request, pk: int):
    """A cohort: everything connected to node `pk` (the number the cohorts list gives) by links the user may see."""
    node = get_visible_or_404(Node.objects.visible_to(request.user), request.user, pk=pk, action="network.cohort.view",
                              purpose=PURPOSE)
    form = _filter_form(request)
    filters = form.filters()
    picture = cohort_picture(request.user, node, filters=filters, today=_today())
    children = sum(1 for v in picture.nodes if v.kind == NodeKind.CHILD)
    return _graph_response(
        request, picture=picture, title=f"Cohort {pk}", caption=f"{children} children, {len(picture.links)} links",
        json_url=reverse("api:network_cohort_graph", args=[pk]), add_link_url=None,
        back=(reverse("network:cohorts"), "Back to cohorts"), form=form, filters=filters, export_base=f"cohort-{pk}",
    )


@login_required
@requires("network.view_network")
def home(request):
    today = _today()
    user = request.user
    context = {
        "records": visible_records(user),
        "new_links": new_links_since(user, today - dt.timedelta(days=30), today=today)[:20],
        "people": people_linked_to_children(user, 2, today=today)[:10],
        "hotspots": hotspots(user, today - dt.timedelta(days=90), 2, today=today)[:10],
        "can_cohorts": user.has_perm("network.view_cohorts"),
        "can_record": user.has_perm("network.record_link"),
    }
    record_audit(user, "network.overview.view", purpose=PURPOSE, detail={
        "new_links": [link.id for link in context["new_links"]]})
    return render(request, "network/home.html", context)


@login_required
@requires("network.view_cohorts")
def cohort_list(request):
    form = _filter_form(request)
    min_children = min(max(_int(request.GET.get("min_children")) or 2, 2), 50)
    found = cohorts(request.user, filters=form.filters(), min_children=min_children, today=_today())
    record_audit(request.user, "network.cohorts.view", purpose=PURPOSE, detail={"cohorts": [c.key for c in found]})
    return render(request, "network/cohorts.html", {"cohorts": found, "form": form, "min_children": min_children})


def _hotspot_params(request) -> tuple[dt.date, dt.date, int, list[str]]:
    today = _today()
    errors = []
    form = GraphFilterForm({"since": request.GET.get("since", ""), "until": request.GET.get("until", "")})
    since, until = today - dt.timedelta(days=180), today
    if form.is_valid():
        since = form.cleaned_data.get("since") or since
        until = form.cleaned_data.get("until") or until
    else:
        errors = [message for _anchor, message in form.error_links()]
    if (until - since).days > 3 * 366:
        since = until - dt.timedelta(days=3 * 366)
    min_children = min(max(_int(request.GET.get("min_children")) or 2, 2), 50)
    return since, until, min_children, errors


@login_required
@requires("network.view_network")
def hotspot_list(request):
    since, until, min_children, errors = _hotspot_params(request)
    found = hotspots(request.user, since, min_children, until=until, today=_today())
    record_audit(request.user, "network.hotspots.view", purpose=PURPOSE,
                 detail={"since": since, "until": until, "places": [h.place.id for h in found]})
    months = month_starts(since, until)
    return render(request, "network/hotspots.html", {
        "hotspots": found, "since": since, "until": until, "min_children": min_children, "errors": errors,
        "months": months, "rows": [(h, [dict(h.by_month).get(m, 0) for m in months]) for h in found],
        "chart_query": request.GET.urlencode(),
    })


@login_required
@requires("network.view_network")
def hotspot_chart(request):
    since, until, min_children, _errors = _hotspot_params(request)
    found = hotspots(request.user, since, min_children, until=until, today=_today())
    return HttpResponse(charts.hotspot_chart(found, month_starts(since, until)), content_type="image/png")


@login_required
@requires("network.view_aggregates")
def hotspot_counts(request):
    """Counts only, for the board and analysts: no child, person or place is named, and small numbers are suppressed."""
    today = _today()
    since = month_starts(today - dt.timedelta(days=335), today)[0]
    counts = aggregate_counts(since=since, until=today)
    record_audit(request.user, "network.aggregates.view", purpose="Partnership oversight")
    return render(request, "network/hotspot_counts.html", {"counts": counts})


def _agency_or_error(request, form) -> bool:
    if request.user.agency_id is None:
        form.add_error(None, "Your account is not linked to an agency, so what you record cannot be owned. Ask your "
                             "safehub administrator.")
        return False
    return True


@login_required
@requires("network.record_link")
@require_http_methods(["GET", "POST"])
def new_record(request):
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    form = NewRecordForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid() and _agency_or_error(request, form):
        data, user, now = form.cleaned_data, request.user, timezone.now()
        common = {"actor": user, "agency": user.agency, "now": now, "caveat": data["caveat"]}
        try:
            record = _create_record(data, common)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Recorded.")
            for model, page, *_rest in KINDS.values():
                target = record.person if isinstance(record, PersonOfConcern) else record
                if isinstance(target, model):
                    return redirect(page, target.pk)
            return redirect("network:home")
    return render(request, "network/new_record.html", {"form": form, "kind": kind})


def _create_record(data: dict, common: dict):
    kind, name = data["kind"], data["name"].strip()
    if kind == NodeKind.PLACE:
        return services.create_place(name=name, kind=data.get("place_kind") or Place.Kind.OTHER,
                                     address=data.get("address", ""), postcode=data.get("postcode", ""), **common)
    if kind == NodeKind.GROUP:
        return services.create_group(name=name, kind=data.get("group_kind") or Group.Kind.PEER_GROUP, **common)
    if kind == NodeKind.VEHICLE:
        return services.create_vehicle(registration=name, **common)
    if kind == NodeKind.ONLINE_IDENTITY:
        return services.create_online_identity(handle=name, platform=data.get("platform") or "other", **common)
    given, _, family = name.partition(" ")
    return services.create_person_of_concern(given_name=given, family_name=family, aliases=data.get("aliases", ""),
                                             age_from=data.get("age_from"), age_to=data.get("age_to"), **common)


def _candidates(user, exclude: tuple[str, int]) -> tuple[list[tuple[str, str]], dict[str, object]]:
    """Records the user may see, for the "linked to" list: ("place:12", "Place: Riverside Hotel, AB1 2CD")."""
    choices, objects = [], {}
    sources = [
        (NodeKind.PLACE, Place.objects.visible_to(user), lambda p: f"Place: {p.name}" + (f", {p.postcode}" if p.postcode
                                                                                          else "")),
        (NodeKind.GROUP, Group.objects.visible_to(user), lambda g: f"Group: {g.name}"),
        (NodeKind.PERSON, PersonOfConcern.objects.visible_to(user).select_related("person"),
         lambda p: f"Person of concern: {p.person.full_name}"),
        (NodeKind.VEHICLE, Vehicle.objects.visible_to(user), lambda v: f"Vehicle: {v}"),
        (NodeKind.ONLINE_IDENTITY, OnlineIdentity.objects.visible_to(user), lambda o: f"Online identity: {o}"),
    ]
    for kind, queryset, label in sources:
        for record in queryset[:500]:
            target = record.person if isinstance(record, PersonOfConcern) else record
            if (kind, target.pk) == exclude:
                continue
            key = f"{kind}:{target.pk}"
            choices.append((key, label(record)))
            objects[key] = target
    return choices, objects


def _add_link(request, kind: str, pk: int):
    record = _record(request, kind, pk, "network.link.start")
    choices, objects = _candidates(request.user, (kind, record.pk))
    form = LinkForm(request.POST or None, from_kind=kind, candidates=choices)
    page = KINDS[kind][1]
    if request.method == "POST" and form.is_valid() and _agency_or_error(request, form):
        data = form.cleaned_data
        target = objects.get(data["to_record"]) if data.get("to_record") else None
        if data.get("to_child"):
            target = Child.objects.visible_to(request.user).filter(pk=data["to_child"], merged_into__isnull=True).first()
            if target is None:
                form.add_error("to_child", "There is no child you may see with this safehub number")
        if target is not None:
            try:
                services.record_link(
                    from_record=record, to_record=target, type=data["type"], valid_from=data["valid_from"],
                    valid_to=data.get("valid_to"), reported_on=data.get("reported_on"), agency=request.user.agency,
                    source_reliability=data["source_reliability"],
                    information_assessment=data["information_assessment"], caveat=data["caveat"],
                    summary=data.get("summary", ""), actor=request.user, now=timezone.now(),
                )
            except ValidationError as error:
                errors = error.message_dict
                if "to_record" in errors and data.get("to_child"):
                    errors["to_child"] = errors.pop("to_record")
                form.add_service_errors(ValidationError(errors))
            else:
                messages.success(request, "Link recorded.")
                return redirect(page, record.pk)
    focus_label = focus_view(request.user, record, _today()).label
    return render(request, "network/link_form.html", {
        "form": form, "record": record, "kind": kind, "focus_label": focus_label, "back": reverse(page, args=[record.pk]),
    })


@login_required
@requires("network.record_link")
@require_http_methods(["GET", "POST"])
def add_child_link(request, pk: int):
    return _add_link(request, NodeKind.CHILD, pk)


@login_required
@requires("network.record_link")
@require_http_methods(["GET", "POST"])
def add_person_link(request, pk: int):
    return _add_link(request, NodeKind.PERSON, pk)


@login_required
@requires("network.record_link")
@require_http_methods(["GET", "POST"])
def add_place_link(request, pk: int):
    return _add_link(request, NodeKind.PLACE, pk)


@login_required
@requires("network.record_link")
@require_http_methods(["GET", "POST"])
def add_group_link(request, pk: int):
    return _add_link(request, NodeKind.GROUP, pk)
