"""The ticket page and everything done from it."""

from django.contrib import messages
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from concierge import audit, placeholders, presence, sla, snippets, triage
from concierge.access import concierge_users
from concierge.models import AccessLog, Attachment, Message, SavedReply, Ticket
from concierge.quoting import split_quoted
from concierge.staff.access import concierge_required
from concierge.staff.forms import MergeForm, NoteForm, ReplyForm, TicketUpdateForm


def _ticket(reference: str) -> Ticket:
    ticket = (
        Ticket.objects.by_reference(reference)
        .select_related("requester", "assignee", "merged_into")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def _last_message_id(ticket: Ticket) -> int:
    return ticket.messages.aggregate(last=Max("pk"))["last"] or 0


def _saved_replies(ticket: Ticket):
    return SavedReply.objects.active().language_first(ticket.requester.preferred_language)


def _resources(ticket: Ticket):
    requester = ticket.requester
    return snippets.vetted_resources(
        country=str(requester.country or ""), language=requester.preferred_language
    )


def _reply_form(ticket: Ticket, data=None, initial=None) -> ReplyForm:
    return ReplyForm(
        data,
        initial=initial,
        saved_replies=_saved_replies(ticket),
        resources=_resources(ticket),
    )


def _thread(ticket: Ticket) -> list[Message]:
    thread = list(
        ticket.messages.select_related("author", "outbound_email")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    for message in thread:
        if message.direction == Message.Direction.INBOUND:
            message.visible_text, message.quoted_text = split_quoted(message.body_text)
        else:
            message.visible_text, message.quoted_text = message.body_text, ""
    return thread


def _render_ticket(
    request: HttpRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    reply_form: ReplyForm | None = None,
    note_form: NoteForm | None = None,
    update_form: TicketUpdateForm | None = None,
    merge_form: MergeForm | None = None,
    newer: list[Message] | None = None,
) -> HttpResponse:
    """Render the ticket page; this is a view of the ticket, so it is logged."""
    audit.record(action=AccessLog.Action.TICKET_VIEWED, actor=request.user, ticket=ticket)
    presence.touch(ticket_id=ticket.pk, user=request.user)
    last_id = _last_message_id(ticket)
    requester = ticket.requester
    country = str(requester.country or "")
    if reply_form is None:
        reply_form = _reply_form(ticket, initial={"last_message_id": last_id})
    context = {
        "ticket": ticket,
        "requester": requester,
        "thread": _thread(ticket),
        "events": ticket.events.select_related("actor").order_by("-at", "-pk")[:50],
        "history": requester.tickets.exclude(pk=ticket.pk).order_by("-created_at")[:20],
        "views": AccessLog.objects.filter(
            ticket_id=ticket.pk, action=AccessLog.Action.TICKET_VIEWED
        ).order_by("-at")[:10],
        "crisis": snippets.crisis_panel(country) if ticket.is_crisis else None,
        "others": presence.others(
            ticket_id=ticket.pk, user=request.user, candidates=concierge_users()
        ),
        "newer": newer or [],
        "last_message_id": last_id,
        "overdue": sla.is_overdue(ticket),
        "reply_form": reply_form,
        "note_form": note_form or NoteForm(auto_id="note_%s"),
        "update_form": update_form
        or TicketUpdateForm(
            auto_id="update_%s",
            initial={
                "assignee": ticket.assignee,
                "status": ticket.status,
                "priority": ticket.priority,
                "tags": list(ticket.tags.all()),
            },
        ),
        "merge_form": merge_form or MergeForm(source=ticket, auto_id="merge_%s"),
    }
    return render(request, "concierge/staff/ticket.html", context, status=status)


@require_safe
@concierge_required
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    if ticket.merged_into_id:
        messages.info(
            request,
            _("%(source)s was merged into %(target)s.")
            % {"source": ticket.reference, "target": ticket.merged_into.reference},
        )
        return redirect("staff:ticket", reference=ticket.merged_into.reference)
    return _render_ticket(request, ticket)


def _combined(body: str, addition: str) -> str:
    body = (body or "").rstrip()
    return f"{body}\n\n{addition}" if body else addition


@require_POST
@concierge_required
def ticket_reply(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    form = _reply_form(ticket, data=request.POST)
    if not form.is_valid():
        return _render_ticket(request, ticket, status=400, reply_form=form)
    data = form.cleaned_data
    seen = data.get("last_message_id")
    language = ticket.requester.preferred_language
    if data["action"] != ReplyForm.SEND:
        if data["action"] == ReplyForm.INSERT_SAVED:
            values = placeholders.values_for(ticket=ticket, staff=request.user)
            addition = placeholders.fill(data["saved_reply"].body, values)
        else:
            addition = snippets.resources_text(data["resources"], language)
        newer = triage.newer_messages(ticket=ticket, seen_message_id=seen, actor=request.user)
        form = _reply_form(
            ticket,
            initial={
                "body": _combined(data["body"], addition),
                "status_after": data["status_after"],
                "last_message_id": _last_message_id(ticket),
            },
        )
        return _render_ticket(request, ticket, reply_form=form, newer=newer)
    try:
        triage.ticket_reply(
            ticket=ticket,
            author=request.user,
            body=data["body"],
            status_after=data["status_after"],
            seen_message_id=seen,
            confirm_newer=data["confirm_newer"],
        )
    except triage.TicketChanged as changed:
        form = _reply_form(
            ticket,
            initial={
                "body": data["body"],
                "status_after": data["status_after"],
                "last_message_id": _last_message_id(ticket),
            },
        )
        form.ask_confirmation = True
        return _render_ticket(request, ticket, status=409, reply_form=form, newer=changed.messages)
    messages.success(request, _("Your reply is queued and will be sent by email."))
    return redirect("staff:ticket", reference=ticket.reference)


@require_POST
@concierge_required
def ticket_note(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    form = NoteForm(request.POST, auto_id="note_%s")
    if not form.is_valid():
        return _render_ticket(request, ticket, status=400, note_form=form)
    triage.ticket_add_note(ticket=ticket, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Internal note added."))
    return redirect("staff:ticket", reference=ticket.reference)


@require_POST
@concierge_required
def ticket_update(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    form = TicketUpdateForm(request.POST, auto_id="update_%s")
    if not form.is_valid():
        return _render_ticket(request, ticket, status=400, update_form=form)
    data, posted = form.cleaned_data, request.POST
    changes = {}
    if "assignee" in posted:
        changes["assignee"] = data["assignee"]
    if data.get("status"):
        changes["status"] = data["status"]
    if data.get("priority"):
        changes["priority"] = data["priority"]
    if "tags_submitted" in posted:
        changes["tags"] = data["tags"]
        changes["new_tags"] = data["new_tags"]
    changed = triage.ticket_update(ticket=ticket, actor=request.user, **changes)
    if changed:
        messages.success(request, _("Ticket updated."))
    return redirect("staff:ticket", reference=ticket.reference)


@require_POST
@concierge_required
def ticket_merge(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    form = MergeForm(request.POST, source=ticket, auto_id="merge_%s")
    if form.is_valid():
        try:
            target = triage.ticket_merge(
                source=ticket,
                target=form.cleaned_data["target"],
                actor=request.user,
                allow_other_requester=form.cleaned_data["allow_other_requester"],
            )
        except triage.MergeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(source)s was merged into this ticket.") % {"source": ticket.reference},
            )
            return redirect("staff:ticket", reference=target.reference)
    return _render_ticket(request, ticket, status=400, merge_form=form)


@require_safe
@concierge_required
def ticket_presence(request: HttpRequest, reference: str) -> JsonResponse:
    """Heartbeat for the page's script: who else is here, and how many newer messages."""
    ticket = _ticket(reference)
    presence.touch(ticket_id=ticket.pk, user=request.user)
    others = presence.others(ticket_id=ticket.pk, user=request.user, candidates=concierge_users())
    try:
        seen = int(request.GET.get("since", ""))
    except ValueError:
        seen = None
    newer = len(triage.newer_messages(ticket=ticket, seen_message_id=seen, actor=request.user))
    texts = []
    if others:
        texts.append(_("Also viewing this ticket: %(names)s.") % {"names": ", ".join(others)})
    if newer:
        texts.append(
            ngettext(
                "%(count)d new message since you opened this page; reload to read it.",
                "%(count)d new messages since you opened this page; reload to read them.",
                newer,
            )
            % {"count": newer}
        )
    return JsonResponse({"others": others, "newer": newer, "text": " ".join(texts)})


@require_safe
@concierge_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("message__ticket__requester"), pk=pk
    )
    if not attachment.file:
        raise Http404(_("This attachment was not stored."))
    ticket = attachment.message.ticket
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This attachment was not stored.")) from missing
    audit.record(
        action=AccessLog.Action.ATTACHMENT_DOWNLOADED,
        actor=request.user,
        ticket=ticket,
        data={"attachment": attachment.pk},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename or f"attachment-{attachment.pk}",
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
