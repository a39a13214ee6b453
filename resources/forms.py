from django import forms
from django.utils.translation import gettext_lazy as _

from resources.models import ProblemReport


class ProblemReportForm(forms.ModelForm):
    """What a visitor can tell the curators about an entry; never shown publicly."""

    class Meta:
        model = ProblemReport
        fields = ["kind", "message", "contact_email"]
        labels = {
            "kind": _("What is wrong?"),
            "message": _("Details (optional)"),
            "contact_email": _("Your email, if you would like a reply (optional)"),
        }
        help_texts = {
            "message": _("For example the number you reached, or the hours you were given."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ProblemReport.Kind.choices  # no empty "-----" radio


class CountryFindForm(forms.Form):
    """The country picker's search box: narrows the list server-side, no JavaScript."""

    country = forms.CharField(label=_("Search for your country"), max_length=60, required=False)


class TourForm(forms.Form):
    """Countries on a tour: one printable card with every country's numbers."""

    c = forms.MultipleChoiceField(
        label=_("Countries on your tour"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("We have no numbers for “%(value)s”. Choose from the list."),
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["c"].choices = choices

    def clean_c(self) -> list[str]:
        codes = self.cleaned_data["c"]
        if len(codes) > 60:
            raise forms.ValidationError(_("Choose at most 60 countries."))
        return list(dict.fromkeys(codes))
