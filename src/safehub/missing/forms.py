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

from .models import Category, DeliveredBy, ReportedBy, Responsible
from .risk_grades import current_code_list

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
    risk_grade = forms.ChoiceField(widget=forms.RadioSelect, choices=[], required=False, label="Police risk grade")
    places = forms.CharField(required=False, widget=forms.Textarea, label="Places (optional)")
    people = forms.CharField(required=False, widget=forms.Textarea, label="People (optional)")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Notes (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_grade"].choices = [("", "Not graded yet"), *current_code_list().codes]


class ReturnForm(GovForm):
    ended_at = DateTimeField(what="the child returned", label="When did the child return or was found?")
    where_found = forms.CharField(required=False, max_length=200, label="Where were they found? (optional)")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Notes (optional)")


class GradeForm(GovForm):
    risk_grade = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[], label="Police risk grade", error_messages={"required": "Select the police risk grade"}
    )
    reason = forms.CharField(
        required=False, widget=forms.Textarea, label="Why has the grade changed? (optional)",
        help_text="For example: new intelligence that the child is with an adult of concern.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.code_list = current_code_list()
        self.fields["risk_grade"].choices = list(self.code_list.codes)


class DeliveryFields(forms.Form):
    """Who delivers the interview, and where the child is placed: shared by the offer and completion steps."""

    delivered_by_name = forms.CharField(required=False, max_length=200, label="Name of the person holding it (optional)")
    delivered_by_role = forms.ChoiceField(
        required=False, choices=[("", "Not known yet"), *DeliveredBy.choices], label="Who are they?"
    )
    out_of_area = forms.BooleanField(required=False, label="The child is placed out of area (in another authority's area)")
    host_authority = forms.CharField(
        required=False, max_length=200, label="Host authority (if out of area)",
        help_text="For example Northshire County Council.",
    )
    responsible = forms.ChoiceField(
        required=False, choices=[("", "Not out of area"), *Responsible.choices],
        label="Who is responsible for the interview? (if out of area)",
    )


class OfferForm(DeliveryFields, GovForm):
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


class CompleteForm(DeliveryFields, GovForm):
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


PHOTO_MAX_BYTES = 5 * 1024 * 1024
DATE_FORMATS = ["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d"]


class ProfileForm(GovForm):
    """The Philomena profile: description, photo, associates, places, phone and social media, and the next review."""

    height = forms.CharField(required=False, max_length=40, label="Height (optional)", help_text="For example 1.62 m")
    build = forms.CharField(required=False, max_length=100, label="Build (optional)")
    hair = forms.CharField(required=False, max_length=100, label="Hair (optional)", help_text="Colour, length and style")
    eyes = forms.CharField(required=False, max_length=60, label="Eye colour (optional)")
    distinguishing_features = forms.CharField(
        required=False, widget=forms.Textarea, label="Distinguishing features (optional)",
        help_text="Scars, tattoos, piercings, glasses, accent",
    )
    clothing = forms.CharField(required=False, widget=forms.Textarea, label="Clothing usually worn (optional)")
    health_needs = forms.CharField(
        required=False, widget=forms.Textarea, label="Health needs and medication (optional)"
    )
    associates = forms.CharField(
        required=False, widget=forms.Textarea, label="Associates (optional)",
        help_text="Friends, family and adults of concern the child may be with",
    )
    places_frequented = forms.CharField(required=False, widget=forms.Textarea, label="Places frequented (optional)")
    phone = forms.CharField(required=False, max_length=40, label="Phone number (optional)")
    social_media = forms.CharField(
        required=False, widget=forms.Textarea, label="Social media (optional)", help_text="Accounts and usernames"
    )
    photo = forms.ImageField(
        required=False, label="Recent photo (optional)", help_text="A JPEG or PNG, smaller than 5MB",
        error_messages={"invalid_image": "The selected file must be a JPEG or PNG photo"},
    )
    photo_taken_on = forms.DateField(
        required=False, input_formats=DATE_FORMATS, label="When was the photo taken? (optional)",
        help_text="For example, 27 3 2026", error_messages={"invalid": "The date the photo was taken must be a real date"},
    )
    remove_photo = forms.BooleanField(required=False, label="Remove the current photo")
    review_due = forms.DateField(
        input_formats=DATE_FORMATS, label="Review the profile by", help_text="For example, 27 6 2026",
        error_messages={"required": "Enter the date the profile must next be reviewed",
                        "invalid": "The review date must be a real date"},
    )
    caveat = forms.ChoiceField(choices=[], label="Who may see it", initial="partnership")

    def __init__(self, *args, **kwargs):
        from safehub.core.caveats import Caveat

        super().__init__(*args, **kwargs)
        self.fields["caveat"].choices = Caveat.choices

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError("The selected photo must be smaller than 5MB")
        image_format = getattr(getattr(photo, "image", None), "format", "")
        if image_format not in {"JPEG", "PNG"}:
            raise ValidationError("The selected file must be a JPEG or PNG photo")
        photo.image_format = image_format
        return photo
