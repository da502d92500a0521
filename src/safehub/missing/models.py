"""Missing children: episodes, return home interviews, the trigger rules over episodes and what they fired.

A `MissingEpisode` is one period a child was missing or absent, from a police notification, an SSDA903 return or a
practitioner. When the child returns a `ReturnHomeInterview` is offered within the `rhi` timescale (72 hours). `TriggerRule`s
("3 episodes in 90 days", "missing for more than 24 hours") are evaluated after every change; each crossing fires once, as a
`TriggerFiring` with an alert event and a `MissingAction` (a strategy discussion or multi-agency meeting to hold).
Every queryset has `visible_to(user)`, composed from `Child.objects.visible_to(user)` and the caveat rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.caveats import Caveat, LawfulBasis
from safehub.core.models import Agency, AgencyType
from safehub.core.roles import PARTNERSHIP_CASE_ROLES, Role
from safehub.people.models import Child, SourceRecord, _caveat_filter, _user_roles, visible_subject

CASE_READERS = PARTNERSHIP_CASE_ROLES | {Role.AGENCY_CONTRIBUTOR}


class Category(models.TextChoices):
    """SSDA903's MISSING column: M (missing: whereabouts unknown) or A (absent: whereabouts known, not where expected)."""

    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"


class ReportedBy(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    PLACEMENT = "placement", "Children's home or other placement"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"
    OTHER = "other", "Other"
    NOT_RECORDED = "not_recorded", "Not recorded"


class RiskGrade(models.TextChoices):
    """The police risk grade of a missing person report (College of Policing APP on missing persons)."""

    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# The grade is a versioned code list (`safehub.missing.risk_grades`): each grading keeps the version it was given under, so
# a later change to the police grading (as when "absent" was replaced by "no apparent risk") does not re-label old episodes.
# `RiskGrade` is the default list in force; the episode's grade may be a code of any version.
CURRENT_RISK_GRADE_CODE_LIST = "cop-app-missing-2016"  # the newest default; risk_grades.current_code_list() is what applies


class MissingEpisodeQuerySet(models.QuerySet):
    def visible_to(self, user) -> MissingEpisodeQuerySet:
        """Episodes of children the user may see, by the owning agency's caveat: partnership roles see shared episodes of
        every agency, agency contributors their own agency's episodes only."""
        roles = _user_roles(user)
        if not roles & CASE_READERS:
            return self.none()
        if not roles & PARTNERSHIP_CASE_ROLES:
            roles = frozenset({Role.AGENCY_CONTRIBUTOR})
        return self.filter(visible_subject(user)).filter(
            _caveat_filter(user, roles, "agency_id", "caveat")
        )

    def ongoing(self) -> MissingEpisodeQuerySet:
        return self.filter(ended_at__isnull=True)


class MissingEpisode(models.Model):
    """One period a child was missing or absent. `ended_at` is null while the child is still missing."""

    class Precision(models.TextChoices):
        EXACT = "exact", "Date and time"
        DAY = "day", "Day only"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency that owns this record of the episode."
    )
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.MISSING)
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.EXACT, help_text="SSDA903 returns give dates only."
    )
    reported_by = models.CharField(max_length=15, choices=ReportedBy.choices, default=ReportedBy.NOT_RECORDED)
    reported_by_detail = models.CharField(max_length=200, blank=True, help_text="Who reported it, e.g. the home's name.")
    police_reference = models.CharField(max_length=40, blank=True, db_index=True)
    where_found = models.CharField(max_length=200, blank=True)
    risk_grade = models.CharField(
        max_length=20, blank=True, help_text="The current grade: a code of `risk_grade_code_list_version` (see `gradings`)."
    )
    risk_grade_code_list_version = models.CharField(max_length=40, blank=True)
    risk_grade_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    risk_grade_reviewed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # Free text until the network app links places and people properly.
    places = models.TextField(blank=True, help_text="Places linked to the episode: where from, where found, where seen.")
    people = models.TextField(blank=True, help_text="People linked to the episode: who with, who reported, who found.")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.CHILDREN_ACT_2004_S11
    )
    source_record = models.ForeignKey(
        SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The police notification this episode came from, when it came from one.",
    )
    import_key = models.CharField(
        max_length=120,
        blank=True,
        help_text="What makes an imported row the same episode: police:<ref> or ssda903:<child>:<start date>.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MissingEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["child", "started_at"], name="missing_episode_child_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="missing_episode_import_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="missing_episode_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} episode {self.pk} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None

    @property
    def risk_grade_label(self) -> str:
        from .risk_grades import label_for

        return label_for(self.risk_grade, self.risk_grade_code_list_version)

    def duration_hours(self, now) -> float:
        end = self.ended_at or now
        return max(0.0, (end - self.started_at).total_seconds() / 3600)


class RiskGradeCodeList(models.Model):
    """A version of the police risk grade code list, overriding the default of the same version in
    `safehub.missing.risk_grades.DEFAULT_CODE_LISTS` or adding a new one."""

    version = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    effective_from = models.DateField(help_text="Gradings from this day use this list (until a later one takes effect).")
    codes = models.JSONField(help_text='[["code", "Label"], ...] in order of increasing risk.')

    class Meta:
        ordering = ["effective_from", "version"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version}, from {self.effective_from:%Y-%m-%d})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not (
            isinstance(self.codes, list)
            and self.codes
            and all(isinstance(pair, list | tuple) and len(pair) == 2 and all(pair) for pair in self.codes)
        ):
            raise ValidationError({"codes": 'Give the codes as a list of ["code", "Label"] pairs'})

    def as_code_list(self):
        from .risk_grades import CodeList

        return CodeList(self.version, self.name, self.effective_from, tuple((str(c), str(label)) for c, label in self.codes))


class RiskGradingQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskGradingQuerySet:
        return self.filter(episode__in=MissingEpisode.objects.visible_to(user).values("pk"))


class RiskGrading(models.Model):
    """One grading of an episode's police risk, kept forever: a regrading adds a row, and the episode's current grade is
    the newest row's."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=20)
    label = models.CharField(max_length=60, help_text="The grade's label under its code list version, when given.")
    code_list_version = models.CharField(max_length=40)
    graded_at = models.DateTimeField()
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Blank when the grade came from a police notification.",
    )
    source = models.CharField(max_length=20, default="reviewed", help_text="reviewed, or recorded with the episode.")
    reason = models.TextField(blank=True)

    objects = RiskGradingQuerySet.as_manager()

    class Meta:
        ordering = ["graded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.code_list_version}) for episode {self.episode_id} at {self.graded_at:%Y-%m-%d %H:%M}"


class ReturnHomeInterviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReturnHomeInterviewQuerySet:
        return self.filter(episode__in=MissingEpisode.objects.visible_to(user).values("pk"))


class DeliveredBy(models.TextChoices):
    """Who delivered a return home interview, in the terms of the statutory guidance's independence test."""

    INDEPENDENT_WORKER = "independent_worker", "Independent return home interview worker"
    COMMISSIONED = "commissioned", "Commissioned provider (e.g. a charity)"
    OTHER_PRACTITIONER = "other_practitioner", "Another practitioner not involved in the child's care"
    SOCIAL_WORKER = "social_worker", "The child's social worker"
    PLACEMENT = "placement", "Placement staff or carer"
    OTHER = "other", "Other"


# Roles that are, by definition, not independent of the child's placement and social worker.
NOT_INDEPENDENT_ROLES = frozenset({DeliveredBy.SOCIAL_WORKER, DeliveredBy.PLACEMENT})


class Responsible(models.TextChoices):
    HOME = "home", "The child's home (placing) authority"
    HOST = "host", "The host authority where the child is placed"
    PROVIDER = "provider", "A provider commissioned by the home authority"


class ReturnHomeInterview(models.Model):
    """The interview offered to a child after they return. `due_at` is the `rhi` timescale from the return."""

    class Response(models.TextChoices):
        AWAITING = "", "Awaiting a response"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="return_interview")
    due_at = models.DateTimeField(db_index=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=10, choices=Response.choices, blank=True, default=Response.AWAITING)
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_name = models.CharField(
        max_length=200, blank=True, help_text="Who holds the interview, e.g. a commissioned provider. Blank: in-house."
    )
    independent = models.BooleanField(
        default=True,
        help_text="Held by someone independent of the child's placement and social worker (statutory guidance expects this).",
    )
    delivered_by_name = models.CharField(max_length=200, blank=True, help_text="Who delivered it: the person's name.")
    delivered_by_role = models.CharField(max_length=20, choices=DeliveredBy.choices, blank=True)
    out_of_area = models.BooleanField(
        default=False, help_text="The child is placed in another local authority's area (the 72-hour offer still applies)."
    )
    host_authority = models.CharField(max_length=200, blank=True, help_text="The authority the child is placed in.")
    responsible = models.CharField(
        max_length=10, choices=Responsible.choices, blank=True,
        help_text="Who arranges the interview for a child placed out of area.",
    )
    push_factors = models.TextField(blank=True, help_text="What made the child leave.")
    pull_factors = models.TextField(blank=True, help_text="What drew the child away.")
    places = models.TextField(blank=True, help_text="Where the child went or stayed.")
    people = models.TextField(blank=True, help_text="Who the child was with.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReturnHomeInterviewQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"Return home interview for episode {self.episode_id}"

    @property
    def status(self) -> str:
        if self.completed_at:
            return "Completed"
        if self.response == self.Response.DECLINED:
            return "Declined"
        if self.response == self.Response.ACCEPTED:
            return "Accepted"
        if self.offered_at:
            return "Offered"
        return "Not offered"

    @property
    def held_by(self) -> str:
        person = self.conducted_by.get_full_name() or self.conducted_by.username if self.conducted_by else ""
        return ", ".join(part for part in (self.delivered_by_name or person, self.provider_name) if part)


class TriggerRule(models.Model):
    """A rule over a child's episodes that calls for a strategy discussion or multi-agency meeting.

    The partnership's rules are rows; the defaults live in code (`services.DEFAULT_TRIGGER_RULES`) and are created on demand.
    """

    class Kind(models.TextChoices):
        EPISODES_IN_WINDOW = "episodes_in_window", "N episodes in D days"
        LONG_EPISODE = "long_episode", "Missing for more than H hours"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    episodes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="N, for 'N episodes in D days'.")
    days = models.PositiveSmallIntegerField(null=True, blank=True, help_text="D, for 'N episodes in D days'.")
    hours = models.PositiveSmallIntegerField(null=True, blank=True, help_text="H, for 'missing for more than H hours'.")
    action = models.CharField(
        max_length=200, default="Hold a strategy discussion or multi-agency meeting", help_text="The task each firing creates."
    )
    action_due_working_days = models.PositiveSmallIntegerField(default=5)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="episodes_in_window", episodes__gte=1, days__gte=1) | Q(kind="long_episode", hours__gte=1)),
                name="trigger_rule_parameters",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TriggerFiringQuerySet(models.QuerySet):
    def visible_to(self, user) -> TriggerFiringQuerySet:
        """Firings are for the partnership's case roles, about children they may see."""
        if not _user_roles(user) & PARTNERSHIP_CASE_ROLES:
            return self.none()
        return self.filter(visible_subject(user))


class TriggerFiring(models.Model):
    """One crossing of a rule by a child: fired once, with the episodes that made the crossing.

    For 'N in D days' a crossing is a whole period in which the child had at least N episodes in the last D days; `crossed_at`
    is the moment the count first reached N. Evaluation treats a computed period as already fired when a stored `crossed_at`
    falls inside it, so a backdated episode that moves the period's start earlier does not fire the same crossing again.
    """

    rule = models.ForeignKey(TriggerRule, on_delete=models.PROTECT, related_name="firings")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_trigger_firings")
    episode = models.ForeignKey(
        MissingEpisode, on_delete=models.CASCADE, related_name="trigger_firings", help_text="The episode that crossed the rule."
    )
    crossed_at = models.DateTimeField(help_text="When the rule was crossed (not when safehub noticed).")
    fired_at = models.DateTimeField(db_index=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    episode_ids = models.JSONField(default=list, help_text="The episodes that made the crossing when it fired.")
    alert_text = models.TextField()
    event = models.ForeignKey(
        "people.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The 'missing.trigger' alert in the child's chronology.",
    )

    objects = TriggerFiringQuerySet.as_manager()

    class Meta:
        ordering = ["-fired_at", "-pk"]
        constraints = [
            # An episode crosses a rule at most once, so two concurrent evaluations cannot both fire the same crossing.
            models.UniqueConstraint(fields=["rule", "episode"], name="trigger_fires_once_per_crossing_episode")
        ]

    def __str__(self) -> str:
        return f"{self.rule} for child {self.child_id} at {self.crossed_at:%Y-%m-%d}"


class MissingActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> MissingActionQuerySet:
        if not _user_roles(user) & PARTNERSHIP_CASE_ROLES:
            return self.none()
        return self.filter(visible_subject(user))

    def open(self) -> MissingActionQuerySet:
        return self.filter(completed_at__isnull=True)


class MissingAction(models.Model):
    """A task a trigger created: hold a strategy discussion or multi-agency meeting about the child, by `due_on`."""

    firing = models.OneToOneField(TriggerFiring, on_delete=models.CASCADE, related_name="action")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_actions")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True, help_text="What was decided, e.g. strategy discussion held, MACE referral.")

    objects = MissingActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} (child {self.child_id}, due {self.due_on:%Y-%m-%d})"


def _private_storage():
    from .storage import PrivateStorage

    return PrivateStorage()


class PhilomenaProfileQuerySet(models.QuerySet):
    def visible_to(self, user) -> PhilomenaProfileQuerySet:
        """Profiles are held ready for the police: partnership case roles see them by caveat, like episodes; contributors
        in a police agency see shared (partnership) profiles of children their agency knows; nobody else sees any."""
        roles = _user_roles(user)
        children = visible_subject(user)
        if roles & PARTNERSHIP_CASE_ROLES:
            return self.filter(children).filter(_caveat_filter(user, roles, "agency_id", "caveat"))
        agency = getattr(user, "agency", None)
        if Role.AGENCY_CONTRIBUTOR in roles and agency is not None and agency.type == AgencyType.POLICE:
            return self.filter(children).filter(Q(caveat=Caveat.PARTNERSHIP) | Q(agency_id=agency.pk))
        return self.none()


class PhilomenaProfile(models.Model):
    """A looked-after child's profile held ready for the police should they go missing (the Philomena protocol): what they
    look like, a recent photo, who they associate with, where they go, their phone and social media. Reviewed regularly."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="philomena_profile")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency that keeps it.")
    height = models.CharField(max_length=40, blank=True, help_text="For example 1.62 m or 5 ft 4 in.")
    build = models.CharField(max_length=100, blank=True)
    hair = models.CharField(max_length=100, blank=True, help_text="Colour, length and style.")
    eyes = models.CharField(max_length=60, blank=True)
    distinguishing_features = models.TextField(blank=True, help_text="Scars, tattoos, piercings, glasses, accent.")
    clothing = models.TextField(blank=True, help_text="What they usually wear.")
    health_needs = models.TextField(blank=True, help_text="Medication or conditions the police need to know about.")
    associates = models.TextField(blank=True, help_text="Friends, family and adults of concern they may be with.")
    places_frequented = models.TextField(blank=True, help_text="Places they go, with addresses where known.")
    phone = models.CharField(max_length=40, blank=True)
    social_media = models.TextField(blank=True, help_text="Accounts and usernames.")
    photo = models.ImageField(upload_to="philomena/", storage=_private_storage, blank=True)
    photo_taken_on = models.DateField(null=True, blank=True)
    review_due = models.DateField(help_text="When the profile must next be checked with the child's carers.")
    caveat = models.CharField(max_length=20, choices=Caveat.choices, default=Caveat.PARTNERSHIP)
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.CHILDREN_ACT_2004_S11
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PhilomenaProfileQuerySet.as_manager()

    class Meta:
        ordering = ["review_due", "pk"]

    def __str__(self) -> str:
        return f"Philomena profile of child {self.child_id}"

    def review_overdue(self, today) -> bool:
        return self.review_due < today
