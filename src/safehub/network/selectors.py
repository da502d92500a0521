"""Read queries over the network. Every function takes the user and reads links through `Link.objects.visible_to(user)`.

What a user is shown of each record on a graph (`NodeView`): children and people they may open by name (an agency
contributor sees the name their own agency's record gives); other children and people by initials and age only, with no
link to their page; places, groups, vehicles and online identities by name (a link only reaches the graph when its ends'
caveats allow). The meetings app reads `cohorts`, `hotspots`, `people_linked_to_children` and `new_links_since`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

import networkx as nx
from django.urls import reverse
from django.utils import timezone

from safehub.core.roles import PARTNERSHIP_CASE_ROLES
from safehub.people.models import Child, Person, SourceRecord

from . import analysis
from .analysis import LinkFact
from .models import (
    NODE_FIELDS,
    Group,
    InformationAssessment,
    Link,
    Node,
    NodeKind,
    PersonOfConcern,
    Place,
    SourceReliability,
)

GRAPH_RADIUS = 2
GRAPH_LIMIT = 400  # records on one picture; beyond this the nearest are kept and the page says so
SMALL_NUMBER = 5  # aggregate counts below this are shown as "fewer than 5"
PAGES = {
    NodeKind.CHILD: "network:child",
    NodeKind.PERSON: "network:person",
    NodeKind.PLACE: "network:place",
    NodeKind.GROUP: "network:group",
}


@dataclass(frozen=True)
class GraphFilters:
    """Which links to draw: types (none chosen: all), the period they held in, and the weakest grading to include."""

    types: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    max_reliability: str = SourceReliability.E
    max_assessment: int = InformationAssessment.SUSPECT

    def apply(self, links):
        if self.types:
            links = links.filter(type__in=self.types)
        links = links.current_between(self.since, self.until)
        if self.max_reliability != SourceReliability.E:
            links = links.filter(source_reliability__lte=self.max_reliability)
        if self.max_assessment != InformationAssessment.SUSPECT:
            links = links.filter(information_assessment__lte=self.max_assessment)
        return links

    def query_string(self) -> str:
        params: list[tuple[str, str]] = [("types", ",".join(self.types))] if self.types else []
        if self.since:
            params.append(("since", self.since.isoformat()))
        if self.until:
            params.append(("until", self.until.isoformat()))
        if self.max_reliability != SourceReliability.E:
            params.append(("max_reliability", self.max_reliability))
        if self.max_assessment != InformationAssessment.SUSPECT:
            params.append(("max_assessment", str(self.max_assessment)))
        return urlencode(params)

    @property
    def active(self) -> bool:
        return self != GraphFilters()


@dataclass(frozen=True)
class NodeView:
    """A record as this user may be shown it on a graph."""

    id: int | None  # the node's id (None: a record not yet linked to anything)
    kind: str
    label: str
    masked: bool = False  # shown by initials and age only
    href: str | None = None
    record_id: int | None = None  # the child's, person's, place's... id; None when masked
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return NodeKind(self.kind).label

    @property
    def element_id(self) -> str:
        return f"n{self.id}" if self.id is not None else "focus"


@dataclass(frozen=True)
class LinkView:
    id: int
    source: NodeView
    target: NodeView
    type: str
    type_label: str
    valid_from: date
    valid_to: date | None
    reported_on: date
    source_reliability: str
    information_assessment: int
    agency: str
    caveat: str
    summary: str  # blank when either end is masked: an agency's words may name someone the reader may not see
    recorded_at: dt.datetime

    @property
    def grading(self) -> str:
        return f"{self.source_reliability}{self.information_assessment}"

    @property
    def element_id(self) -> str:
        return f"l{self.id}"

    @property
    def strength(self) -> str:
        """strong: A–B and 1–2; weak: D–E or 4–5; otherwise medium (the graph draws strong links solid)."""
        if self.source_reliability in "AB" and self.information_assessment <= 2:
            return "strong"
        if self.source_reliability in "DE" or self.information_assessment >= 4:
            return "weak"
        return "medium"


@dataclass
class Picture:
    """A graph to draw: the records, the links between them, and each record's degree and betweenness on this picture."""

    focus: NodeView | None
    nodes: list[NodeView]
    links: list[LinkView]
    degree: dict[int, int] = field(default_factory=dict)
    betweenness: dict[int, float] = field(default_factory=dict)
    truncated: bool = False
    path: list[int] = field(default_factory=list)  # node ids of a highlighted shortest path, if asked for

    def most_connected(self, n: int = 5) -> list[tuple[NodeView, int, float]]:
        ranked = sorted((v for v in self.nodes if v.id is not None),
                        key=lambda v: (-self.betweenness.get(v.id, 0.0), -self.degree.get(v.id, 0), v.id))
        return [(v, self.degree.get(v.id, 0), self.betweenness.get(v.id, 0.0)) for v in ranked[:n]]

    @property
    def path_link_ids(self) -> list[int]:
        pairs = {frozenset(p) for p in zip(self.path, self.path[1:], strict=False)}
        return [link.id for link in self.links if frozenset((link.source.id, link.target.id)) in pairs]


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def initials(given: str, family: str) -> str:
    letters = [part[0].upper() for part in (given.strip(), family.strip()) if part]
    return "".join(f"{letter}." for letter in letters) or "Not known"


def _partnership(user) -> bool:
    return bool(user.role_codes & PARTNERSHIP_CASE_ROLES)


def _names_seen_by(user, kind: str, ids: set[int]) -> dict[int, tuple[str, date | None]]:
    """Name and date of birth of each visible child or person, as this user may read them: the single view for partnership
    roles, their own agency's record for contributors."""
    if not ids:
        return {}
    model = Child if kind == NodeKind.CHILD else Person
    if _partnership(user):
        return {s.pk: (s.full_name, s.date_of_birth) for s in model.objects.filter(pk__in=ids)}
    out: dict[int, tuple[str, date | None]] = {}
    records = SourceRecord.objects.visible_to(user).filter(**{f"link__{kind}_id__in": ids}).select_related("link")
    for record in records.order_by("pk"):
        out.setdefault(getattr(record.link, f"{kind}_id"), (record.full_name, record.date_of_birth))
    return out


def describe_nodes(user, node_ids, today: date) -> dict[int, NodeView]:
    """What this user may be shown of each node (see the module docstring). Nodes they may not see at all are left out."""
    node_ids = set(node_ids)
    nodes = list(Node.objects.filter(pk__in=node_ids).select_related(
        "child", "person", "person__concern_profile", "place", "group", "vehicle", "online_identity"))
    child_ids = {n.child_id for n in nodes if n.child_id}
    person_ids = {n.person_id for n in nodes if n.person_id}
    open_children = set(Child.objects.visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    open_people = set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    profiles = set(PersonOfConcern.objects.visible_to(user).filter(person_id__in=open_people)
                   .values_list("person_id", flat=True))
    child_names = _names_seen_by(user, NodeKind.CHILD, open_children)
    person_names = _names_seen_by(user, NodeKind.PERSON, open_people)
    shown = set(Node.objects.shown_to(user).filter(pk__in=node_ids).values_list("pk", flat=True))
    views = {}
    for node in nodes:
        if node.pk not in shown:
            continue
        views[node.pk] = _node_view(node, today, open_children=open_children, open_people=open_people,
                                    profiles=profiles, child_names=child_names, person_names=person_names)
    return views


def _masked(node: Node, subject, today: date, what: str) -> NodeView:
    age = age_on(subject.date_of_birth, today)
    if age is None and node.kind == NodeKind.PERSON:
        profile = getattr(subject, "concern_profile", None) if hasattr(subject, "concern_profile") else None
        age_text = f"age {profile.age_range}" if profile and profile.age_range else "age not known"
    else:
        age_text = f"age {age}" if age is not None else "age not known"
    label = f"{initials(subject.given_name, subject.family_name)}, {age_text}"
    return NodeView(node.pk, node.kind, label, masked=True, detail=f"{what} not in your records: initials and age only")


def _node_view(node: Node, today: date, *, open_children, open_people, profiles, child_names, person_names) -> NodeView:
    kind = node.kind
    if kind == NodeKind.CHILD:
        if node.child_id not in open_children:
            return _masked(node, node.child, today, "A child")
        name, born = child_names.get(node.child_id, (node.child.full_name, node.child.date_of_birth))
        age = age_on(born, today)
        return NodeView(node.pk, kind, name, href=reverse(PAGES[kind], args=[node.child_id]), record_id=node.child_id,
                        detail=f"Child, age {age}" if age is not None else "Child")
    if kind == NodeKind.PERSON:
        if node.person_id not in open_people:
            return _masked(node, node.person, today, "A person")
        name, born = person_names.get(node.person_id, (node.person.full_name, node.person.date_of_birth))
        detail = "Person"
        if node.person_id in profiles:
            profile = node.person.concern_profile
            detail = f"Person of concern ({profile.get_concern_level_display().lower()})"
            if name == "Name not known" and profile.alias_list:
                name = f"Known as {profile.alias_list[0]}"
        return NodeView(node.pk, kind, name, href=reverse(PAGES[kind], args=[node.person_id]), record_id=node.person_id,
                        detail=detail)
    record = node.record
    if kind == NodeKind.PLACE:
        detail = record.get_kind_display() + (f", {record.postcode}" if record.postcode else "")
        return NodeView(node.pk, kind, record.name, href=reverse(PAGES[kind], args=[record.pk]), record_id=record.pk,
                        detail=detail)
    if kind == NodeKind.GROUP:
        return NodeView(node.pk, kind, record.name, href=reverse(PAGES[kind], args=[record.pk]), record_id=record.pk,
                        detail=record.get_kind_display())
    return NodeView(node.pk, kind, str(record), record_id=record.pk, detail=NodeKind(kind).label)


def focus_view(user, record, today: date) -> NodeView:
    """The page's own record, even when it is not linked to anything yet."""
    from .services import kind_of  # a pure helper; services do not import selectors

    kind = kind_of(record)
    node = Node.objects.filter(**{NODE_FIELDS[kind]: record}).first()
    if node is not None:
        view = describe_nodes(user, [node.pk], today).get(node.pk)
        if view is not None:
            return view
        node = None
    label = record.full_name if kind in (NodeKind.CHILD, NodeKind.PERSON) else str(record)
    return NodeView(None, kind, label, record_id=record.pk)


def _facts(user, filters: GraphFilters) -> tuple[dict[int, str], list[LinkFact]]:
    rows = filters.apply(Link.objects.visible_to(user)).values_list(
        "pk", "from_node_id", "to_node_id", "type", "valid_from", "valid_to", "from_node__kind", "to_node__kind")
    kinds: dict[int, str] = {}
    facts = []
    for pk, a, b, link_type, start, end, a_kind, b_kind in rows.order_by("pk"):
        kinds[a], kinds[b] = a_kind, b_kind
        facts.append(LinkFact(pk, a, b, link_type, start, end))
    return kinds, facts


def _link_views(link_ids, nodes: dict[int, NodeView]) -> list[LinkView]:
    out = []
    for link in Link.objects.filter(pk__in=list(link_ids)).select_related("agency").order_by("valid_from", "pk"):
        source, target = nodes.get(link.from_node_id), nodes.get(link.to_node_id)
        if source is None or target is None:
            continue
        open_ends = not (source.masked or target.masked)
        out.append(LinkView(
            id=link.pk, source=source, target=target, type=link.type, type_label=link.get_type_display(),
            valid_from=link.valid_from, valid_to=link.valid_to, reported_on=link.reported_on,
            source_reliability=link.source_reliability, information_assessment=link.information_assessment,
            agency=link.agency.name, caveat=link.caveat, summary=link.summary if open_ends else "",
            recorded_at=link.recorded_at,
        ))
    return out


def _picture(user, graph: nx.Graph, members, focus: NodeView | None, today: date, *, truncated=False) -> Picture:
    sub = graph.subgraph(members)
    views = describe_nodes(user, sub.nodes, today)
    link_ids = [link_id for _a, _b, ids in sub.edges(data="links") for link_id in ids]
    links = _link_views(link_ids, views)
    nodes = sorted(views.values(), key=lambda v: (v.id != (focus.id if focus else None), v.kind, v.label, v.id))
    if focus is not None and focus.id not in views:
        nodes.insert(0, focus)
    return Picture(focus=focus, nodes=nodes, links=links, degree=analysis.degree(sub),
                   betweenness=analysis.betweenness(sub), truncated=truncated)


def graph_around(user, record, *, filters: GraphFilters = GraphFilters(), today: date | None = None,
                 radius: int = GRAPH_RADIUS, limit: int = GRAPH_LIMIT) -> Picture:
    """The records within `radius` links of this child, person, place or group, as this user may see them."""
    today = today or timezone.localdate()
    focus = focus_view(user, record, today)
    kinds, facts = _facts(user, filters)
    graph = analysis.build_graph(kinds, facts)
    if focus.id is None or focus.id not in graph:
        return Picture(focus=focus, nodes=[focus], links=[])
    distances = nx.single_source_shortest_path_length(graph, focus.id, cutoff=radius)
    members = sorted(distances, key=lambda n: (distances[n], n))
    return _picture(user, graph, members[:limit], focus, today, truncated=len(members) > limit)


def with_path(user, picture: Picture, to_node: int, *, filters: GraphFilters = GraphFilters(),
              today: date | None = None) -> Picture:
    """The picture with the shortest link path from its focus to another node added and marked (or unchanged, with an
    empty path, when there is none the user may see)."""
    if picture.focus is None or picture.focus.id is None:
        return picture
    found = shortest_path(user, picture.focus.id, to_node, filters=filters, today=today)
    if found is None:
        return picture
    nodes, links = found
    known = {v.id for v in picture.nodes}
    known_links = {link.id for link in picture.links}
    return replace(picture, nodes=picture.nodes + [v for v in nodes if v.id not in known],
                   links=picture.links + [link for link in links if link.id not in known_links],
                   path=[v.id for v in nodes])


def cohort_picture(user, node: Node, *, filters: GraphFilters = GraphFilters(), today: date | None = None,
                   limit: int = GRAPH_LIMIT) -> Picture:
    """Everything connected to this node by links the user may see: the cohort it belongs to."""
    today = today or timezone.localdate()
    kinds, facts = _facts(user, filters)
    graph = analysis.build_graph(kinds, facts)
    focus = describe_nodes(user, [node.pk], today).get(node.pk)
    if node.pk not in graph:
        return Picture(focus=focus, nodes=[focus] if focus else [], links=[])
    distances = nx.single_source_shortest_path_length(graph, node.pk)
    members = sorted(distances, key=lambda n: (distances[n], n))
    return _picture(user, graph, members[:limit], focus, today, truncated=len(members) > limit)


@dataclass
class Cohort:
    key: int  # the node id of its first child: /network/cohorts/<key>/
    children: list[NodeView]
    people: list[NodeView]
    places: list[NodeView]
    groups: list[NodeView]
    others: list[NodeView]
    link_count: int
    latest_link: date | None
    by_month: list[tuple[date, int]]  # children linked in each month of the last year

    @property
    def size(self) -> int:
        return len(self.children) + len(self.people) + len(self.places) + len(self.groups) + len(self.others)


def _months_back(today: date, months: int = 12) -> date:
    year, month = today.year, today.month - (months - 1)
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def cohorts(user, *, filters: GraphFilters = GraphFilters(), min_children: int = 2, today: date | None = None) -> list[Cohort]:
    """Clusters of at least `min_children` children joined, directly or through people, places, groups, vehicles or online
    identities, by links the user may see. Largest first."""
    today = today or timezone.localdate()
    kinds, facts = _facts(user, filters)
    graph = analysis.build_graph(kinds, facts)
    clusters = analysis.cohorts(graph, min_children=min_children)
    views = describe_nodes(user, {n for members in clusters for n in members}, today)
    out = []
    for members in clusters:
        member_set = set(members)
        cohort_links = [f for f in facts if f.a in member_set]
        grouped: dict[str, list[NodeView]] = defaultdict(list)
        for node in members:
            if node in views:
                grouped[views[node].kind].append(views[node])
        children_nodes = [n for n in members if kinds[n] == NodeKind.CHILD]
        out.append(Cohort(
            key=children_nodes[0],
            children=grouped[NodeKind.CHILD], people=grouped[NodeKind.PERSON], places=grouped[NodeKind.PLACE],
            groups=grouped[NodeKind.GROUP], others=grouped[NodeKind.VEHICLE] + grouped[NodeKind.ONLINE_IDENTITY],
            link_count=len(cohort_links),
            latest_link=max((f.valid_from for f in cohort_links), default=None),
            by_month=analysis.children_per_month(cohort_links, kinds, _months_back(today), today),
        ))
    return out


@dataclass
class Hotspot:
    place: NodeView
    children: list[NodeView]
    link_count: int
    by_month: list[tuple[date, int]]  # different children linked in each month of the period


def hotspots(user, since: date, min_children: int = 2, *, until: date | None = None, filters: GraphFilters = GraphFilters(),
             today: date | None = None) -> list[Hotspot]:
    """Places linked to at least `min_children` different children by links that held between `since` and `until`
    (default today), with the count of children in each month. Most children first."""
    today = today or timezone.localdate()
    until = until or today
    kinds, facts = _facts(user, replace(filters, since=since, until=until))
    found = analysis.hotspots(kinds, facts, since=since, until=until, min_children=min_children)
    views = describe_nodes(user, {n for place, kids, _ in found for n in (place, *kids)}, today)
    return [
        Hotspot(place=views[place], children=[views[k] for k in kids if k in views], link_count=len(links),
                by_month=analysis.children_per_month(links, kinds, since, until))
        for place, kids, links in found if place in views
    ]


@dataclass
class PersonHub:
    person: NodeView
    children: list[NodeView]
    link_count: int


def people_linked_to_children(user, min_children: int = 2, *, filters: GraphFilters = GraphFilters(),
                              today: date | None = None) -> list[PersonHub]:
    """People linked directly to at least `min_children` different children. Most children first."""
    today = today or timezone.localdate()
    kinds, facts = _facts(user, filters)
    graph = analysis.build_graph(kinds, facts)
    found = analysis.hubs(graph, NodeKind.PERSON, min_children=min_children)
    views = describe_nodes(user, {n for person, kids in found for n in (person, *kids)}, today)
    return [
        PersonHub(person=views[person], children=[views[k] for k in kids if k in views],
                  link_count=sum(len(graph.edges[person, k]["links"]) for k in kids))
        for person, kids in found if person in views
    ]


def _start_of(moment: date | dt.datetime) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    return timezone.make_aware(dt.datetime.combine(moment, dt.time.min))


def new_links_since(user, since: date | dt.datetime, *, today: date | None = None, limit: int = 500) -> list[LinkView]:
    """Links recorded in safehub since a date (or moment) that the user may see, newest first."""
    today = today or timezone.localdate()
    links = Link.objects.visible_to(user).filter(recorded_at__gte=_start_of(since)).order_by("-recorded_at", "-pk")
    rows = list(links.values_list("pk", "from_node_id", "to_node_id")[:limit])
    views = describe_nodes(user, {n for _pk, a, b in rows for n in (a, b)}, today)
    found = {link.id: link for link in _link_views([pk for pk, _a, _b in rows], views)}
    return [found[pk] for pk, _a, _b in rows if pk in found]


def shortest_path(user, from_node: int, to_node: int, *, filters: GraphFilters = GraphFilters(),
                  today: date | None = None) -> tuple[list[NodeView], list[LinkView]] | None:
    """The fewest-links path between two records over links the user may see: the records in order and one link for each
    step (the earliest, where several join the same two). None when they are not connected."""
    today = today or timezone.localdate()
    kinds, facts = _facts(user, filters)
    graph = analysis.build_graph(kinds, facts)
    path = analysis.shortest_path(graph, from_node, to_node)
    if path is None:
        return None
    views = describe_nodes(user, path, today)
    if len(views) != len(path):
        return None
    step_links = [min(graph.edges[a, b]["links"]) for a, b in zip(path, path[1:], strict=False)]
    by_id = {link.id: link for link in _link_views(step_links, views)}
    return [views[n] for n in path], [by_id[i] for i in step_links]


def visible_records(user, *, limit: int = 100) -> dict[str, list]:
    """Places, groups and people of concern the user may see, for the network home page."""
    return {
        "places": list(Place.objects.visible_to(user).order_by("name", "pk")[:limit]),
        "groups": list(Group.objects.visible_to(user).order_by("name", "pk")[:limit]),
        "people": list(PersonOfConcern.objects.visible_to(user).select_related("person")
                       .order_by("person__family_name", "person__given_name", "pk")[:limit]),
    }


def suppress(value: int) -> str:
    return f"fewer than {SMALL_NUMBER}" if 0 < value < SMALL_NUMBER else f"{value:,}"


@dataclass
class Aggregates:
    since: date
    until: date
    months: list[dict]  # month, links recorded, hotspots (places with 3+ children that month)
    cohorts: str
    children_in_cohorts: str
    by_place_kind: list[tuple[str, str]]


def aggregate_counts(*, since: date, until: date, hotspot_children: int = 3) -> Aggregates:
    """Counts for the board and analysts, over every link in the partnership: no names, no places, small numbers
    suppressed. Nothing here identifies a child, person or place."""
    rows = Link.objects.current_between(since, until).values_list(
        "pk", "from_node_id", "to_node_id", "type", "valid_from", "valid_to", "from_node__kind", "to_node__kind",
        "recorded_at")
    kinds: dict[int, str] = {}
    facts, recorded = [], []
    for pk, a, b, link_type, start, end, a_kind, b_kind, recorded_at in rows:
        kinds[a], kinds[b] = a_kind, b_kind
        facts.append(LinkFact(pk, a, b, link_type, start, end))
        recorded.append(timezone.localtime(recorded_at).date())
    months = []
    for month in analysis.month_starts(since, until):
        end = date(month.year + month.month // 12, month.month % 12 + 1, 1) - dt.timedelta(days=1)
        spots = analysis.hotspots(kinds, facts, since=month, until=end, min_children=hotspot_children)
        months.append({"month": month, "links": suppress(sum(1 for r in recorded if month <= r <= end)),
                       "hotspots": suppress(len(spots))})
    graph = analysis.build_graph(kinds, facts)
    clusters = analysis.cohorts(graph, min_children=2)
    in_cohorts = sum(1 for members in clusters for n in members if kinds[n] == NodeKind.CHILD)
    place_kinds = dict(Place.objects.filter(node__in=[n for n, k in kinds.items() if k == NodeKind.PLACE])
                       .values_list("node__pk", "kind"))
    children_by_kind: dict[str, set[int]] = defaultdict(set)
    for fact in facts:
        ends = {kinds[fact.a]: fact.a, kinds[fact.b]: fact.b}
        if NodeKind.PLACE in ends and NodeKind.CHILD in ends and len(ends) == 2:
            children_by_kind[place_kinds.get(ends[NodeKind.PLACE], Place.Kind.OTHER)].add(ends[NodeKind.CHILD])
    return Aggregates(
        since=since, until=until, months=months, cohorts=suppress(len(clusters)), children_in_cohorts=suppress(in_cohorts),
        by_place_kind=[(label, suppress(len(children_by_kind.get(value, ())))) for value, label in Place.Kind.choices],
    )


