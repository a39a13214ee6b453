"""A requester's tickets, and their data-protection requests: export and erase."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from concierge import audit, privacy
from concierge.models import AccessLog, Requester
from concierge.staff.access import concierge_required
from concierge.staff.forms import EraseForm


@require_safe
@concierge_required
def requester_detail(request: HttpRequest, pk: int) -> HttpResponse:
    requester = get_object_or_404(Requester, pk=pk)
    audit.record(action=AccessLog.Action.REQUESTER_VIEWED, actor=request.user, requester=requester)
    tickets = requester.tickets.select_related("assignee").order_by("-created_at")
    return render(
        request,
        "concierge/staff/requester.html",
        {"requester": requester, "tickets": tickets, "erase_form": EraseForm(requester=requester)},
    )


@require_POST
@concierge_required
def requester_export(request: HttpRequest, pk: int) -> HttpResponse:
    requester = get_object_or_404(Requester, pk=pk)
    data = privacy.requester_export(requester=requester, actor=request.user)
    response = HttpResponse(
        privacy.export_json(data), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="requester-{requester.pk}-{stamp}.json"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@concierge_required
def requester_erase(request: HttpRequest, pk: int) -> HttpResponse:
    requester = get_object_or_404(Requester, pk=pk)
    form = EraseForm(request.POST or None, requester=requester)
    if request.method == "POST" and form.is_valid():
        totals = privacy.requester_erase(requester=requester, actor=request.user)
        messages.success(
            request,
            _(
                "Erased the requester, %(tickets)d tickets and %(messages)d messages. "
                "The access log keeps a record that this was done."
            )
            % {"tickets": totals.tickets, "messages": totals.messages},
        )
        return redirect("staff:home")
    audit.record(action=AccessLog.Action.REQUESTER_VIEWED, actor=request.user, requester=requester)
    return render(
        request,
        "concierge/staff/requester_erase.html",
        {"requester": requester, "form": form, "tickets": requester.tickets.count()},
        status=400 if request.method == "POST" else 200,
    )
