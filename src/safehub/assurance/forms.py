"""Assurance forms, on the meetings app's GOV.UK form base (error summary anchors; a service's `AssuranceError` is put back
on the field it names)."""

from __future__ import annotations

from django import forms

from safehub.core.models import Agency
from safehub.meetings.forms import GovForm
from safehub.meetings.models import Body, Meeting
from safehub.performance.models import Rag

from .models import RAG, CaseAudit, CaseReview, Course, Grade


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                           help_text="For example, 2025-03-12",
                           error_messages={"required": f"Enter the {label.lower()}",
                                           "invalid": f"Enter the {label.lower()} as a real date, for example 2025-03-12"})


def _agencies(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(label=label, queryset=Agency.objects.filter(active=True),
                                          widget=forms.CheckboxSelectMultiple,
                                          error_messages={"required": "Choose at least one agency"})


def _governance_meetings():
    return Meeting.objects.filter(body__kind__in=Body.GOVERNANCE_KINDS).select_related("body").order_by("-date")


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.body.name}, {obj.date:%-d %B %Y}"


class RoundForm(GovForm):
    name = forms.CharField(label="Name of the round", max_length=200, error_messages={"required": "Enter a name for the round"})
    opens_on = _date("Date the round opens")
    due_on = _date("Date returns are due")
    agencies = _agencies("Agencies asked to complete it")


class ReturnForm(GovForm):
    """A rating, evidence and (for red or amber) an action plan per standard of the round."""

    def __init__(self, *args, standards=(), ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = ratings or {}
        self.standards = list(standards)
        for standard in self.standards:
            current = ratings.get(standard.pk)
            self.fields[f"rag_{standard.pk}"] = forms.ChoiceField(
                label=f"Standard {standard.number}: {standard.title}", required=False,
                choices=[("", "Choose a rating")] + list(Rag.choices), initial=current.rag if current else "")
            self.fields[f"evidence_{standard.pk}"] = forms.CharField(
                label=f"Evidence for standard {standard.number}", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.evidence if current else "")
            self.fields[f"action_plan_{standard.pk}"] = forms.CharField(
                label=f"Action plan for standard {standard.number} (if red or amber)", required=False,
                widget=forms.Textarea(attrs={"rows": 2}), initial=current.action_plan if current else "")

    def ratings(self) -> dict[int, dict]:
        return {s.pk: {"rag": self.cleaned_data.get(f"rag_{s.pk}", ""),
                       "evidence": self.cleaned_data.get(f"evidence_{s.pk}", ""),
                       "action_plan": self.cleaned_data.get(f"action_plan_{s.pk}", "")} for s in self.standards}


class ChallengeForm(GovForm):
    meeting = MeetingChoice(label="Challenge panel meeting",
                            queryset=Meeting.objects.filter(body__kind__in=["scrutiny", "subgroup"]).select_related("body"),
                            error_messages={"required": "Choose the challenge panel meeting"})
    challenge = forms.CharField(label="Challenge", widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages={"required": "Enter the panel's challenge"})
    agency_response = forms.CharField(label="Agency's response", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action_details = forms.CharField(label="Agreed action (optional)", required=False, max_length=500)
    action_owner = forms.CharField(label="Action owner", required=False, max_length=200)
    action_due_on = _date("Action due date", required=False)


class NotificationForm(GovForm):
    reference = forms.CharField(label="Review reference (pseudonym)", max_length=30, help_text="For example, Child T",
                                error_messages={"required": "Enter the pseudonym used for the review, for example Child T"})
    notified_on = _date("Date of the notification")
    notifying_agency = forms.ModelChoiceField(label="Notifying agency", queryset=Agency.objects.filter(active=True),
                                              error_messages={"required": "Choose the notifying agency"})
    incident_type = forms.CharField(label="Kind of serious incident", max_length=200,
                                    error_messages={"required": "Enter what kind of serious incident was notified"})
    child_id = forms.IntegerField(label="Child's safehub number (optional)", required=False,
                                  help_text="From the child's page. Seen only by the review team.")
    circumstances = forms.CharField(label="Circumstances (seen only by the review team)", required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class ReviewStageForm(GovForm):
    rapid_review_completed_on = _date("Date the rapid review was completed", required=False)
    rapid_review_summary = forms.CharField(label="Rapid review summary", required=False,
                                           widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(label="Decision on a practice review", choices=CaseReview.Decision.choices)
    decision_on = _date("Date of the decision", required=False)
    decision_reason = forms.CharField(label="Reason for the decision", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reviewer = forms.CharField(label="Independent reviewer", required=False, max_length=200)
    terms_of_reference = forms.CharField(label="Terms of reference", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label="Findings", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    publication = forms.ChoiceField(label="Publication", choices=CaseReview.Publication.choices)
    published_on = _date("Date published", required=False)


class MilestoneForm(GovForm):
    title = forms.CharField(label="Milestone", max_length=200, error_messages={"required": "Enter the milestone"})
    due_on = _date("Milestone due date")


class RecommendationForm(GovForm):
    text = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Enter the recommendation"})


class TrackedActionForm(GovForm):
    meeting = MeetingChoice(label="Meeting that agreed the action", queryset=_governance_meetings(),
                            error_messages={"required": "Choose the meeting that agreed the action"})
    details = forms.CharField(label="Action", max_length=500, error_messages={"required": "Enter what is to be done"})
    owner_name = forms.CharField(label="Owner", max_length=200, error_messages={"required": "Enter who owns the action"})
    owner_agency = forms.ModelChoiceField(label="Owner's agency", queryset=Agency.objects.filter(active=True), required=False)
    due_on = _date("Due date", required=False)


class EvidenceForm(GovForm):
    evidence = forms.CharField(label="Evidence of completion", widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": "Enter the evidence that the action is complete"})


class AuditForm(GovForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title for the audit"})
    theme = forms.CharField(label="Theme", max_length=200, error_messages={"required": "Enter the audit's theme"})
    questions = forms.CharField(label="Questions (one a line)", widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": "Enter at least one question"})
    agencies = _agencies("Agencies taking part")
    sampling = forms.ChoiceField(label="How children are chosen", choices=CaseAudit.Sampling.choices,
                                 widget=forms.RadioSelect, initial=CaseAudit.Sampling.RANDOM)
    size = forms.IntegerField(label="Number of children", min_value=1, max_value=50, initial=6,
                              error_messages={"required": "Enter how many children to sample"})
    seed = forms.IntegerField(label="Random seed", required=False, min_value=0, help_text="The same seed draws the same sample.")
    event_type = forms.CharField(label="Criteria: children with an event of this type", required=False, max_length=40,
                                 help_text="For example, missing.episode")
    since = _date("Criteria: events since", required=False)


class AuditAnswerForm(GovForm):
    def __init__(self, *args, questions=(), agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if agencies is not None:
            self.fields["agency"] = forms.ModelChoiceField(label="Answering for", queryset=agencies,
                                                           error_messages={"required": "Choose the agency answering"})
        for index, question in enumerate(self.questions):
            self.fields[f"answer_{index}"] = forms.CharField(label=f"{index + 1}. {question}",
                                                             widget=forms.Textarea(attrs={"rows": 2}), required=False)
        self.fields["grade"] = forms.ChoiceField(label="Grade", choices=[("", "Choose a grade")] + list(Grade.choices),
                                                 required=False)
        self.fields["learning"] = forms.CharField(label="Learning for your agency", required=False,
                                                  widget=forms.Textarea(attrs={"rows": 2}))

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{i}", "") for i in range(len(self.questions))]


class CloseAuditForm(GovForm):
    learning = forms.CharField(label="Learning points agreed at moderation", widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": "Enter the learning points agreed"})


class PlanForm(GovForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the plan's title"})
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    objectives = forms.CharField(label="Objectives (one a line)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ImprovementActionForm(GovForm):
    objective = forms.ModelChoiceField(label="Objective", queryset=None, error_messages={"required": "Choose the objective"})
    details = forms.CharField(label="Action", max_length=500, error_messages={"required": "Enter what is to be done"})
    owner = forms.CharField(label="Owner", max_length=200, error_messages={"required": "Enter who owns the action"})
    owner_agency = forms.ModelChoiceField(label="Owner's agency", queryset=Agency.objects.filter(active=True), required=False)
    due_on = _date("Due date")

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.all() if plan else None


class ProgressForm(GovForm):
    rag = forms.ChoiceField(label="Status (RAG)", choices=RAG.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Progress since the last update", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(GovForm):
    course = forms.ModelChoiceField(label="Course", queryset=Course.objects.all(),
                                    error_messages={"required": "Choose the course"})
    held_on = _date("Date held")
    venue = forms.CharField(label="Venue", required=False, max_length=200)
    attendees = forms.CharField(label="Attendees (one a line: name, agency code, role)", widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": "Enter who attended"})

    def clean_attendees(self):
        agencies = {a.code: a for a in Agency.objects.all()}
        rows = []
        for number, line in enumerate(self.cleaned_data["attendees"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 2 or parts[1] not in agencies:
                raise forms.ValidationError(f"Line {number}: give the name, then an agency code ({', '.join(sorted(agencies))})")
            rows.append((parts[0], agencies[parts[1]], parts[2] if len(parts) > 2 else ""))
        return rows


class PrivateFosteringForm(GovForm):
    child_id = forms.IntegerField(label="Child's safehub number", help_text="From the child's page.",
                                  error_messages={"required": "Enter the child's safehub number"})
    source_agency = forms.ModelChoiceField(label="Notified by", queryset=Agency.objects.filter(active=True),
                                           error_messages={"required": "Choose who notified the arrangement"})
    notified_on = _date("Date of the notification")
    carer = forms.CharField(label="Private foster carer", required=False, max_length=200)


class VisitForm(GovForm):
    visited_on = _date("Date of the visit")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assessment_completed = forms.BooleanField(label="Assessment completed at this visit", required=False)


class AnnualReportStartForm(GovForm):
    year_start = _date("First day of the reporting year")
