"""Front-door forms. They check what a form can (required fields, real dates); the services check the domain rules and
their `IntakeError`s are put back on the form with `add_service_errors`, so every error names its field either way.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from safehub.core.caveats import Caveat
from safehub.core.models import Agency, User
from safehub.core.roles import PARTNERSHIP_CASE_ROLES

from . import concerns
from .models import (
    Contact,
    Discipline,
    FgdmOffer,
    HomeEducationNotice,
    MashDecision,
    NrmReferral,
    StrategyDiscussion,
    Urgency,
)
from .services import Attendee, IntakeError

CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


class GovForm(forms.Form):
    """A form whose errors can be listed in a GOV.UK error summary, each linking to its field."""

    # Service error fields that are not form fields, and the form field that shows them.
    service_field_aliases: dict[str, str] = {}

    def anchor(self, name: str) -> str:
        field = self.fields.get(name)
        if field is None:
            return ""
        base = self[name].auto_id or f"id_{name}"  # prefixed forms: id_<prefix>-<name>
        if isinstance(field.widget, CHOICE_WIDGETS):
            return f"{base}_0"
        return base

    def summary_errors(self) -> list[tuple[str, str]]:
        return [(self.anchor(name), message) for name, messages in self.errors.items() for message in messages]

    def add_service_errors(self, error: IntakeError) -> None:
        for name, message in error.errors.items():
            name = self.service_field_aliases.get(name, name)
            self.add_error(name if name in self.fields else None, message)


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class DateTimePartsMixin:
    """GOV.UK date input (day, month, year) plus a time ("14:30"), read into one aware local datetime."""

    def _parts_to_datetime(self, prefix: str, what: str) -> dt.datetime | None:
        data = self.cleaned_data
        parts = [str(data.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
        time_text = str(data.get(f"{prefix}_time") or "").strip()
        if not all(parts):
            self.add_error(f"{prefix}_day", f"Enter the date {what}, for example 19 12 2025")
            return None
        try:
            day, month, year = (int(p) for p in parts)
            if year < 2000:
                raise ValueError
            date = dt.date(year, month, day)
        except ValueError:
            self.add_error(f"{prefix}_day", f"The date {what} must be a real date, for example 19 12 2025")
            return None
        try:
            hours, minutes = (int(p) for p in time_text.replace(".", ":").split(":"))
            time = dt.time(hours, minutes)
        except ValueError:
            self.add_error(f"{prefix}_time", f"Enter the time {what} as hours and minutes, for example 14:30")
            return None
        return timezone.make_aware(dt.datetime.combine(date, time))

    @staticmethod
    def initial_parts(prefix: str, moment: dt.datetime) -> dict[str, str]:
        local = timezone.localtime(moment)
        return {
            f"{prefix}_day": str(local.day),
            f"{prefix}_month": str(local.month),
            f"{prefix}_year": str(local.year),
            f"{prefix}_time": f"{local:%H:%M}",
        }


def _date_part(max_length: int) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length)


class ContactForm(DateTimePartsMixin, GovForm):
    service_field_aliases = {"received_at": "received_day"}

    subject_description = forms.CharField(
        required=False,
        max_length=300,
        label="Who is the contact about?",
        help_text="For an unborn baby or a sibling group not yet in safehub, e.g. 'Unborn baby of Jane Doe, due March'",
    )
    reporter_name = forms.CharField(
        max_length=200, label="Reporter's name", error_messages=_required("Enter the name of the person who made the contact")
    )
    reporter_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        label="Reporter's agency",
        empty_label="Not from an agency (member of the public or family)",
    )
    reporter_relationship = forms.CharField(
        required=False,
        max_length=200,
        label="Role, or relationship to the child",
        help_text="For example 'Designated safeguarding lead', 'Neighbour', 'Aunt'",
    )
    received_day = _date_part(2)
    received_month = _date_part(2)
    received_year = _date_part(4)
    received_time = forms.CharField(required=False, max_length=5, label="Time")
    concerns = forms.MultipleChoiceField(
        choices=concerns.CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Concerns"
    )
    consent = forms.ChoiceField(
        choices=Contact.Consent.choices,
        widget=forms.RadioSelect,
        label="Consent to share",
        error_messages=_required("Select whether the family consented to the information being shared"),
    )
    without_consent_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Reason for sharing without consent"
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.NORMAL, label="Urgency",
        error_messages=_required("Select normal or urgent"),
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="What was reported",
        error_messages=_required("Enter a summary of what was reported"),
    )
    caveat = forms.ChoiceField(
        choices=Caveat.choices, widget=forms.RadioSelect, initial=Caveat.PARTNERSHIP, label="Who may read this contact"
    )

    def __init__(self, *args, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child

    def clean(self):
        cleaned = super().clean()
        if self.child is None and not cleaned.get("subject_description", "").strip():
            self.add_error("subject_description", "Say who the contact is about")
        cleaned["received_at"] = self._parts_to_datetime("received", "the contact was received")
        if cleaned.get("consent") and cleaned["consent"] != Contact.Consent.GIVEN:
            if not cleaned.get("without_consent_reason", "").strip():
                self.add_error("without_consent_reason", "Give the reason for sharing without consent")
        return cleaned


class ChecksForm(GovForm):
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Agencies to ask",
        error_messages=_required("Select at least one agency to ask"),
    )
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Question for the agencies",
        help_text="The agencies see this question and the child's name and date of birth, nothing else from the contact",
        error_messages=_required("Enter the question for the agencies"),
    )
    urgent = forms.BooleanField(required=False, label="Urgent: answer within the urgent timescale")

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies if agencies is not None else Agency.objects.filter(active=True)


class DecisionForm(GovForm):
    outcome = forms.ChoiceField(
        choices=MashDecision.Outcome.choices,
        widget=forms.RadioSelect,
        label="MASH decision",
        error_messages=_required("Select the decision"),
    )
    transfer_to = forms.CharField(required=False, max_length=200, label="Receiving local authority (for a transfer)")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason for the decision",
        error_messages=_required("Give the reason for the decision"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == MashDecision.Outcome.TRANSFER and not cleaned.get("transfer_to", "").strip():
            self.add_error("transfer_to", "Enter the local authority the case is transferred to")
        return cleaned


YES_NO = [("yes", "Yes"), ("no", "No")]


class StrategyDiscussionForm(DateTimePartsMixin, GovForm):
    service_field_aliases = {"held_at": "held_day", "child": "held_day"}

    held_day = _date_part(2)
    held_month = _date_part(2)
    held_year = _date_part(4)
    held_time = forms.CharField(required=False, max_length=5, label="Time")
    decision = forms.ChoiceField(
        choices=StrategyDiscussion.Decision.choices,
        widget=forms.RadioSelect,
        label="What did the discussion decide?",
        error_messages=_required("Select what the discussion decided"),
    )
    lead_practitioner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Lead child protection practitioner (for a section 47 enquiry)",
        empty_label="Choose a practitioner",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Notes")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        for discipline in Discipline:
            self.fields[f"{discipline.value}_present"] = forms.ChoiceField(
                choices=YES_NO,
                widget=forms.RadioSelect,
                label=f"Did {discipline.label.lower()} take part?",
                error_messages=_required(f"Say whether {discipline.label.lower()} took part"),
            )
            self.fields[f"{discipline.value}_name"] = forms.CharField(
                required=False, max_length=200, label=f"Name of the {discipline.label.lower()} attendee"
            )
        if actor is not None and actor.agency_id:
            self.fields["lead_practitioner"].queryset = (
                User.objects.filter(
                    is_active=True, agency_id=actor.agency_id, role_assignments__role__in=PARTNERSHIP_CASE_ROLES
                )
                .distinct()
                .order_by("last_name", "first_name")
            )
        self.fields["lead_practitioner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.service_field_aliases = {
            **self.service_field_aliases,
            **{f"attendance_{d.value}": f"{d.value}_present" for d in Discipline},
        }

    def disciplines(self):
        """(discipline label, present field, name field) for the template."""
        return [(d.label, self[f"{d.value}_present"], self[f"{d.value}_name"]) for d in Discipline]

    def clean(self):
        cleaned = super().clean()
        cleaned["held_at"] = self._parts_to_datetime("held", "of the discussion")
        for discipline in Discipline:
            if cleaned.get(f"{discipline.value}_present") == "yes" and not cleaned.get(f"{discipline.value}_name"):
                self.add_error(f"{discipline.value}_name", f"Enter the name of the {discipline.label.lower()} attendee")
        if cleaned.get("decision") == StrategyDiscussion.Decision.SECTION_47 and not cleaned.get("lead_practitioner"):
            self.add_error("lead_practitioner", "Choose the lead child protection practitioner")
        return cleaned

    def attendance(self) -> dict[str, Attendee]:
        return {
            d.value: Attendee(
                present=self.cleaned_data.get(f"{d.value}_present") == "yes",
                name=self.cleaned_data.get(f"{d.value}_name", ""),
            )
            for d in Discipline
        }


class AnswerForm(GovForm):
    known = forms.ChoiceField(
        choices=[("yes", "Yes, we hold information"), ("no", "No, not known to us")],
        widget=forms.RadioSelect,
        label="Is the child known to your agency?",
        error_messages=_required("Say whether the child is known to your agency"),
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your answer",
        help_text="What your agency holds that helps the MASH decide, or that a search found nothing",
        error_messages=_required("Enter what your agency knows, or that it holds nothing"),
    )
    caveat = forms.ChoiceField(
        choices=Caveat.choices,
        widget=forms.RadioSelect,
        initial=Caveat.PARTNERSHIP,
        label="Who may read your answer",
        error_messages=_required("Select who may read the answer"),
    )



# ---------------------------------------------------------------------------------------------------------------------
# The 2026 Act workflows on a child's page: each form posts with its name (and the record it acts on)


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text or "For example 2026-03-27",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": f"The {label.lower()} must be a real date"},
    )


def _text(label: str, *, required: bool = True, rows: int = 0, max_length: int | None = 200) -> forms.CharField:
    if rows:
        return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}),
                               error_messages=_required(f"Enter the {label.lower()}"))
    return forms.CharField(label=label, required=required, max_length=max_length,
                           error_messages=_required(f"Enter the {label.lower()}"))


class ProceedingsForm(GovForm):
    considered_on = _date("Date of the decision to consider care proceedings")


class FgdmOfferForm(GovForm):
    offered_on = _date("Date family group decision-making was offered")


class FgdmResponseForm(GovForm):
    response = forms.ChoiceField(
        choices=FgdmOffer.Response.choices, widget=forms.RadioSelect, label="The family's answer",
        error_messages=_required("Select the family's answer"),
    )
    responded_on = _date("Date of the answer", required=False)
    meeting_on = _date("Date of the family group meeting", required=False)
    outcome = _text("Outcome of the meeting", required=False, rows=3)
    family_plan = _text("Family plan", required=False, rows=4)


class FgdmExceptionForm(GovForm):
    reason = _text("Reason family group decision-making will not be offered", rows=3)
    manager = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Manager who agreed the exception", empty_label="Choose a manager",
        error_messages=_required("Choose the manager who agreed the exception"),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None and actor.agency_id:
            self.fields["manager"].queryset = (
                User.objects.filter(is_active=True, agency_id=actor.agency_id, role_assignments__role__in=PARTNERSHIP_CASE_ROLES)
                .distinct()
                .order_by("last_name", "first_name")
            )
        self.fields["manager"].label_from_instance = lambda u: u.get_full_name() or u.username


class IssuedForm(GovForm):
    issued_on = _date("Date proceedings were issued")
    court_reference = _text("Court reference", required=False, max_length=60)


class NrmReferralForm(GovForm):
    referred_on = _date("Date of the referral")
    first_responder_organisation = _text("First responder organisation")
    first_responder_name = _text("First responder's name")
    exploitation = forms.ChoiceField(choices=NrmReferral.Exploitation.choices, label="Type of exploitation")


class NrmDecisionForm(GovForm):
    decision = forms.ChoiceField(
        choices=NrmReferral.Decision.choices, widget=forms.RadioSelect, label="Decision",
        error_messages=_required("Select positive or negative"),
    )
    decided_on = _date("Date of the decision")
    decided_by = forms.ChoiceField(
        choices=NrmReferral.DecisionMaker.choices, widget=forms.RadioSelect, label="Decided by",
        error_messages=_required("Select who decided"),
    )


class HomeEducationForm(GovForm):
    school = _text("School that took the child off its roll")
    removed_on = _date("Date the child came off the roll")


class ConsentForm(GovForm):
    consent = forms.ChoiceField(
        choices=[(HomeEducationNotice.Consent.GIVEN, "Give consent"), (HomeEducationNotice.Consent.REFUSED, "Refuse consent")],
        widget=forms.RadioSelect, label="The council's decision",
        error_messages=_required("Select whether the council gives or refuses consent"),
    )
    consent_reason = _text("Reason for the decision", rows=3)
