from django import forms

from safehub.core.caveats import LawfulBasis
from safehub.core.models import Agency

from .models import ShareDecision


class ShareDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=ShareDecision.Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Select whether the information was shared"})
    shared_with = forms.CharField(max_length=200, label="Shared with (or withheld from)",
                                  error_messages={"required": "Enter who the information was shared with or withheld from"})
    shared_with_agency = forms.ModelChoiceField(queryset=Agency.objects.filter(active=True), required=False,
                                                label="Their agency (if a partner agency)")
    information = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What information",
                                  error_messages={"required": "Enter what information was shared or withheld"})
    basis = forms.ChoiceField(choices=ShareDecision.Basis.choices, label="Why",
                              error_messages={"required": "Select the reason for the decision"})
    lawful_basis = forms.ChoiceField(choices=LawfulBasis.choices, label="Lawful basis")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reasoning",
                             error_messages={"required": "Enter the reasoning for the decision"})
