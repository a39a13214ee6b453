import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from concierge.access import concierge_users
from concierge.models import Tag, Ticket
from concierge.queues import search

NOBODY = "none"


class TicketFilter(django_filters.FilterSet):
    """Plain GET filters over a queue: they work without JavaScript and can be bookmarked."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Ticket.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"), choices=Ticket.Priority.choices, widget=forms.CheckboxSelectMultiple
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="requester__country", empty_label=_("Any country")
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        field_name="requester__preferred_language",
        choices=settings.LANGUAGES,
        empty_label=_("Any language"),
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assignee"), method="filter_assignee", empty_label=_("Anyone")
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"),
        field_name="tags",
        queryset=Tag.objects.all(),
        empty_label=_("Any tag"),
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "priority", "country", "language", "assignee", "tag"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = list(countries)
        staff = [(str(u.pk), u.get_full_name() or u.get_username()) for u in concierge_users()]
        self.filters["assignee"].extra["choices"] = [(NOBODY, _("Nobody")), *staff]

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_assignee(self, queryset, name, value):
        if value == NOBODY:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)
