"""Read queries over children and people. Every function takes the user and reads through `visible_to(user)`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from safehub.core.roles import PARTNERSHIP_CASE_ROLES

from .models import Address, Child, Event, Identifier, Name, Person, Placement, Relationship, SourceRecord


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,]+", text.strip()) if t][:4]


@dataclass(frozen=True)
class SearchHit:
    child_id: int
    name: str
    date_of_birth: date | None
    nhs_number: str
    restricted: bool


def search_children(user, *, name: str = "", date_of_birth: date | None = None, limit: int = 50) -> list[SearchHit]:
    """Children the user may see whose names contain every word typed, optionally born on a date.

    Partnership roles search the single view, every shareable agency record's names and aliases recorded in safehub;
    agency contributors search and see only their own agency's records of each child.
    """
    if not user.role_codes & PARTNERSHIP_CASE_ROLES:
        records = _visible_records(user).filter(link__child__in=Child.objects.visible_to(user))
        for token in _tokens(name):
            records = records.filter(Q(given_name__icontains=token) | Q(family_name__icontains=token))
        if date_of_birth:
            records = records.filter(date_of_birth=date_of_birth)
        hits: dict[int, SearchHit] = {}
        for r in records.select_related("link__child").order_by("family_name", "given_name", "pk")[: limit * 2]:
            hits.setdefault(
                r.link.child_id,
                SearchHit(r.link.child_id, r.full_name, r.date_of_birth, r.nhs_number, r.link.child.restricted),
            )
        return list(hits.values())[:limit]
    children = Child.objects.visible_to(user).filter(merged_into__isnull=True)
    for token in _tokens(name):
        matches = Q(given_name__icontains=token) | Q(family_name__icontains=token)
        as_recorded = _visible_records(user).filter(matches).values("link__child_id")
        recorded_here = Name.objects.filter(matches, source_record__isnull=True).values("child_id")
        children = children.filter(matches | Q(pk__in=as_recorded) | Q(pk__in=recorded_here))
    if date_of_birth:
        children = children.filter(date_of_birth=date_of_birth)
    return [
        SearchHit(c.pk, c.full_name, c.date_of_birth, c.nhs_number, c.restricted)
        for c in children.order_by("family_name", "given_name", "pk")[:limit]
    ]


def _visible_records(user) -> QuerySet[SourceRecord]:
    return SourceRecord.objects.visible_to(user)


@dataclass
class ChildView:
    child: Child
    display_name: str
    display_dob: date | None
    partnership_view: bool
    names: list[Name]
    identifiers: list[Identifier]
    addresses: list[Address]
    placements: list[Placement]
    records: list[SourceRecord]
    events: list[Event]
    other_agency_count: int
    household: list[dict]


def child_view(user, child: Child) -> ChildView:
    """What this user may see of a child: partnership roles see every shareable record; contributors their own agency's."""
    records = list(
        _visible_records(user)
        .filter(link__child=child)
        .select_related("agency", "link")
        .order_by("agency__name", "local_id")
    )
    record_ids = [r.pk for r in records]
    partnership_view = bool(user.role_codes & PARTNERSHIP_CASE_ROLES)
    provenance = Q(source_record_id__in=record_ids)
    if partnership_view:
        provenance |= Q(source_record__isnull=True)

    def facts(model):
        return list(model.objects.filter(provenance, child=child).select_related("source_record__agency"))

    linked_agencies = set(
        child.record_links.exclude(decision="rejected").values_list("source_record__agency_id", flat=True)
    )
    seen_agencies = {r.agency_id for r in records}
    if partnership_view:
        display_name, display_dob = child.full_name, child.date_of_birth
    else:
        own = records[0] if records else None
        display_name = own.full_name if own else "Name not known"
        display_dob = own.date_of_birth if own else None
    return ChildView(
        child=child,
        display_name=display_name,
        display_dob=display_dob,
        partnership_view=partnership_view,
        names=facts(Name),
        identifiers=facts(Identifier),
        addresses=facts(Address),
        placements=facts(Placement),
        records=records,
        events=list(Event.objects.visible_to(user).filter(child=child).select_related("agency", "recorded_by")[:10]),
        other_agency_count=len(linked_agencies - seen_agencies),
        household=household(user, child),
    )


def household(user, child: Child) -> list[dict]:
    """The child's family and household as the user may see them: people and children they may not see are left out."""
    relationships = list(
        Relationship.objects.filter(child=child).select_related("person", "other_child").order_by("type", "pk")
    )
    visible_people = set(
        Person.objects.visible_to(user).filter(pk__in=[r.person_id for r in relationships if r.person_id])
        .values_list("pk", flat=True)
    )
    visible_children = set(
        Child.objects.visible_to(user).filter(pk__in=[r.other_child_id for r in relationships if r.other_child_id])
        .values_list("pk", flat=True)
    )
    out = []
    for rel in relationships:
        if rel.person_id in visible_people:
            out.append({"name": rel.person.full_name, "relationship": rel.get_type_display(), "lives_with": rel.lives_with,
                        "child_id": None})
        elif rel.other_child_id in visible_children:
            other = rel.other_child
            out.append({"name": other.full_name, "relationship": rel.get_type_display(), "lives_with": rel.lives_with,
                        "child_id": other.pk, "date_of_birth": other.date_of_birth})
    return out


@dataclass(frozen=True)
class ChronologyFilters:
    agency: str = ""
    type: str = ""
    significance: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def chronology(user, child: Child, filters: ChronologyFilters = ChronologyFilters()) -> QuerySet[Event]:
    """The child's multi-agency chronology: every event the user may see (caveats and agency rules applied), oldest first."""
    events = Event.objects.visible_to(user).filter(child=child).select_related("agency", "source_record", "recorded_by")
    if filters.agency:
        events = events.filter(agency__code=filters.agency)
    if filters.type:
        events = events.filter(type=filters.type)
    if filters.significance:
        events = events.filter(significance__gte=filters.significance)
    if filters.date_from:
        events = events.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(occurred_at__date__lte=filters.date_to)
    return events.order_by("occurred_at", "pk")
