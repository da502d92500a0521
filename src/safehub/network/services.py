"""Changes to the network: places, groups, vehicles, online identities, people of concern, and links between records.

Each function runs in a transaction and audits (`network.<record>.created`, `network.link.recorded`). Recording a link also
writes an `Event` of type `network.link` on each child it touches, so the chronology and "new links since" see it; the
event names no other record (the other end may be someone the reader may not see). Times are passed in (`now=`).
Invalid input raises `django.core.exceptions.ValidationError` with a dict naming the field.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from safehub.core.audit import record_audit
from safehub.core.caveats import Caveat
from safehub.core.models import Agency
from safehub.people.models import Child, Event, Person, RecordLink, SourceRecord
from safehub.people.services import record_event

from .models import (
    ALLOWED_ENDS,
    NODE_FIELDS,
    Group,
    InformationAssessment,
    Link,
    LinkType,
    Node,
    NodeKind,
    OnlineIdentity,
    PersonOfConcern,
    Place,
    SourceReliability,
    Vehicle,
)

RECORD_KINDS = {
    Child: NodeKind.CHILD,
    Person: NodeKind.PERSON,
    Place: NodeKind.PLACE,
    Group: NodeKind.GROUP,
    Vehicle: NodeKind.VEHICLE,
    OnlineIdentity: NodeKind.ONLINE_IDENTITY,
}
KIND_ARTICLES = {
    NodeKind.CHILD: "another child",
    NodeKind.PERSON: "a person",
    NodeKind.PLACE: "a place",
    NodeKind.GROUP: "a group",
    NodeKind.VEHICLE: "a vehicle",
    NodeKind.ONLINE_IDENTITY: "an online identity",
}
_A = {
    NodeKind.CHILD: "a child",
    NodeKind.PERSON: "a person",
    NodeKind.PLACE: "a place",
    NodeKind.GROUP: "a group",
    NodeKind.VEHICLE: "a vehicle",
    NodeKind.ONLINE_IDENTITY: "an online identity",
}
SERIOUS_TYPES = {LinkType.EXPLOITED_BY}
NETWORK_SYSTEM = "safehub network"


def kind_of(record) -> str:
    if isinstance(record, PersonOfConcern):
        return NodeKind.PERSON
    try:
        return RECORD_KINDS[type(record)]
    except KeyError:
        raise TypeError(f"{type(record).__name__} cannot be part of the network") from None


def node_for(record) -> Node:
    """The record's node on the graph, made the first time it takes part in a link."""
    if isinstance(record, PersonOfConcern):
        record = record.person
    kind = kind_of(record)
    node, _ = Node.objects.get_or_create(kind=kind, **{NODE_FIELDS[kind]: record})
    return node


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_caveat(caveat: str) -> None:
    if caveat not in Caveat.values:
        raise ValidationError({"caveat": "Choose who may see this record"})


def _create(record_model, /, *, actor, agency: Agency, now: dt.datetime, caveat: str, **fields):
    _check_caveat(caveat)
    record = record_model.objects.create(agency=agency, caveat=caveat, created_by=_user(actor), created_at=now, **fields)
    node_for(record)
    record_audit(actor, f"network.{record_model._meta.model_name}.created", record,
                 detail={"agency": agency.code, "caveat": caveat})
    return record


def _required(**values) -> None:
    missing = {name: message for name, (value, message) in values.items() if not str(value or "").strip()}
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def create_place(*, actor, agency: Agency, name: str, now: dt.datetime, kind: str = Place.Kind.OTHER, address: str = "",
                 postcode: str = "", latitude=None, longitude=None, caveat: str = Caveat.PARTNERSHIP,
                 notes: str = "") -> Place:
    """Record a place (and its node). Audits `network.place.created`."""
    _required(name=(name, "Enter the place's name"))
    if kind not in Place.Kind.values:
        raise ValidationError({"kind": "Choose what kind of place this is"})
    if (latitude is None) != (longitude is None):
        raise ValidationError({"longitude" if longitude is None else "latitude": "Give both latitude and longitude, or "
                                                                                 "neither"})
    return _create(Place, actor=actor, agency=agency, now=now, caveat=caveat, name=name.strip(), kind=kind,
                   address=address.strip(), postcode=postcode.strip().upper(), latitude=latitude, longitude=longitude,
                   notes=notes)


@transaction.atomic
def create_group(*, actor, agency: Agency, name: str, now: dt.datetime, kind: str = Group.Kind.PEER_GROUP,
                 description: str = "", caveat: str = Caveat.PARTNERSHIP) -> Group:
    """Record a peer group, gang, county line or online group (and its node). Audits `network.group.created`."""
    _required(name=(name, "Enter the group's name"))
    if kind not in Group.Kind.values:
        raise ValidationError({"kind": "Choose what kind of group this is"})
    return _create(Group, actor=actor, agency=agency, now=now, caveat=caveat, name=name.strip(), kind=kind,
                   description=description)


def normalise_registration(registration: str) -> str:
    return re.sub(r"\s+", "", registration).upper()


@transaction.atomic
def create_vehicle(*, actor, agency: Agency, registration: str, now: dt.datetime, make: str = "", model: str = "",
                   colour: str = "", caveat: str = Caveat.PARTNERSHIP) -> Vehicle:
    """Record a vehicle (and its node). Audits `network.vehicle.created`."""
    _required(registration=(registration, "Enter the vehicle's registration"))
    return _create(Vehicle, actor=actor, agency=agency, now=now, caveat=caveat,
                   registration=normalise_registration(registration), make=make.strip(), model=model.strip(),
                   colour=colour.strip())


@transaction.atomic
def create_online_identity(*, actor, agency: Agency, handle: str, now: dt.datetime,
                           platform: str = OnlineIdentity.Platform.OTHER, caveat: str = Caveat.PARTNERSHIP) -> OnlineIdentity:
    """Record an online identity, e.g. a Snapchat handle (and its node). Audits `network.onlineidentity.created`."""
    _required(handle=(handle, "Enter the handle or number"))
    if platform not in OnlineIdentity.Platform.values:
        raise ValidationError({"platform": "Choose the platform"})
    return _create(OnlineIdentity, actor=actor, agency=agency, now=now, caveat=caveat, handle=handle.strip(),
                   platform=platform)


@transaction.atomic
def create_person_of_concern(
    *, actor, agency: Agency, now: dt.datetime, given_name: str = "", family_name: str = "",
    date_of_birth: dt.date | None = None, adult: bool = True, concern_level: str = PersonOfConcern.Level.NOT_ASSESSED,
    aliases: str = "", age_from: int | None = None, age_to: int | None = None, description: str = "",
    caveat: str = Caveat.PARTNERSHIP,
) -> PersonOfConcern:
    """Record a person who may cause harm: a `Person`, the agency's source record of them (so the agency's contributors see
    them, as with any agency record), the person-of-concern profile and the node. Audits `network.person_of_concern.created`.
    """
    if not (given_name.strip() or family_name.strip() or aliases.strip()):
        raise ValidationError({"given_name": "Enter a name or an alias"})
    if concern_level not in PersonOfConcern.Level.values:
        raise ValidationError({"concern_level": "Choose the level of concern"})
    if age_from is not None and age_to is not None and age_to < age_from:
        raise ValidationError({"age_to": "The oldest age must be the same as or more than the youngest"})
    if date_of_birth and date_of_birth > now.date():
        raise ValidationError({"date_of_birth": "The date of birth must be in the past"})
    _check_caveat(caveat)
    person = Person.objects.create(given_name=given_name.strip(), family_name=family_name.strip(),
                                   date_of_birth=date_of_birth, kind=Person.Kind.ADULT if adult else Person.Kind.PEER)
    record = SourceRecord.objects.create(
        agency=agency, system=NETWORK_SYSTEM, local_id=f"person-{person.pk}", subject_type="person",
        given_name=person.given_name, family_name=person.family_name, date_of_birth=date_of_birth,
        received={"recorded_in": "safehub network", "aliases": aliases}, imported_by=_user(actor), caveat=caveat,
    )
    RecordLink.objects.create(source_record=record, person=person, decision=RecordLink.Decision.CONFIRMED,
                              decided_by=_user(actor))
    profile = PersonOfConcern.objects.create(
        person=person, concern_level=concern_level, aliases=aliases.strip(), age_from=age_from, age_to=age_to,
        description=description, agency=agency, caveat=caveat, created_by=_user(actor), created_at=now,
    )
    node_for(person)
    record_audit(actor, "network.person_of_concern.created", person,
                 detail={"agency": agency.code, "caveat": caveat, "concern_level": concern_level})
    return profile


def _ordered_ends(from_node: Node, to_node: Node, link_type: str) -> tuple[Node, Node]:
    allowed = ALLOWED_ENDS.get(link_type)
    if allowed is None:
        raise ValidationError({"type": "Choose a type of link"})
    if (from_node.kind, to_node.kind) in allowed:
        return from_node, to_node
    if (to_node.kind, from_node.kind) in allowed:
        return to_node, from_node
    pairs = " or ".join(sorted(f"{_A[a]} and {_A[b]}" for a, b in allowed))
    raise ValidationError({"type": f"A “{LinkType(link_type).label.lower()}” link joins {pairs}, not "
                                   f"{_A[from_node.kind]} and {_A[to_node.kind]}"})


def _check_link_values(*, valid_from, valid_to, reported_on, source_reliability, information_assessment, caveat, now) -> None:
    errors = {}
    today = now.date()
    if valid_from is None:
        errors["valid_from"] = "Enter the date the link started or was seen"
    elif valid_from > today:
        errors["valid_from"] = "The date the link started must be today or in the past"
    if valid_to is not None and valid_from is not None and valid_to < valid_from:
        errors["valid_to"] = "The date the link ended must be the same as or after the date it started"
    if reported_on is not None and reported_on > today:
        errors["reported_on"] = "The date of the information must be today or in the past"
    if source_reliability not in SourceReliability.values:
        errors["source_reliability"] = "Choose how reliable the source is (A to E)"
    if information_assessment not in InformationAssessment.values:
        errors["information_assessment"] = "Choose how the information is assessed (1 to 5)"
    if caveat not in Caveat.values:
        errors["caveat"] = "Choose who may see this link"
    if errors:
        raise ValidationError(errors)


def describe_for_child(link: Link, child_node: Node) -> str:
    """The link as seen from one of its children, naming no other record: e.g. "found at a place"."""
    other = link.to_node if link.from_node_id == child_node.pk else link.from_node
    label = link.get_type_display().lower()
    if link.from_node_id == child_node.pk:
        return f"{label} {KIND_ARTICLES[other.kind]}"
    return f"{KIND_ARTICLES[other.kind]} ({label})"


@transaction.atomic
def record_link(
    *,
    from_record,
    to_record,
    type: str,
    valid_from: dt.date,
    agency: Agency,
    source_reliability: str,
    information_assessment: int,
    now: dt.datetime,
    actor=None,
    valid_to: dt.date | None = None,
    reported_on: dt.date | None = None,
    source_record: SourceRecord | None = None,
    caveat: str = Caveat.PARTNERSHIP,
    summary: str = "",
    origin: str = Link.Origin.HAND,
) -> Link:
    """Link two records (children, people, places, groups, vehicles, online identities) with a type, dates, grading and
    caveat. The ends are put in the order the type reads ("child exploited by person") whichever way they were given.

    Writes a `network.link` event on each child the link touches and audits `network.link.recorded`.
    """
    try:
        information_assessment = int(information_assessment)
    except (TypeError, ValueError):
        information_assessment = 0
    _check_link_values(valid_from=valid_from, valid_to=valid_to, reported_on=reported_on,
                       source_reliability=source_reliability, information_assessment=information_assessment,
                       caveat=caveat, now=now)
    start, end = node_for(from_record), node_for(to_record)
    if start.pk == end.pk:
        raise ValidationError({"to_record": "A record cannot be linked to itself"})
    start, end = _ordered_ends(start, end, type)
    link = Link.objects.create(
        from_node=start, to_node=end, type=type, valid_from=valid_from, valid_to=valid_to,
        reported_on=reported_on or valid_from, agency=agency, source_record=source_record,
        source_reliability=source_reliability, information_assessment=information_assessment, caveat=caveat,
        summary=summary.strip(), origin=origin, recorded_at=now, recorded_by=_user(actor),
    )
    for node in (start, end):
        if node.kind == NodeKind.CHILD:
            period = f"from {valid_from:%d %b %Y}" + (f" to {valid_to:%d %b %Y}" if valid_to else "")
            record_event(
                agency=agency, type="network.link", occurred_at=now, precision=Event.Precision.EXACT,
                title=f"Network link recorded: {describe_for_child(link, node)}",
                summary=f"{link.get_type_display()}, {period}; graded {link.grading}. See the child's network page.",
                significance=Event.Significance.SIGNIFICANT if type in SERIOUS_TYPES else Event.Significance.NOTABLE,
                caveat=caveat, source_record=source_record, detail=link, actor=actor, child=node.child,
            )
    record_audit(actor, "network.link.recorded", link, detail={
        "type": type, "from_node": start.pk, "to_node": end.pk, "agency": agency.code, "grading": link.grading,
        "caveat": caveat, "origin": origin,
    })
    return link


DEFAULT_FINDING_TYPES = {
    NodeKind.PLACE: LinkType.FREQUENTS,
    NodeKind.PERSON: LinkType.ASSOCIATES_WITH,
    NodeKind.GROUP: LinkType.ASSOCIATES_WITH,
    NodeKind.VEHICLE: LinkType.USES_VEHICLE,
    NodeKind.ONLINE_IDENTITY: LinkType.CONTACTED_BY,
}


def _shareable_by(agency: Agency) -> Q:
    return Q(agency=agency) | Q(caveat=Caveat.PARTNERSHIP)


def _find_or_create(kind: str, name: str, *, agency, actor, now, caveat, postcode, place_kind, platform):
    name = name.strip()
    if kind == NodeKind.PLACE:
        places = Place.objects.filter(_shareable_by(agency), name__iexact=name)
        if postcode:
            places = places.filter(postcode__iexact=postcode.strip())
        return places.order_by("pk").first() or create_place(
            actor=actor, agency=agency, name=name, postcode=postcode, kind=place_kind, caveat=caveat, now=now)
    if kind == NodeKind.PERSON:
        given, _, family = name.partition(" ")
        profile = (PersonOfConcern.objects.filter(_shareable_by(agency), person__given_name__iexact=given.strip(),
                                                  person__family_name__iexact=family.strip())
                   .select_related("person").order_by("pk").first())
        if profile is None:
            profile = create_person_of_concern(actor=actor, agency=agency, given_name=given, family_name=family,
                                               caveat=caveat, now=now)
        return profile.person
    if kind == NodeKind.GROUP:
        return Group.objects.filter(_shareable_by(agency), name__iexact=name).order_by("pk").first() or create_group(
            actor=actor, agency=agency, name=name, caveat=caveat, now=now)
    if kind == NodeKind.VEHICLE:
        registration = normalise_registration(name)
        return Vehicle.objects.filter(_shareable_by(agency), registration=registration).order_by("pk").first() or \
            create_vehicle(actor=actor, agency=agency, registration=registration, caveat=caveat, now=now)
    if kind == NodeKind.ONLINE_IDENTITY:
        return OnlineIdentity.objects.filter(_shareable_by(agency), handle__iexact=name, platform=platform).order_by(
            "pk").first() or create_online_identity(actor=actor, agency=agency, handle=name, platform=platform,
                                                    caveat=caveat, now=now)
    raise ValidationError({"kind": "Choose a place, person, group, vehicle or online identity"})


@transaction.atomic
def link_from_finding(
    child: Child,
    kind: str,
    name: str,
    *,
    agency: Agency,
    now: dt.datetime,
    actor=None,
    link_type: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    reported_on: dt.date | None = None,
    source_record: SourceRecord | None = None,
    caveat: str = Caveat.PARTNERSHIP,
    source_reliability: str = SourceReliability.B,
    information_assessment: int = InformationAssessment.CORROBORATED,
    summary: str = "",
    postcode: str = "",
    place_kind: str = Place.Kind.OTHER,
    platform: str = OnlineIdentity.Platform.OTHER,
) -> Link:
    """Link a child to a place, person, group, vehicle or online identity named in a finding (e.g. a return home
    interview: "stayed at the Travelodge, Station Road"; "with 'Jay'"), for other apps to call.

    `kind` is one of "place", "person", "group", "vehicle", "online_identity". An existing record with the same name (and
    postcode, for a place; platform, for an online identity) that this agency recorded or that is shared with the
    partnership is reused, otherwise one is made. Without `link_type` the usual one for the kind is used (a place:
    "frequents"; a person or group: "associates with"). The same finding recorded twice (same child, record, type,
    agency and start date) returns the first link and writes nothing. Otherwise as `record_link` (event and audit).
    """
    _required(name=(name, "Enter the name of the place, person or group"))
    if kind not in DEFAULT_FINDING_TYPES:
        raise ValidationError({"kind": "Choose a place, person, group, vehicle or online identity"})
    link_type = link_type or DEFAULT_FINDING_TYPES[kind]
    valid_from = valid_from or (reported_on or now.date())
    record = _find_or_create(kind, name, agency=agency, actor=actor, now=now, caveat=caveat, postcode=postcode,
                             place_kind=place_kind, platform=platform)
    child_node, other_node = node_for(child), node_for(record)
    existing = Link.objects.filter(
        Q(from_node=child_node, to_node=other_node) | Q(from_node=other_node, to_node=child_node),
        type=link_type, agency=agency, valid_from=valid_from,
    ).first()
    if existing is not None:
        return existing
    return record_link(
        from_record=child, to_record=record, type=link_type, valid_from=valid_from, valid_to=valid_to,
        reported_on=reported_on, agency=agency, source_record=source_record, source_reliability=source_reliability,
        information_assessment=information_assessment, caveat=caveat, summary=summary, actor=actor, now=now,
        origin=Link.Origin.FINDING,
    )
