"""The network API (`/api/v1/network`): graphs around a child, person, place or group and of a cohort (the graph pages draw
these with Cytoscape.js), cohorts, hotspots, people linked to several children, new links, shortest paths, and recording a
link. Same querysets, guardrails and audit as the pages; 404 for missing and forbidden alike; 422 names the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from safehub.api.schemas import ErrorOut
from safehub.core.access import get_visible_or_404
from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.people.models import Child, Person

from . import selectors, services
from .models import Group, LinkType, Node, Place
from .selectors import GraphFilters, LinkView, NodeView, Picture

router = Router(tags=["network"])
PURPOSE = "API: network"


class NodeOut(Schema):
    id: str = Field(description="The node's id on this graph, e.g. n12")
    node_id: int | None = Field(description="The node's number (a cohort's number is one of its nodes)")
    kind: str
    label: str = Field(description="Name, or initials and age for a child or person the caller may not open")
    masked: bool
    record_id: int | None = Field(description="The child's, person's, place's... id; null when masked")
    href: str | None
    detail: str
    degree: int = 0
    betweenness: float = 0.0
    focus: bool = False


class EdgeOut(Schema):
    id: str
    link_id: int
    source: str
    target: str
    type: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None
    reported_on: dt.date
    grading: str
    source_reliability: str
    information_assessment: int
    agency: str
    caveat: str
    summary: str
    strength: str = Field(description="strong (A–B and 1–2), medium, or weak (D–E or 4–5)")
    on_path: bool = False


class LegendOut(Schema):
    type: str
    label: str


class GraphOut(Schema):
    focus: str | None
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool
    path: list[str]
    link_types: list[LegendOut]


class CohortOut(Schema):
    key: int = Field(description="The cohort's number: /network/cohorts/{key}/")
    children: list[NodeOut]
    people: list[NodeOut]
    places: list[NodeOut]
    groups: list[NodeOut]
    others: list[NodeOut]
    link_count: int
    latest_link: dt.date | None


class MonthCountOut(Schema):
    month: dt.date
    children: int


class HotspotOut(Schema):
    place: NodeOut
    children: list[NodeOut]
    link_count: int
    by_month: list[MonthCountOut]


class PersonHubOut(Schema):
    person: NodeOut
    children: list[NodeOut]
    link_count: int


class LinkOut(Schema):
    id: int
    source: NodeOut
    target: NodeOut
    type: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None
    reported_on: dt.date
    grading: str
    agency: str
    caveat: str
    summary: str
    recorded_at: dt.datetime


class PathOut(Schema):
    nodes: list[NodeOut]
    links: list[LinkOut]


class LinkIn(Schema):
    from_node: int = Field(description="A node the caller may open (node_id in a graph)")
    to_node: int
    type: LinkType
    valid_from: dt.date
    valid_to: dt.date | None = None
    reported_on: dt.date | None = None
    source_reliability: Literal["A", "B", "C", "D", "E"]
    information_assessment: int = Field(ge=1, le=5)
    caveat: Literal["partnership", "mash_only", "agency_only"] = Caveat.PARTNERSHIP
    summary: str = Field("", max_length=4000)


class ValidationErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ValidationErrorItem]


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role does not include this")


def _invalid(location: str, field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": [location, field], "msg": message, "type": "value_error"}])


def _filters(types: str, since, until, max_reliability: str, max_assessment: int) -> GraphFilters:
    chosen = tuple(t.strip() for t in types.split(",") if t.strip())
    unknown = [t for t in chosen if t not in LinkType.values]
    if unknown:
        raise _invalid("query", "types", f"unknown link type {unknown[0]!r}; use {', '.join(LinkType.values)}")
    if since and until and until < since:
        raise _invalid("query", "until", "must be the same as or after since")
    return GraphFilters(types=chosen, since=since, until=until, max_reliability=max_reliability,
                        max_assessment=max_assessment)


def _node_out(view: NodeView, picture: Picture | None = None) -> NodeOut:
    return NodeOut(
        id=view.element_id, node_id=view.id, kind=view.kind, label=view.label, masked=view.masked,
        record_id=view.record_id, href=view.href, detail=view.detail,
        degree=picture.degree.get(view.id, 0) if picture else 0,
        betweenness=round(picture.betweenness.get(view.id, 0.0), 4) if picture else 0.0,
        focus=bool(picture and picture.focus and picture.focus.element_id == view.element_id),
    )


def _link_out(link: LinkView) -> LinkOut:
    return LinkOut(id=link.id, source=_node_out(link.source), target=_node_out(link.target), type=link.type,
                   label=link.type_label, valid_from=link.valid_from, valid_to=link.valid_to,
                   reported_on=link.reported_on, grading=link.grading, agency=link.agency, caveat=link.caveat,
                   summary=link.summary, recorded_at=link.recorded_at)


def graph_out(picture: Picture) -> GraphOut:
    on_path = set(picture.path_link_ids)
    return GraphOut(
        focus=picture.focus.element_id if picture.focus else None,
        nodes=[_node_out(v, picture) for v in picture.nodes],
        edges=[EdgeOut(id=link.element_id, link_id=link.id, source=link.source.element_id,
                       target=link.target.element_id, type=link.type, label=link.type_label,
                       valid_from=link.valid_from, valid_to=link.valid_to, reported_on=link.reported_on,
                       grading=link.grading, source_reliability=link.source_reliability,
                       information_assessment=link.information_assessment, agency=link.agency, caveat=link.caveat,
                       summary=link.summary, strength=link.strength, on_path=link.id in on_path)
               for link in picture.links],
        truncated=picture.truncated,
        path=[f"n{n}" for n in picture.path],
        link_types=[LegendOut(type=value, label=label) for value, label in LinkType.choices],
    )


GRAPH_RESPONSES = {200: GraphOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class FilterParams(Schema):
    types: str = Field("", description="Comma-separated link types; empty: all")
    since: dt.date | None = Field(None, description="Links that held on or after this date")
    until: dt.date | None = Field(None, description="Links that held on or before this date")
    max_reliability: Literal["A", "B", "C", "D", "E"] = Field("E", description="Weakest source reliability to include")
    max_assessment: int = Field(5, ge=1, le=5, description="Weakest information assessment to include")
    path_to: int | None = Field(None, description="Also mark the shortest link path from the focus to this node")


def _record_graph(request, model, pk: int, params: FilterParams) -> GraphOut:
    _require(request, "network.view_network")
    filters = _filters(params.types, params.since, params.until, params.max_reliability, params.max_assessment)
    record = get_visible_or_404(model.objects.visible_to(request.user), request.user, pk=pk, action="network.graph.view",
                                purpose=PURPOSE)
    today = timezone.localdate()
    picture = selectors.graph_around(request.user, record, filters=filters, today=today)
    if params.path_to is not None:
        picture = selectors.with_path(request.user, picture, params.path_to, filters=filters, today=today)
    return graph_out(picture)


@router.get("/children/{child_id}/graph", response=GRAPH_RESPONSES, url_name="network_child_graph")
def child_graph(request, child_id: int, params: Query[FilterParams]):
    """The records within two links of a child. Other children the caller may not open appear by initials and age."""
    return _record_graph(request, Child, child_id, params)


@router.get("/people/{person_id}/graph", response=GRAPH_RESPONSES, url_name="network_person_graph")
def person_graph(request, person_id: int, params: Query[FilterParams]):
    return _record_graph(request, Person, person_id, params)


@router.get("/places/{place_id}/graph", response=GRAPH_RESPONSES, url_name="network_place_graph")
def place_graph(request, place_id: int, params: Query[FilterParams]):
    return _record_graph(request, Place, place_id, params)


@router.get("/groups/{group_id}/graph", response=GRAPH_RESPONSES, url_name="network_group_graph")
def group_graph(request, group_id: int, params: Query[FilterParams]):
    return _record_graph(request, Group, group_id, params)


@router.get("/cohorts/{node_id}/graph", response=GRAPH_RESPONSES, url_name="network_cohort_graph")
def cohort_graph(request, node_id: int, params: Query[FilterParams]):
    """Everything connected to a node by links the caller may see (partnership roles)."""
    _require(request, "network.view_cohorts")
    filters = _filters(params.types, params.since, params.until, params.max_reliability, params.max_assessment)
    node = get_visible_or_404(Node.objects.visible_to(request.user), request.user, pk=node_id,
                              action="network.cohort.view", purpose=PURPOSE)
    picture = selectors.cohort_picture(request.user, node, filters=filters, today=timezone.localdate())
    return graph_out(picture)


@router.get("/cohorts", response={200: list[CohortOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
            url_name="network_cohorts")
def cohort_list(request, min_children: int = Query(2, ge=2, le=50)):
    """Clusters of children joined by links the caller may see, largest first."""
    _require(request, "network.view_cohorts")
    found = selectors.cohorts(request.user, min_children=min_children, today=timezone.localdate())
    record_audit(request.user, "network.cohorts.view", purpose=PURPOSE, detail={"cohorts": [c.key for c in found]})
    return [CohortOut(key=c.key, children=[_node_out(v) for v in c.children], people=[_node_out(v) for v in c.people],
                      places=[_node_out(v) for v in c.places], groups=[_node_out(v) for v in c.groups],
                      others=[_node_out(v) for v in c.others], link_count=c.link_count, latest_link=c.latest_link)
            for c in found]


@router.get("/hotspots", response={200: list[HotspotOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
            url_name="network_hotspots")
def hotspot_list(request, since: dt.date | None = None, until: dt.date | None = None,
                 min_children: int = Query(2, ge=1, le=50)):
    """Places linked to at least `min_children` children by links that held in the period (default: the last 180 days),
    with children per month."""
    _require(request, "network.view_network")
    today = timezone.localdate()
    until = until or today
    since = since or until - dt.timedelta(days=180)
    if until < since:
        raise _invalid("query", "until", "must be the same as or after since")
    found = selectors.hotspots(request.user, since, min_children, until=until, today=today)
    record_audit(request.user, "network.hotspots.view", purpose=PURPOSE,
                 detail={"since": since, "until": until, "places": [h.place.id for h in found]})
    return [HotspotOut(place=_node_out(h.place), children=[_node_out(v) for v in h.children], link_count=h.link_count,
                       by_month=[MonthCountOut(month=m, children=n) for m, n in h.by_month]) for h in found]


@router.get("/people-linked", response={200: list[PersonHubOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
            url_name="network_people_linked")
def people_linked(request, min_children: int = Query(2, ge=1, le=50)):
    """People linked directly to at least `min_children` children."""
    _require(request, "network.view_network")
    found = selectors.people_linked_to_children(request.user, min_children, today=timezone.localdate())
    record_audit(request.user, "network.people_linked.view", purpose=PURPOSE,
                 detail={"people": [h.person.id for h in found]})
    return [PersonHubOut(person=_node_out(h.person), children=[_node_out(v) for v in h.children],
                         link_count=h.link_count) for h in found]


@router.get("/links", response={200: list[LinkOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
            url_name="network_links")
def new_links(request, since: dt.date | None = None):
    """Links recorded on or after `since` (default: 30 days ago) that the caller may see, newest first."""
    _require(request, "network.view_network")
    today = timezone.localdate()
    found = selectors.new_links_since(request.user, since or today - dt.timedelta(days=30), today=today)
    record_audit(request.user, "network.new_links.view", purpose=PURPOSE, detail={"links": [link.id for link in found]})
    return [_link_out(link) for link in found]


@router.post("/links", response={201: LinkOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
             url_name="network_links")
def create_link(request, payload: LinkIn):
    """Record a link between two nodes the caller may open, owned by the caller's agency. 422 names each bad field."""
    _require(request, "network.record_link")
    user = request.user
    if user.agency_id is None:
        raise _invalid("body", "from_node", "your account is not linked to an agency, so the link cannot be owned")
    visible = Node.objects.visible_to(user).select_related(
        "child", "person", "place", "group", "vehicle", "online_identity")
    start = get_visible_or_404(visible, user, pk=payload.from_node, action="network.link.start", purpose=PURPOSE)
    end = visible.filter(pk=payload.to_node).first()
    if end is None:
        raise _invalid("body", "to_node", "no record you may see has this node number")
    try:
        link = services.record_link(
            from_record=start.record, to_record=end.record, type=payload.type, valid_from=payload.valid_from,
            valid_to=payload.valid_to, reported_on=payload.reported_on, agency=user.agency,
            source_reliability=payload.source_reliability, information_assessment=payload.information_assessment,
            caveat=payload.caveat, summary=payload.summary, actor=user, now=timezone.now(),
        )
    except DjangoValidationError as error:
        names = {"to_record": "to_node"}
        raise ValidationError([
            {"loc": ["body", "payload", names.get(name, name)], "msg": message, "type": "value_error"}
            for name, messages in error.message_dict.items() for message in messages
        ]) from None
    views = selectors.describe_nodes(user, [link.from_node_id, link.to_node_id], timezone.localdate())
    return Status(201, _link_out(selectors.LinkView(
        id=link.pk, source=views[link.from_node_id], target=views[link.to_node_id], type=link.type,
        type_label=link.get_type_display(), valid_from=link.valid_from, valid_to=link.valid_to,
        reported_on=link.reported_on, source_reliability=link.source_reliability,
        information_assessment=link.information_assessment, agency=link.agency.name, caveat=link.caveat,
        summary=link.summary, recorded_at=link.recorded_at)))


@router.get("/path", response={200: PathOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
            url_name="network_path")
def path(request, from_node: int | None = None, to_node: int | None = None):
    """The fewest-links path between two nodes over links the caller may see; 404 when there is none."""
    _require(request, "network.view_network")
    if from_node is None or to_node is None:
        raise _invalid("query", "from_node" if from_node is None else "to_node", "give both from_node and to_node")
    found = selectors.shortest_path(request.user, from_node, to_node, today=timezone.localdate())
    record_audit(request.user, "network.path.view", purpose=PURPOSE, outcome="ok" if found else "not_found",
                 detail={"from_node": from_node, "to_node": to_node})
    if found is None:
        return Status(404, ErrorOut(detail="No path you may see joins these records"))
    nodes, links = found
    return PathOut(nodes=[_node_out(v) for v in nodes], links=[_link_out(link) for link in links])
