"""The curators' to-do counts shown on the admin index."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resources.models import Channel, ProblemReport, Resource

register = template.Library()


@register.inclusion_tag("admin/resources/curation_summary.html", takes_context=True)
def curation_summary(context):
    """Links with counts to the lists a curator works through, for the user's permissions."""
    user = context["request"].user
    items = []
    if user.has_perm("resources.view_resource"):
        resources = reverse("admin:resources_resource_changelist")
        items += [
            (
                _("Overdue for review"),
                Resource.objects.overdue_for_review(timezone.localdate()).count(),
                f"{resources}?review=overdue",
            ),
            (
                _("Drafts awaiting publication"),
                Resource.objects.filter(publication=Resource.Publication.DRAFT).count(),
                f"{resources}?publication__exact=draft",
            ),
        ]
    if user.has_perm("resources.view_channel"):
        items.append(
            (
                _("Channels with hours to structure"),
                Channel.objects.hours_unstructured().count(),
                reverse("admin:resources_channel_changelist") + "?hours=to_structure",
            )
        )
    if user.has_perm("resources.view_problemreport"):
        items.append(
            (
                _("Open problem reports"),
                ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).count(),
                reverse("admin:resources_problemreport_changelist"),
            )
        )
    return {"items": items}
