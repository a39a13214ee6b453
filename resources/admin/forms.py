"""Intermediate forms of the curators' bulk actions."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ScheduleReviewForm(forms.Form):
    days = forms.IntegerField(
        label=_("Review in how many days"),
        min_value=1,
        max_value=3650,
        initial=30,
        help_text=_("The next review date becomes today plus this many days."),
    )


class ApproveTranslationsForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages whose text you reviewed"),
        choices=[(code, name) for code, name in settings.LANGUAGES if code != "en"],
        widget=forms.CheckboxSelectMultiple,
    )
