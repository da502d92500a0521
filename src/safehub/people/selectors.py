"""Read queries over children and people. Every function takes the user and reads through `visible_to(user)`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
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
    period: str = ""  # "12m" or "24m": the last one or two years up to today (for conferences and court)

    def resolved(self, today: date) -> ChronologyFilters:
        """The filters with a relative period turned into a start date (an explicit `date_from` wins)."""
        months = PERIODS.get(self.period, (0, ""))[0]
        if not months or self.date_from:
            return self
        start = _years_before(today, months // 12)
        return replace(self, date_from=start, date_to=self.date_to or today)

    def as_params(self) -> dict[str, str]:
        params = {"agency": self.agency, "type": self.type, "significance": str(self.significance or ""),
                  "period": self.period, "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in params.items() if v}


PERIODS = {"12m": (12, "the last year"), "24m": (24, "the last two years")}


def chronology(user, child: Child, filters: ChronologyFilters = ChronologyFilters()) -> QuerySet[Event]:
    """The child's multi-agency chronology: every event the user may see (caveats and agency rules applied), oldest first."""
    events = Event.objects.visible_to(user).filter(child=child).select_related("agency", "source_record", "recorded_by")
    return _filtered(events, filters).order_by("occurred_at", "pk")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _filtered(events: QuerySet[Event], filters: ChronologyFilters) -> QuerySet[Event]:
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
    return events


def event_date_text(event: Event) -> str:
    """An event's date as precisely as it is known (a month-only date is never shown as the 1st)."""
    from django.utils import timezone

    at = timezone.localtime(event.occurred_at)
    if event.precision == Event.Precision.EXACT:
        return f"{at.day} {at:%B %Y %H:%M}"
    if event.precision == Event.Precision.MONTH:
        return f"{at:%B %Y}"
    if event.precision == Event.Precision.YEAR:
        return f"{at:%Y}"
    return f"{at.day} {at:%B %Y}"


@dataclass(frozen=True)
class ChronologySubject:
    kind: str  # "child" or "person"
    pk: int
    name: str
    relationship: str  # "This child", "Sibling", "Mother" …
    date_of_birth: date | None = None


@dataclass(frozen=True)
class ChronologyEntry:
    """One fact in a chronology, exactly as the screen and every export show it."""

    event: Event
    subject: ChronologySubject
    when: str
    agency: str
    type: str
    title: str
    summary: str
    action_taken: str
    outcome: str
    significance: int
    significance_label: str
    sharing: str  # the caveat, shown when narrower than the partnership


@dataclass
class ChronologyDocument:
    """A chronology as a user may see it: the one selector behind the page, the PDF and the DOCX.

    Entries are the events `Event.objects.visible_to(user)` returns for the subjects (caveats, agency rules and restricted
    records applied in SQL); `withheld` counts the subjects' events matching the filters that the user may not see, so
    every rendering says that some were left out. Facts only: analysis is added by the export, in its own section.
    """

    child: Child
    display_name: str
    display_dob: date | None
    composite: bool
    subjects: list[ChronologySubject]
    filters: ChronologyFilters
    entries: list[ChronologyEntry]
    withheld: int
    agencies: list[tuple[str, str]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "Household chronology" if self.composite else "Multi-agency chronology"

    @property
    def period_label(self) -> str:
        f = self.filters
        if f.date_from and f.date_to:
            return f"{f.date_from.day} {f.date_from:%B %Y} to {f.date_to.day} {f.date_to:%B %Y}"
        if f.date_from:
            return f"from {f.date_from.day} {f.date_from:%B %Y}"
        if f.date_to:
            return f"up to {f.date_to.day} {f.date_to:%B %Y}"
        return "all dates"

    @property
    def filter_summary(self) -> list[str]:
        f = self.filters
        out = [f"Period: {self.period_label}"]
        if f.significance == Event.Significance.SIGNIFICANT:
            out.append("Significant events only")
        elif f.significance == Event.Significance.NOTABLE:
            out.append("Notable and significant events")
        if f.agency:
            out.append(f"Agency: {dict(self.agencies).get(f.agency, f.agency)}")
        if f.type:
            out.append(f"Type: {f.type}")
        return out


def _household_subjects(user, child: Child) -> list[ChronologySubject]:
    """The child's siblings, household children and related adults the user may see (both directions of a link)."""
    relationships = list(Relationship.objects.filter(Q(child=child) | Q(other_child=child))
                         .select_related("person", "child", "other_child").order_by("type", "pk"))
    child_ids = {r.other_child_id if r.child_id == child.pk else r.child_id
                 for r in relationships if r.other_child_id} - {child.pk, None}
    person_ids = {r.person_id for r in relationships if r.person_id and r.child_id == child.pk}
    visible_children = set(Child.objects.visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    visible_people = set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    out: list[ChronologySubject] = []
    seen: set[tuple[str, int]] = set()
    for r in relationships:
        if r.other_child_id:
            other = r.other_child if r.child_id == child.pk else r.child
            if other.pk in visible_children and ("child", other.pk) not in seen:
                seen.add(("child", other.pk))
                out.append(ChronologySubject("child", other.pk, other.full_name, r.get_type_display(),
                                             other.date_of_birth))
        elif r.person_id in visible_people and ("person", r.person_id) not in seen:
            seen.add(("person", r.person_id))
            out.append(ChronologySubject("person", r.person_id, r.person.full_name, r.get_type_display(),
                                         r.person.date_of_birth))
    return out


def chronology_document(user, child: Child, filters: ChronologyFilters = ChronologyFilters(), *, today: date,
                        household: bool = False) -> ChronologyDocument:
    """The child's chronology (or, with `household`, the composite across siblings and household) as the user may see it.

    The one selector behind the chronology pages and their PDF and DOCX exports, so an export can never show more, or
    redact differently, than the screen.
    """
    filters = filters.resolved(today)
    view = child_view_header(user, child)
    this_child = ChronologySubject("child", child.pk, view[0], "This child", view[1])
    subjects = [this_child, *(_household_subjects(user, child) if household else [])]
    by_key = {(s.kind, s.pk): s for s in subjects}
    about = Q(child_id__in=[s.pk for s in subjects if s.kind == "child"]) | Q(
        person_id__in=[s.pk for s in subjects if s.kind == "person"])
    visible_all = Event.objects.visible_to(user).filter(about)
    events = list(_filtered(visible_all, filters).select_related("agency").order_by("occurred_at", "pk"))
    withheld = _filtered(Event.objects.filter(about), filters).count() - len(events)
    entries = [
        ChronologyEntry(
            event=e,
            subject=by_key[("child", e.child_id) if e.child_id else ("person", e.person_id)],
            when=event_date_text(e), agency=e.agency.name, type=e.type, title=e.title, summary=e.summary,
            action_taken=e.action_taken, outcome=e.outcome, significance=e.significance,
            significance_label=e.get_significance_display(),
            sharing="" if e.caveat == "partnership" else e.get_caveat_display(),
        )
        for e in events
    ]
    options = list(visible_all.values_list("agency__code", "agency__name", "type").distinct())
    return ChronologyDocument(
        child=child, display_name=view[0], display_dob=view[1], composite=household, subjects=subjects,
        filters=filters, entries=entries, withheld=max(withheld, 0),
        agencies=sorted({(code, name) for code, name, _ in options}, key=lambda a: a[1]),
        types=sorted({t for _, _, t in options}),
    )


def child_view_header(user, child: Child) -> tuple[str, date | None]:
    """The child's name and date of birth as the user may see them (contributors: their own agency's record)."""
    if user.role_codes & PARTNERSHIP_CASE_ROLES:
        return child.full_name, child.date_of_birth
    own = _visible_records(user).filter(link__child=child).order_by("agency__name", "local_id").first()
    return (own.full_name, own.date_of_birth) if own else ("Name not known", None)


@dataclass(frozen=True)
class AgencyInvolvement:
    agency: str
    records: list[dict]  # system, local id, status as the agency recorded it, closed or open
    events: int
    first_event: date | None
    last_event: date | None

    @property
    def status(self) -> str:
        statuses = [r["status"] for r in self.records if r["status"]]
        if not statuses:
            return "Known"
        return "Closed" if all(r["closed"] for r in self.records if r["status"]) else "Open"


def _record_status(received: dict) -> str:
    for key, value in (received or {}).items():
        if "status" in str(key).lower() and value:
            return str(value)
    return ""


def involvement(user, child: Child) -> list[AgencyInvolvement]:
    """'Known to': every agency's involvement with the child that the user may see — each record with the status the agency
    recorded (closed episodes included), and the span of its chronology entries."""
    from django.db.models import Count, Max, Min

    records = list(_visible_records(user).filter(link__child=child).exclude(link__decision="rejected")
                   .select_related("agency").order_by("agency__name", "local_id"))
    spans = {row["agency__name"]: row for row in Event.objects.visible_to(user).filter(child=child)
             .values("agency__name").annotate(n=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))}
    by_agency: dict[str, list[dict]] = {}
    for r in records:
        status = _record_status(r.received)
        by_agency.setdefault(r.agency.name, []).append({
            "system": r.system, "local_id": r.local_id, "record_id": r.pk, "status": status,
            "closed": status.lower().startswith("closed"),
        })
    for name in spans:
        by_agency.setdefault(name, [])
    out = []
    for name in sorted(by_agency):
        span = spans.get(name, {})
        out.append(AgencyInvolvement(
            agency=name, records=by_agency[name], events=span.get("n", 0),
            first_event=span["first"].date() if span.get("first") else None,
            last_event=span["last"].date() if span.get("last") else None,
        ))
    return out
