"""Forms for the missing-children pages, rendered with GOV.UK markup by the templates in missing/includes/.

Messages follow the GOV.UK pattern: they name the thing ("Enter the date and time the child went missing"), and the error
summary links to the field (`error_links`).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Category, ReportedBy, RiskGrade

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
YES_NO = [("yes", "Yes"), ("no", "No")]


class DateTimeWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        parts = {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput, "time": forms.TextInput}
        super().__init__(parts, attrs)

    def decompress(self, value):
        if not value:
            return ["", "", "", ""]
        local = timezone.localtime(value)
        return [str(local.day), str(local.month), str(local.year), f"{local:%H:%M}"]


class DateTimeField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) and a time (14:30), as an aware datetime in the partnership's time zone."""

    widget = DateTimeWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        kwargs.setdefault("error_messages", {"required": f"Enter the date and time {what}"})
        super().__init__(fields=[forms.CharField(required=False) for _ in range(4)], require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year, clock = ((part or "").strip() for part in data_list)
        if not (day and month and year):
            raise ValidationError(f"The date {self.what} must include a day, month and year")
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"The date {self.what} must be a real date, for example 27 3 2026") from None
        if date.year < 2000:
            raise ValidationError(f"The year {self.what} must be 2000 or later")
        match = _TIME.match(clock)
        if not clock:
            raise ValidationError(f"Enter the time {self.what}, for example 14:30")
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError(f"The time {self.what} must be hours and minutes, for example 14:30")
        return timezone.make_aware(dt.datetime.combine(date, dt.time(int(match[1]), int(match[2]))))


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def anchor(self, name: str) -> str:
        if name == "__all__" or name not in self.fields:
            name = next(iter(self.fields))
        return f"{name}_day" if isinstance(self.fields[name], DateTimeField) else name

    def error_links(self) -> list[tuple[str, str]]:
        return [(self.anchor(name), message) for name, messages in self.errors.items() for message in messages]

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal on the fields it names (or at the top when the form has no such field)."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _yes_no(value: str) -> bool:
    return value == "yes"


class EpisodeForm(GovForm):
    started_at = DateTimeField(what="the child went missing", label="When did the child go missing?")
    category = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=Category.choices,
        initial=Category.MISSING,
        label="Missing or absent?",
        error_messages={"required": "Select whether the child is missing or absent"},
    )
    reported_by = forms.ChoiceField(
        choices=ReportedBy.choices,
        label="Who reported it?",
        error_messages={"required": "Select who reported the child missing"},
    )
    reported_by_detail = forms.CharField(
        required=False, max_length=200, label="Name of the person, home or school that reported it (optional)"
    )
    police_reference = forms.CharField(required=False, max_length=40, label="Police reference (optional)")
    risk_grade = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[("", "Not graded yet"), *RiskGrade.choices], required=False, label="Police risk grade"
    )
    places = forms.CharField(required=False, widget=forms.Textarea, label="Places (optional)")
    people = forms.CharField(required=False, widget=forms.Textarea, label="People (optional)")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Notes (optional)")


class ReturnForm(GovForm):
    ended_at = DateTimeField(what="the child returned", label="When did the child return or was found?")
    where_found = forms.CharField(required=False, max_length=200, label="Where were they found? (optional)")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Notes (optional)")


class GradeForm(GovForm):
    risk_grade = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=RiskGrade.choices, label="Police risk grade", error_messages={"required": "Select the police risk grade"}
    )


class OfferForm(GovForm):
    offered_at = DateTimeField(what="the interview was offered", label="When was the interview offered?")
    provider_name = forms.CharField(
        required=False,
        max_length=200,
        label="Provider (optional)",
        help_text="For example a commissioned charity. Leave blank if in-house.",
    )
    independent = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=YES_NO,
        initial="yes",
        label="Will someone independent of the child's care hold it?",
        error_messages={"required": "Select whether the interview is independent"},
    )

    def clean_independent(self):
        return _yes_no(self.cleaned_data["independent"])


class ResponseForm(GovForm):
    response = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[("accepted", "Accepted"), ("declined", "Declined")],
        label="Did the child accept the interview?",
        error_messages={"required": "Select whether the child accepted or declined the interview"},
    )
    responded_at = DateTimeField(what="the child answered", label="When did the child answer?")


class CompleteForm(GovForm):
    completed_at = DateTimeField(what="the interview was held", label="When was the interview held?")
    held_by_me = forms.BooleanField(required=False, label="I held the interview")
    provider_name = forms.CharField(required=False, max_length=200, label="Provider (optional)")
    independent = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=YES_NO,
        label="Was it held by someone independent of the child's care?",
        error_messages={"required": "Select whether the interview was independent"},
    )
    push_factors = forms.CharField(required=False, widget=forms.Textarea, label="Push factors: what made the child leave")
    pull_factors = forms.CharField(required=False, widget=forms.Textarea, label="Pull factors: what drew the child away")
    places = forms.CharField(required=False, widget=forms.Textarea, label="Places the child went or stayed")
    people = forms.CharField(required=False, widget=forms.Textarea, label="People the child was with")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Other notes (optional)")

    def clean_independent(self):
        return _yes_no(self.cleaned_data["independent"])


class ActionForm(GovForm):
    outcome = forms.CharField(
        widget=forms.Textarea,
        label="What was decided?",
        help_text="For example: strategy discussion held on 3 March, MACE referral made.",
        error_messages={"required": "Enter what was decided"},
    )


class ImportForm(GovForm):
    kind = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[("police", "Police missing-person notifications"), ("ssda903", "SSDA903 missing episodes")],
        label="What kind of file is it?",
        error_messages={"required": "Select what kind of file it is"},
    )
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError("The selected file must be smaller than 20MB")
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        return upload
