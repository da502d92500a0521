from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=12, strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a backup code"},
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record now?", widget=forms.Textarea(attrs={"rows": 4}), min_length=10,
        max_length=1000,
        error_messages={"required": "Enter why you need to see this record",
                        "min_length": "Give the reason in at least 10 characters"},
    )


class ReviewForm(forms.Form):
    grant = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="Review note", max_length=1000, required=False)


class SubjectAccessRequestForm(forms.Form):
    subject_type = forms.ChoiceField(
        label="Who is the request about?", choices=[("child", "A child"), ("person", "An adult or other person")],
        widget=forms.RadioSelect, error_messages={"required": "Select who the request is about"},
    )
    subject_id = forms.IntegerField(
        label="Record number", min_value=1,
        help_text="The number in the address of their record, e.g. 123 in /people/children/123/",
        error_messages={"required": "Enter the record number", "invalid": "Record number must be a whole number"},
    )
    requester = forms.CharField(label="Who made the request", max_length=200,
                                error_messages={"required": "Enter who made the request"})
    received = forms.DateField(label="Date received", help_text="For example, 27 3 2025 or 2025-03-27",
                               input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
                               error_messages={"required": "Enter the date the request was received",
                                               "invalid": "Date received must be a real date"})


class InspectorForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter the last name"})
    email = forms.EmailField(label="Email address", error_messages={"required": "Enter the email address",
                                                                    "invalid": "Enter an email address like name@example.org"})
    username = forms.RegexField(
        label="Username", max_length=150, regex=r"^[\w.@+-]+$",
        error_messages={"required": "Enter a username", "invalid": "Username may use letters, numbers and . @ + - _ only"},
    )
    organisation = forms.CharField(label="Organisation", max_length=200, help_text="For example, Ofsted",
                                   error_messages={"required": "Enter the inspector's organisation"})
    purpose = forms.CharField(label="Inspection", max_length=200, help_text="For example, JTAI: children at risk of exploitation",
                              error_messages={"required": "Enter what the inspection is"})
    days = forms.IntegerField(
        label="Access for how many days?", min_value=1, max_value=90, initial=30,
        help_text="From now. The login stops working when this ends.",
        error_messages={"required": "Enter the number of days", "min_value": "Access must last at least 1 day",
                        "max_value": "Access can last at most 90 days", "invalid": "Enter a whole number of days"},
    )
