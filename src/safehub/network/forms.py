"""Forms for the network pages, rendered in GOV.UK markup by web/includes/field.html.

Messages name the thing ("Enter the date the link started"); the error summary links to the field (`error_links`).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from safehub.core.caveats import Caveat

from .models import (
    ALLOWED_ENDS,
    Group,
    InformationAssessment,
    LinkType,
    NodeKind,
    OnlineIdentity,
    Place,
    SourceReliability,
)
from .selectors import GraphFilters

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]


class DateWidget(forms.MultiWidget):
    template_name = "django/forms/widgets/multiwidget.html"

    def __init__(self, attrs=None):
        super().__init__({"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}, attrs)

    def decompress(self, value):
        if not value:
            return ["", "", ""]
        return [str(value.day), str(value.month), str(value.year)]


class GovDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year)."""

    widget = DateWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        kwargs.setdefault("error_messages", {"required": f"Enter the date {what}"})
        super().__init__(fields=[forms.CharField(required=False) for _ in range(3)], require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        if not (day and month and year):
            raise ValidationError(f"The date {self.what} must include a day, month and year")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"The date {self.what} must be a real date, for example 27 3 2026") from None
        if value.year < 1900:
            raise ValidationError(f"The year {self.what} must include 4 numbers")
        return value


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def anchor(self, name: str) -> str:
        if name == "__all__" or name not in self.fields:
            name = next(iter(self.fields))
        field = self.fields[name]
        if isinstance(field, GovDateField):
            return f"{name}_day"
        return name

    def error_links(self) -> list[tuple[str, str]]:
        return [(self.anchor(name), message) for name, messages in self.errors.items() for message in messages]

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal on the fields it names (or at the top when the form has no such field)."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _optional_date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS, widget=forms.TextInput,
                           error_messages={"invalid": f"{label} must be a real date, for example 2026-03-27"})


class GraphFilterForm(GovForm):
    """Filters on a graph page (GET): link types, the period the links held in, and the weakest grading to include."""

    types = forms.MultipleChoiceField(label="Types of link", choices=LinkType.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    since = _optional_date("Held on or after")
    until = _optional_date("Held on or before")
    max_reliability = forms.ChoiceField(label="Sources at least", required=False, choices=[
        ("E", "Any source (A to E)"), ("D", "A to D"), ("C", "A to C"), ("B", "A or B (mostly reliable)"),
        ("A", "A only (always reliable)")])
    max_assessment = forms.ChoiceField(label="Information at least", required=False, choices=[
        ("5", "Any assessment (1 to 5)"), ("4", "1 to 4"), ("3", "1 to 3"), ("2", "1 or 2 (corroborated)"),
        ("1", "1 only (known directly)")])

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "Held on or before must be the same as or after held on or after")
        return data

    def filters(self) -> GraphFilters:
        if not self.is_valid():
            return GraphFilters()
        data = self.cleaned_data
        return GraphFilters(
            types=tuple(data.get("types") or ()), since=data.get("since"), until=data.get("until"),
            max_reliability=data.get("max_reliability") or SourceReliability.E,
            max_assessment=int(data.get("max_assessment") or InformationAssessment.SUSPECT),
        )


CAVEAT_CHOICES = Caveat.choices


class LinkForm(GovForm):
    """Link the page's record to another: one the user may see from the list, or a child by their safehub number."""

    type = forms.ChoiceField(label="Type of link", choices=[])
    to_record = forms.ChoiceField(label="Linked to", required=False, choices=[],
                                  help_text="A place, group, person of concern, vehicle or online identity you may see.")
    to_child = forms.IntegerField(label="Or a child's safehub number", required=False, min_value=1,
                                  help_text="The number at the end of the child's page address, e.g. 1234 in "
                                            "/people/children/1234/.",
                                  error_messages={"invalid": "The child's safehub number must be a whole number",
                                                  "min_value": "The child's safehub number must be a whole number"})
    valid_from = GovDateField(label="Date the link started or was seen", what="the link started or was seen")
    valid_to = GovDateField(label="Date the link ended (if it has)", what="the link ended", required=False)
    reported_on = GovDateField(label="Date of the information (if different)", what="of the information", required=False)
    source_reliability = forms.ChoiceField(label="Source reliability", choices=SourceReliability.choices,
                                           widget=forms.RadioSelect)
    information_assessment = forms.TypedChoiceField(label="Information assessment", coerce=int,
                                                    choices=InformationAssessment.choices, widget=forms.RadioSelect)
    caveat = forms.ChoiceField(label="Who may see this link", choices=CAVEAT_CHOICES, initial=Caveat.PARTNERSHIP,
                               widget=forms.RadioSelect)
    summary = forms.CharField(label="What the information says", required=False, widget=forms.Textarea,
                              max_length=4000, help_text="As fact, with where it came from. Avoid naming other children.")

    error_texts = {
        "type": "Choose the type of link",
        "to_record": "Choose what to link to",
        "source_reliability": "Choose how reliable the source is (A to E)",
        "information_assessment": "Choose how the information is assessed (1 to 5)",
        "caveat": "Choose who may see this link",
    }

    def __init__(self, *args, from_kind: str, candidates: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.from_kind = from_kind
        types = [(value, label) for value, label in LinkType.choices
                 if any(from_kind in pair for pair in ALLOWED_ENDS[value])]
        self.fields["type"].choices = [("", "Choose a type")] + types
        self.fields["to_record"].choices = [("", "Choose a record")] + candidates
        for name, message in self.error_texts.items():
            self.fields[name].error_messages["required"] = message
            self.fields[name].error_messages["invalid_choice"] = message

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("to_record", "to_child") if data.get(name)]
        if not chosen and not self.has_error("to_child"):
            self.add_error("to_record", "Choose what to link to, or give a child's safehub number")
        elif len(chosen) == 2:
            self.add_error("to_child", "Link to one record at a time: choose from the list or give a child's number")
        return data


class NewRecordForm(GovForm):
    """A place, group, person of concern, vehicle or online identity, with who may see it."""

    kind = forms.ChoiceField(label="What do you want to record?", widget=forms.RadioSelect, choices=[
        (NodeKind.PLACE, "A place"), (NodeKind.PERSON, "A person of concern"), (NodeKind.GROUP, "A group"),
        (NodeKind.VEHICLE, "A vehicle"), (NodeKind.ONLINE_IDENTITY, "An online identity")],
        error_messages={"required": "Choose what you want to record", "invalid_choice": "Choose what you want to record"})
    name = forms.CharField(label="Name", required=False, max_length=200,
                           help_text="The place's or group's name; the person's name as known; the registration; the "
                                     "handle or number.")
    place_kind = forms.ChoiceField(label="Kind of place", choices=Place.Kind.choices, required=False)
    group_kind = forms.ChoiceField(label="Kind of group", choices=Group.Kind.choices, required=False)
    platform = forms.ChoiceField(label="Platform", choices=OnlineIdentity.Platform.choices, required=False)
    address = forms.CharField(label="Address", required=False, max_length=300)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    aliases = forms.CharField(label="Other names or nicknames", required=False, widget=forms.Textarea,
                              help_text="For a person: one a line.")
    age_from = forms.IntegerField(label="Apparent age from", required=False, min_value=0, max_value=120,
                                  error_messages={"invalid": "Apparent age from must be a whole number"})
    age_to = forms.IntegerField(label="Apparent age to", required=False, min_value=0, max_value=120,
                                error_messages={"invalid": "Apparent age to must be a whole number"})
    caveat = forms.ChoiceField(label="Who may see this record", choices=CAVEAT_CHOICES, initial=Caveat.PARTNERSHIP,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose who may see this record"})

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and not (data.get("aliases") or "").strip():
            self.add_error("name", "Enter the name")
        if data.get("age_from") is not None and data.get("age_to") is not None and data["age_to"] < data["age_from"]:
            self.add_error("age_to", "Apparent age to must be the same as or more than apparent age from")
        return data
