"""Meetings forms. They check what a form can (required fields, real dates); the services check the domain rules and
their `MeetingsError`s are put back on the form with `add_service_errors`, so every error names its field either way.
"""

from __future__ import annotations

from django import forms

from safehub.core.models import Agency, User

from .minutes import SUPPORTED
from .models import Action, Attendance, Body, ExemptCategory, Membership
from .services import MeetingsError

GOVUK_WIDGET_CLASSES = {
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


class GovForm(forms.Form):
    """Widgets carry the GOV.UK classes (a checkbox without `govuk-checkboxes__input` sits under its styled label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            css = next((c for kind, c in GOVUK_WIDGET_CLASSES.items() if type(widget) is kind), "govuk-input")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def summary_errors(self) -> list[tuple[str, str]]:
        return [(f"id_{self.prefix + '-' if self.prefix else ''}{name}" if name in self.fields else "", message)
                for name, messages in self.errors.items() for message in messages]

    def add_service_errors(self, error: MeetingsError) -> None:
        for name, message in error.errors.items():
            self.add_error(name if name in self.fields else None, message)


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                           help_text="For example, 2025-03-12",
                           error_messages={"required": f"Enter the {label.lower()}", "invalid": f"Enter the {label.lower()} "
                                           "as a real date, for example 2025-03-12"})


class BodyForm(GovForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name of the board or panel"})
    kind = forms.ChoiceField(label="Kind of body", choices=Body.Kind.choices)
    terms_of_reference = forms.CharField(label="Terms of reference", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    quorum = forms.IntegerField(label="Quorum (voting members present)", min_value=0, initial=0, required=False)
    quorum_needs_statutory_partners = forms.BooleanField(label="The three safeguarding partners must each be present",
                                                         required=False)


class MemberForm(GovForm):
    name = forms.CharField(label="Name", max_length=200, required=False)
    user = forms.ModelChoiceField(label="User (if they sign in to safehub)", queryset=User.objects.filter(is_active=True),
                                  required=False)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.filter(active=True), required=False)
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    initials = forms.CharField(label="Initials", max_length=10, required=False)
    position = forms.CharField(label="Position", max_length=200, required=False)


class MeetingForm(GovForm):
    date = _date("Date of the meeting")
    start_time = forms.TimeField(label="Start time", required=False, help_text="For example, 10:00")
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    online = forms.BooleanField(label="Held online", required=False)


class PanelMeetingForm(MeetingForm):
    since = _date("Flags raised since")


class ItemForm(GovForm):
    number = forms.CharField(label="Item number (as printed)", max_length=20, required=False)
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the title of the item"})
    presenter = forms.CharField(label="Presenter", max_length=200, required=False)
    exempt = forms.BooleanField(label="Exempt item (taken in private)", required=False)
    exempt_category = forms.MultipleChoiceField(label="Schedule 12A paragraphs", choices=ExemptCategory.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    exempt_reason = forms.CharField(label="Reason for exemption", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    paper = forms.FileField(label="Paper (optional)", required=False)


class AttendanceForm(GovForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name of the person"})
    role = forms.CharField(label="Role or position", max_length=200, required=False)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.filter(active=True), required=False)
    status = forms.ChoiceField(label="Attendance", choices=Attendance.Status.choices)


class DeclarationForm(GovForm):
    name = forms.CharField(label="Who declared", max_length=200, error_messages={"required": "Enter who declared the interest"})
    interest = forms.CharField(label="Interest declared", widget=forms.Textarea(attrs={"rows": 2}),
                               error_messages={"required": "Enter the interest declared"})
    action_taken = forms.CharField(label="Action taken", max_length=200, required=False)


class MinutesForm(GovForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.CharField(label="Minutes", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decision = forms.CharField(label="RESOLVED (decision, optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(GovForm):
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    details = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": "Enter what is to be done"})
    owner_user = forms.ModelChoiceField(label="Owner (user)", queryset=User.objects.filter(is_active=True), required=False)
    owner_name = forms.CharField(label="Owner name or initials", max_length=200, required=False)
    owner_agency = forms.ModelChoiceField(label="Owner's agency", queryset=Agency.objects.filter(active=True), required=False)
    due_on = _date("Due date", required=False)
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Kind", choices=Action.Kind.choices, initial=Action.Kind.ACTION, required=False)


class ActionStatusForm(GovForm):
    action = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    note = forms.CharField(label="Note", max_length=500, required=False)


class CaseForm(GovForm):
    case = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(label="Discussion", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decisions = forms.CharField(label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(GovForm):
    file = forms.FileField(label="Minutes file", help_text=f"{', '.join(SUPPORTED)} up to 10 MB",
                           error_messages={"required": "Choose the minutes file to import"})
    body = forms.ModelChoiceField(label="Board or panel", queryset=Body.objects.none(),
                                  error_messages={"required": "Choose the board or panel the minutes belong to"})

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = bodies

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The minutes file must be smaller than 10 MB")
        if not upload.name.lower().endswith(SUPPORTED):
            raise forms.ValidationError("The minutes file must be a .txt, .html, .pdf or .docx file")
        return upload
