"""Contextual safeguarding: the places, groups, vehicles and online identities around children, people of concern, and the
typed, dated, graded links between any two of them.

Every record here is a *node* of one graph. `Node` is the subject table: one row per child, person, place, group, vehicle or
online identity that takes part in a link (made on demand by `services.node_for`). A `Link` joins two nodes.

Who sees what (see docs/network-grading.md, "Who sees which links"):
- places, groups, vehicles and online identities carry an owning agency and a caveat: partnership roles follow the usual
  caveat rules (`people.models._caveat_filter`); agency contributors see their own agency's and those shared with the
  partnership;
- a link carries its own agency and caveat. Partnership roles follow the caveat rules; an agency contributor sees their own
  agency's links, and links shared with the partnership that touch a child or person their agency holds a record of;
- a link with an end the user may not see at all (a restricted child or person they are not named on, or a place etc. whose
  caveat hides it) is hidden. Other children and people the user may not open appear by initials and age (`selectors`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.caveats import Caveat, LawfulBasis
from safehub.core.models import Agency
from safehub.core.roles import PARTNERSHIP_CASE_ROLES, Role
from safehub.people.models import Child, Person, SourceRecord, _caveat_filter, _user_roles, visible_subject

CASE_READERS = PARTNERSHIP_CASE_ROLES | {Role.AGENCY_CONTRIBUTOR}


class NodeKind(models.TextChoices):
    CHILD = "child", "Child"
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    GROUP = "group", "Group"
    VEHICLE = "vehicle", "Vehicle"
    ONLINE_IDENTITY = "online_identity", "Online identity"


def _record_rule(user, roles: frozenset[str]) -> Q:
    """Which agency-owned network records (places, groups, links...) a case reader may see, by owning agency and caveat."""
    if roles & PARTNERSHIP_CASE_ROLES:
        return _caveat_filter(user, roles, "agency_id", "caveat")
    own = Q(agency_id=user.agency_id) if user.agency_id else Q(pk__in=[])
    return own | Q(caveat=Caveat.PARTNERSHIP)


class NetworkRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        roles = _user_roles(user)
        if not roles & CASE_READERS:
            return self.none()
        return self.filter(_record_rule(user, roles))


class NetworkRecord(models.Model):
    """What places, groups, vehicles and online identities share: who recorded them and who may see them."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency that recorded it.")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.CHILDREN_ACT_2004_S11)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()

    objects = NetworkRecordQuerySet.as_manager()

    class Meta:
        abstract = True


class Place(NetworkRecord):
    """A place of concern or of note: an address, a business, a park, a school, a hotel, a transport hub."""

    class Kind(models.TextChoices):
        ADDRESS = "address", "Address"
        BUSINESS = "business", "Business"
        PARK = "park", "Park or open space"
        SCHOOL = "school", "School"
        HOTEL = "hotel", "Hotel or short-let"
        TRANSPORT_HUB = "transport_hub", "Transport hub"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, help_text="As supplied.")
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, help_text="As supplied.")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Group(NetworkRecord):
    class Kind(models.TextChoices):
        PEER_GROUP = "peer_group", "Peer group"
        GANG = "gang", "Gang or organised crime group"
        COUNTY_LINE = "county_line", "County line"
        ONLINE_GROUP = "online_group", "Online group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PEER_GROUP)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Vehicle(NetworkRecord):
    registration = models.CharField(max_length=12, db_index=True, help_text="As seen, e.g. AB12 CDE.")
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["registration", "pk"]

    def __str__(self) -> str:
        described = " ".join(part for part in (self.colour, self.make, self.model) if part)
        return f"{self.registration} ({described})" if described else self.registration


class OnlineIdentity(NetworkRecord):
    class Platform(models.TextChoices):
        SNAPCHAT = "snapchat", "Snapchat"
        INSTAGRAM = "instagram", "Instagram"
        TIKTOK = "tiktok", "TikTok"
        WHATSAPP = "whatsapp", "WhatsApp"
        TELEGRAM = "telegram", "Telegram"
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X (Twitter)"
        DISCORD = "discord", "Discord"
        GAMING = "gaming", "Gaming platform"
        PHONE = "phone", "Phone number"
        OTHER = "other", "Other"

    handle = models.CharField(max_length=120)
    platform = models.CharField(max_length=20, choices=Platform.choices, default=Platform.OTHER)

    class Meta:
        ordering = ["platform", "handle", "pk"]
        verbose_name_plural = "online identities"

    def __str__(self) -> str:
        return f"{self.handle} ({self.get_platform_display()})"


class PersonOfConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        roles = _user_roles(user)
        if not roles & CASE_READERS:
            return self.none()
        return self.filter(_record_rule(user, roles), visible_subject(user, "person"))


class PersonOfConcern(models.Model):
    """What the partnership knows of a person as someone who may cause harm: a profile on `people.Person`."""

    class Level(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not yet assessed"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="concern_profile")
    concern_level = models.CharField(max_length=15, choices=Level.choices, default=Level.NOT_ASSESSED)
    aliases = models.TextField(blank=True, help_text="Other names and nicknames used, one a line.")
    age_from = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Apparent age range when the date of "
                                                                               "birth is not known.")
    age_to = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()

    objects = PersonOfConcernQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people of concern"
        constraints = [
            models.CheckConstraint(condition=Q(age_from__isnull=True) | Q(age_to__isnull=True)
                                   | Q(age_to__gte=models.F("age_from")), name="person_of_concern_age_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"Person of concern {self.person_id}"

    @property
    def age_range(self) -> str:
        if self.age_from and self.age_to:
            return f"{self.age_from} to {self.age_to}"
        if self.age_from:
            return f"{self.age_from} or over"
        if self.age_to:
            return f"up to {self.age_to}"
        return ""

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


NODE_FIELDS = {
    NodeKind.CHILD: "child",
    NodeKind.PERSON: "person",
    NodeKind.PLACE: "place",
    NodeKind.GROUP: "group",
    NodeKind.VEHICLE: "vehicle",
    NodeKind.ONLINE_IDENTITY: "online_identity",
}


def _subjects_shown(model, user):
    """Children or people the user may see at least by initials: all but those restricted to other named users."""
    return model.objects.filter(Q(restricted=False) | Q(restricted_to=user.pk)).values("pk")


class NodeQuerySet(models.QuerySet):
    def visible_to(self, user) -> NodeQuerySet:
        """Nodes whose record the user may open: the child, person or place itself is visible to them."""
        roles = _user_roles(user)
        if not roles & CASE_READERS:
            return self.none()
        return self.filter(
            visible_subject(user)
            | visible_subject(user, "person")
            | self._entities(user)
        )

    def shown_to(self, user) -> NodeQuerySet:
        """Nodes the user may see on a graph at least by initials. A restricted child or person is shown only to named users,
        and a place, group, vehicle or online identity only when its caveat allows."""
        roles = _user_roles(user)
        if not roles & CASE_READERS:
            return self.none()
        return self.filter(
            Q(child__in=_subjects_shown(Child, user)) | Q(person__in=_subjects_shown(Person, user)) | self._entities(user)
        )

    def subjects_visible_to(self, user) -> NodeQuerySet:
        """Child and person nodes the user may open (what a contributor's shared links must touch)."""
        return self.filter(
            visible_subject(user)
            | visible_subject(user, "person")
        )

    @staticmethod
    def _entities(user) -> Q:
        return (
            Q(place__in=Place.objects.visible_to(user).values("pk"))
            | Q(group__in=Group.objects.visible_to(user).values("pk"))
            | Q(vehicle__in=Vehicle.objects.visible_to(user).values("pk"))
            | Q(online_identity__in=OnlineIdentity.objects.visible_to(user).values("pk"))
        )


class Node(models.Model):
    """One record on the network graph: exactly one of the six references is set, matching `kind`."""

    kind = models.CharField(max_length=20, choices=NodeKind.choices)
    child = models.OneToOneField(Child, on_delete=models.CASCADE, null=True, blank=True, related_name="network_node")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="network_node")
    place = models.OneToOneField(Place, on_delete=models.CASCADE, null=True, blank=True, related_name="node")
    group = models.OneToOneField(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="node")
    vehicle = models.OneToOneField(Vehicle, on_delete=models.CASCADE, null=True, blank=True, related_name="node")
    online_identity = models.OneToOneField(OnlineIdentity, on_delete=models.CASCADE, null=True, blank=True,
                                           related_name="node")

    objects = NodeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        (Q(kind=kind) & Q(**{f"{field}__isnull": False})) | (~Q(kind=kind) & Q(**{f"{field}__isnull": True}))
                        for kind, field in NODE_FIELDS.items()
                    ]
                ),
                name="network_node_one_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} node {self.pk}"

    @property
    def record_id(self) -> int:
        return getattr(self, f"{NODE_FIELDS[self.kind]}_id")

    @property
    def record(self):
        return getattr(self, NODE_FIELDS[self.kind])


class LinkType(models.TextChoices):
    ASSOCIATES_WITH = "associates_with", "Associates with"
    EXPLOITED_BY = "exploited_by", "Exploited by"
    FOUND_AT = "found_at", "Found at"
    FREQUENTS = "frequents", "Frequents"
    MISSING_FROM = "missing_from", "Reported missing from"
    LIVES_AT = "lives_at", "Lives or stays at"
    OPERATES_FROM = "operates_from", "Operates from"
    MEMBER_OF = "member_of", "Member of"
    PEER = "peer", "Peer of"
    USES_VEHICLE = "uses_vehicle", "Uses or seen in vehicle"
    USES_IDENTITY = "uses_identity", "Uses online identity"
    CONTACTED_BY = "contacted_by", "Contacted by"
    OTHER = "other", "Linked to"


_K = NodeKind
# Which (from, to) kinds each link type joins; the link reads "from <type> to", e.g. child "exploited by" person.
ALLOWED_ENDS: dict[str, frozenset[tuple[str, str]]] = {
    LinkType.ASSOCIATES_WITH: frozenset({(_K.CHILD, _K.PERSON), (_K.PERSON, _K.PERSON), (_K.CHILD, _K.GROUP)}),
    LinkType.EXPLOITED_BY: frozenset({(_K.CHILD, _K.PERSON), (_K.CHILD, _K.GROUP)}),
    LinkType.FOUND_AT: frozenset({(_K.CHILD, _K.PLACE)}),
    LinkType.FREQUENTS: frozenset({(_K.CHILD, _K.PLACE), (_K.PERSON, _K.PLACE), (_K.GROUP, _K.PLACE)}),
    LinkType.MISSING_FROM: frozenset({(_K.CHILD, _K.PLACE)}),
    LinkType.LIVES_AT: frozenset({(_K.CHILD, _K.PLACE), (_K.PERSON, _K.PLACE)}),
    LinkType.OPERATES_FROM: frozenset({(_K.PERSON, _K.PLACE), (_K.GROUP, _K.PLACE)}),
    LinkType.MEMBER_OF: frozenset({(_K.CHILD, _K.GROUP), (_K.PERSON, _K.GROUP)}),
    LinkType.PEER: frozenset({(_K.CHILD, _K.CHILD)}),
    LinkType.USES_VEHICLE: frozenset({(_K.CHILD, _K.VEHICLE), (_K.PERSON, _K.VEHICLE), (_K.GROUP, _K.VEHICLE)}),
    LinkType.USES_IDENTITY: frozenset({(_K.CHILD, _K.ONLINE_IDENTITY), (_K.PERSON, _K.ONLINE_IDENTITY),
                                       (_K.GROUP, _K.ONLINE_IDENTITY)}),
    LinkType.CONTACTED_BY: frozenset({(_K.CHILD, _K.PERSON), (_K.CHILD, _K.ONLINE_IDENTITY), (_K.CHILD, _K.GROUP)}),
    LinkType.OTHER: frozenset((a, b) for a in _K.values for b in _K.values),
}


class SourceReliability(models.TextChoices):
    """How far the source has proved reliable (docs/network-grading.md)."""

    A = "A", "A — always reliable"
    B = "B", "B — mostly reliable"
    C = "C", "C — sometimes reliable"
    D = "D", "D — unreliable"
    E = "E", "E — untested source"


class InformationAssessment(models.IntegerChoices):
    """How the source came to know, and how far it is borne out (docs/network-grading.md)."""

    KNOWN_DIRECTLY = 1, "1 — known directly to the source"
    CORROBORATED = 2, "2 — known indirectly, corroborated"
    INDIRECT = 3, "3 — known indirectly, not corroborated"
    NOT_KNOWN = 4, "4 — cannot be judged"
    SUSPECT = 5, "5 — suspected to be false"


class LinkQuerySet(models.QuerySet):
    def visible_to(self, user) -> LinkQuerySet:
        roles = _user_roles(user)
        if not roles & CASE_READERS:
            return self.none()
        shown = Node.objects.shown_to(user).values("pk")
        links = self.filter(from_node__in=shown, to_node__in=shown)
        if roles & PARTNERSHIP_CASE_ROLES:
            return links.filter(_caveat_filter(user, roles, "agency_id", "caveat"))
        own = Q(agency_id=user.agency_id) if user.agency_id else Q(pk__in=[])
        held = Node.objects.subjects_visible_to(user).values("pk")
        shared_about_held = Q(caveat=Caveat.PARTNERSHIP) & (Q(from_node__in=held) | Q(to_node__in=held))
        return links.filter(own | shared_about_held)

    def current_between(self, since, until) -> LinkQuerySet:
        """Links whose period [valid_from, valid_to] overlaps [since, until] (either may be None: open-ended)."""
        links = self
        if until is not None:
            links = links.filter(valid_from__lte=until)
        if since is not None:
            links = links.filter(Q(valid_to__isnull=True, valid_from__gte=since) | Q(valid_to__gte=since))
        return links


class Link(models.Model):
    """A typed, dated, graded link between two records, from one agency's information, with that agency's caveat.

    `valid_from`/`valid_to` are when the link held (a single sighting has no `valid_to`); `reported_on` is the date of the
    source's information; `recorded_at` is when it was entered in safehub ("new links since" reads it).
    """

    class Origin(models.TextChoices):
        HAND = "hand", "Recorded by a practitioner"
        FINDING = "finding", "From a finding (e.g. a return home interview)"
        IMPORT = "import", "Imported"
        DEMO = "demo", "Demonstration data"

    from_node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="links_from")
    to_node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="links_to")
    type = models.CharField(max_length=20, choices=LinkType.choices)
    valid_from = models.DateField(db_index=True)
    valid_to = models.DateField(null=True, blank=True)
    reported_on = models.DateField(help_text="Date of the source's information.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency the information is "
                                                                                              "from, which owns the link.")
    source_record = models.ForeignKey(SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_reliability = models.CharField(max_length=1, choices=SourceReliability.choices)
    information_assessment = models.PositiveSmallIntegerField(choices=InformationAssessment.choices)
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.CHILDREN_ACT_2004_S11)
    summary = models.TextField(blank=True, help_text="What the information says, as fact.")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.HAND)
    recorded_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["type", "valid_from"], name="network_link_type_from")]
        constraints = [
            models.CheckConstraint(condition=~Q(from_node=models.F("to_node")), name="network_link_two_ends"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="network_link_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.from_node_id} → {self.to_node_id})"

    @property
    def grading(self) -> str:
        return f"{self.source_reliability}{self.information_assessment}"
