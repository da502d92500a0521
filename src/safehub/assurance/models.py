"""Learning and assurance: case reviews, multi-agency case audits, improvement plans, the training standard, the private
fostering register, annual reports and (section11.py) the section 11 self-assessment.

Actions agreed anywhere here are the meetings app's `Action` (one action log for the partnership), linked by `TrackedAction`
with the evidence of completion. Personal data (the child of a review, audit or private fostering arrangement) is read
through `visible_to(user)` querysets composed from `Child.objects.visible_to(user)`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.models import Agency
from safehub.meetings.models import Action, Meeting
from safehub.people.models import Child, visible_subject
from safehub.performance.models import AssessmentRound, StandardRating


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"


# Section 11 self-assessment -----------------------------------------------------------------------------------------------
# The rounds, standards and ratings are the performance app's generic standards self-assessment (`StandardSet` of kind
# "section11", `AssessmentRound`, `StandardRating`); assurance adds only what a section 11 audit needs beyond it: each
# agency's return as a unit that is submitted, and the challenge panel's record.


class Section11Return(models.Model):
    """One agency's return in a section 11 round: its ratings are `StandardRating`s; submitting makes them final."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="section11_returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["round", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="s11_return_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.round}: {self.agency}"

    def ratings(self):
        return StandardRating.objects.filter(round_id=self.round_id, agency_id=self.agency_id).select_related("standard")


class ChallengeRecord(models.Model):
    """What a challenge panel (a meeting of a scrutiny panel or subgroup) said to an agency about its return."""

    section11_return = models.ForeignKey(Section11Return, on_delete=models.CASCADE, related_name="challenges")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    challenge = models.TextField()
    agency_response = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Challenge to {self.section11_return}"


# Case reviews ---------------------------------------------------------------------------------------------------------------


class CaseReview(models.Model):
    """A serious incident notification and what follows: rapid review, the decision on a local child safeguarding practice
    review (LCSPR), the review itself and its publication. Carries no identifying detail: see `CaseReviewSubject`."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not yet decided"
        LCSPR = "lcspr", "Local child safeguarding practice review"
        NO_LCSPR = "no_lcspr", "No practice review: learning taken forward another way"
        NATIONAL = "national", "Referred to the national panel"

    class Publication(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft report"
        WITH_PANEL = "with_panel", "With the national panel"
        PUBLISHED = "published", "Published"
        NOT_PUBLISHED = "not_published", "Not for publication"

    reference = models.CharField(max_length=30, unique=True, help_text="A pseudonym used in every paper, e.g. 'Child T'.")
    notified_on = models.DateField(help_text="When the serious incident notification was made.")
    notifying_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incident_type = models.CharField(max_length=200, help_text="e.g. serious harm, death; no identifying detail.")
    rapid_review_due = models.DateField()
    rapid_review_completed_on = models.DateField(null=True, blank=True)
    rapid_review_summary = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    reviewer = models.CharField(max_length=200, blank=True, help_text="The independent reviewer.")
    terms_of_reference = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    publication = models.CharField(max_length=15, choices=Publication.choices, default=Publication.NOT_STARTED)
    published_on = models.DateField(null=True, blank=True)
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", help_text="The review team.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notified_on", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def stage(self) -> str:
        if self.publication == self.Publication.PUBLISHED:
            return "Published"
        if self.decision == self.Decision.LCSPR:
            return "Practice review"
        if self.decision != self.Decision.PENDING:
            return "Decided"
        if self.rapid_review_completed_on:
            return "Awaiting decision"
        return "Rapid review"


class CaseReviewSubjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseReviewSubjectQuerySet:
        """The review team's members, and only for a child they may see anyway."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(review__team=user.pk).filter(
            Q(child__isnull=True) | visible_subject(user)
        )


class CaseReviewSubject(models.Model):
    """The identifiable side of a case review: the child and what happened. Visible to the review team only."""

    review = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="subject")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    circumstances = models.TextField(blank=True)

    objects = CaseReviewSubjectQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Subject of {self.review}"


class ReviewMilestone(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="recommendation_number_once")]

    def __str__(self) -> str:
        return f"{self.review} recommendation {self.number}"


# Multi-agency case audits -------------------------------------------------------------------------------------------------


class CaseAudit(models.Model):
    """A themed multi-agency case audit: a sample of children, every agency answering the same questions for each."""

    class Sampling(models.TextChoices):
        RANDOM = "random", "Random sample with a seed"
        CRITERIA = "criteria", "Children matching criteria"

    class Status(models.TextChoices):
        OPEN = "open", "Agencies answering"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=200)
    questions = models.JSONField(default=list, help_text="The questions every agency answers for each child.")
    agencies = models.ManyToManyField(Agency, related_name="+")
    sampling = models.CharField(max_length=10, choices=Sampling.choices)
    seed = models.PositiveIntegerField(null=True, blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    learning = models.TextField(blank=True, help_text="Learning points agreed at moderation.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AuditCaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditCaseQuerySet:
        return self.filter(visible_subject(user))


class AuditCase(models.Model):
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="cases")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="Case 1, 2, ... as referred to in the audit report.")

    objects = AuditCaseQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [models.UniqueConstraint(fields=["audit", "child"], name="audit_child_once")]

    def __str__(self) -> str:
        return f"{self.audit} case {self.position}"


class AuditAnswerQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditAnswerQuerySet:
        return self.filter(case__in=AuditCase.objects.visible_to(user).values("pk"))


class AuditAnswer(models.Model):
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="answers")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=list)
    grade = models.CharField(max_length=25, choices=Grade.choices)
    learning = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    answered_at = models.DateTimeField()

    objects = AuditAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="audit_answer_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.case}: {self.agency}"


# Actions from any of the above, on the partnership's one action log ------------------------------------------------------


class TrackedAction(models.Model):
    """Links a meetings `Action` to what it came from (a review recommendation, a case audit, a section 11 challenge)."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="assurance_link")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="actions")
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, null=True, blank=True, related_name="actions")
    challenge = models.ForeignKey("assurance.ChallengeRecord", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="actions")
    evidence = models.TextField(blank=True, help_text="Evidence the action was completed.")
    evidence_recorded_at = models.DateTimeField(null=True, blank=True)
    evidence_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+")

    def __str__(self) -> str:
        return str(self.action)


# Improvement plans --------------------------------------------------------------------------------------------------------


class ImprovementPlan(models.Model):
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ImprovementAction(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    details = models.TextField()
    owner = models.CharField(max_length=200)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField()
    rag = models.CharField(max_length=10, choices=RAG.choices, default=RAG.AMBER)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["objective", "due_on", "pk"]

    def __str__(self) -> str:
        return self.details[:60]

    @property
    def latest_update(self):
        updates = list(self.history.all())
        return updates[-1] if updates else None


class ProgressUpdate(models.Model):
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="history")
    rag = models.CharField(max_length=10, choices=RAG.choices)
    note = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["action", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.rag}"


# Training -----------------------------------------------------------------------------------------------------------------


class Course(models.Model):
    """A course in the partnership's training framework, at a level (1 universal ... 4 specialist/leadership)."""

    title = models.CharField(max_length=200, unique=True)
    level = models.PositiveSmallIntegerField(choices=[(1, "Level 1"), (2, "Level 2"), (3, "Level 3"), (4, "Level 4")])
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return f"{self.title} (level {self.level})"


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.course.title} on {self.held_on:%Y-%m-%d}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True, help_text="Job role, e.g. health visitor, designated teacher.")
    attended = models.BooleanField(default=True)

    class Meta:
        ordering = ["session", "name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.session}"


class TrainingRequirement(models.Model):
    """How many of an agency's staff must hold training at a level (the denominator of compliance)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    required_level = models.PositiveSmallIntegerField()
    workforce = models.PositiveIntegerField(help_text="Staff who need training at this level.")

    class Meta:
        ordering = ["agency__name", "required_level"]
        constraints = [models.UniqueConstraint(fields=["agency", "required_level"], name="training_requirement_once")]

    def __str__(self) -> str:
        return f"{self.agency}: {self.workforce} at level {self.required_level}"


# Private fostering --------------------------------------------------------------------------------------------------------


class PrivateFosteringQuerySet(models.QuerySet):
    def visible_to(self, user) -> PrivateFosteringQuerySet:
        return self.filter(visible_subject(user))


class PrivateFosteringArrangement(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="Who notified.")
    notified_on = models.DateField()
    carer = models.CharField(max_length=200, blank=True)
    visit_due = models.DateField()
    assessment_due = models.DateField()
    assessment_completed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = PrivateFosteringQuerySet.as_manager()

    class Meta:
        ordering = ["-notified_on", "-pk"]

    def __str__(self) -> str:
        return f"Private fostering notified {self.notified_on:%Y-%m-%d}"

    @property
    def assessment_in_time(self) -> bool | None:
        if self.assessment_completed_on is None:
            return None
        return self.assessment_completed_on <= self.assessment_due


class PrivateFosteringVisit(models.Model):
    arrangement = models.ForeignKey(PrivateFosteringArrangement, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["arrangement", "visited_on"]

    def __str__(self) -> str:
        return f"Visit {self.visited_on:%Y-%m-%d}"


# Annual report ------------------------------------------------------------------------------------------------------------


class AnnualReport(models.Model):
    """An editable draft: figures are assembled from the year's data each time; the narrative per section is kept here."""

    year_start = models.DateField(unique=True, help_text="First day of the reporting year, e.g. 2025-04-01.")
    title = models.CharField(max_length=200)
    narrative = models.JSONField(default=dict, blank=True, help_text="Section code -> text written by the partnership.")
    status = models.CharField(max_length=10, choices=[("draft", "Draft"), ("final", "Final")], default="draft")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year_start"]

    def __str__(self) -> str:
        return self.title

