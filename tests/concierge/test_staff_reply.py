"""Staff replies: sent through the intake outbound queue, threaded, in the requester's language."""

import logging
from email import message_from_bytes, policy

import pytest
from django.core import mail

from concierge.models import AccessLog, InboundMessage, Message, OutboundEmail, Ticket
from concierge.tokens import ticket_id_from_message_id
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import concierge_user, login, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = concierge_user(first_name="Maya", last_name="Okafor", email="maya@staff.example")
    login(client, user)
    return user


def incoming(ingest, **kwargs) -> tuple[Ticket, Message]:
    inbound = ingest(make_email(**kwargs))
    assert inbound.state == InboundMessage.State.PROCESSED
    message = inbound.message
    return message.ticket, message


def reply(client, ticket, body, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            staff_url("ticket_reply", ticket.reference),
            {"body": body, "action": "send", **extra},
        )
    return response


def sent_for(outbound: OutboundEmail):
    matches = [
        m
        for m in mail.outbox
        if m.extra_headers.get("Message-ID") == f"<{outbound.header_message_id}>"
    ]
    assert len(matches) == 1
    return message_from_bytes(matches[0].message().as_bytes(), policy=policy.default)


def test_reply_is_queued_sent_and_threaded_under_the_requesters_message(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest, message_id="<first.1@mail.example.org>")
    mail.outbox.clear()
    response = reply(
        client, ticket, "Dear Ana, here is what we found.", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    outbound = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.REPLY)
    assert outbound.state == OutboundEmail.State.SENT
    assert outbound.message.author == staff
    assert outbound.message.direction == Message.Direction.OUTBOUND
    sent = sent_for(outbound)
    assert sent["To"] == "ana@example.org"
    assert sent["In-Reply-To"] == "<first.1@mail.example.org>"
    assert sent["References"] == "<first.1@mail.example.org>"
    assert ticket_id_from_message_id(sent["Message-ID"].strip("<>")) == ticket.pk
    assert f"[{ticket.reference}]" in sent["Subject"]
    assert sent["Subject"].startswith("Re: I need someone to talk to")
    assert "Dear Ana, here is what we found." in sent.get_body(("plain",)).get_content()
    # The requester's answer to our reply threads back onto the same ticket.
    answer = make_email(
        subject=sent["Subject"],
        body="Thank you!",
        headers={"In-Reply-To": sent["Message-ID"], "References": sent["References"]},
    )
    inbound = ingest(answer)
    assert inbound.ticket == ticket
    assert Ticket.objects.count() == 1


def test_references_carry_the_whole_thread(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest, message_id="<root.1@mail.example.org>")
    second = ingest(
        make_email(
            subject="Re: I need someone to talk to",
            body="One more thing.",
            message_id="<second.2@mail.example.org>",
            headers={
                "In-Reply-To": "<root.1@mail.example.org>",
                "References": "<root.1@mail.example.org>",
            },
        )
    )
    assert second.ticket == ticket
    mail.outbox.clear()
    reply(client, ticket, "Thanks, both noted.", django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.REPLY)
    sent = sent_for(outbound)
    assert sent["In-Reply-To"] == "<second.2@mail.example.org>"
    assert sent["References"].split() == [
        "<root.1@mail.example.org>",
        "<second.2@mail.example.org>",
    ]


def test_reply_to_a_form_ticket_threads_under_our_acknowledgement(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, first = incoming(ingest)
    Message.objects.filter(pk=first.pk).update(message_id="")  # web-form messages carry no id
    ack = ticket.messages.get(kind=Message.Kind.ACKNOWLEDGEMENT)
    reply(client, ticket, "Hello again.", django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.REPLY)
    assert outbound.headers["In-Reply-To"] == f"<{ack.message_id}>"


def test_reply_records_first_response_status_events_and_audit(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest)
    reply(client, ticket, "We are here for you.", django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.sla_paused_at is None  # the clock stopped for good with the first response
    assert ticket.events.filter(kind="reply_queued", actor=staff).exists()
    assert ticket.events.filter(kind="status_changed", data__to="waiting").exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.REPLY_QUEUED)
    assert entry.actor == staff and entry.ticket_reference == ticket.reference
    assert entry.data["first_response"] is True


def test_reply_in_arabic_is_right_to_left_and_says_its_language(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest)
    ticket.requester.preferred_language = "ar"
    ticket.requester.save()
    reply(client, ticket, "مرحبا", django_capture_on_commit_callbacks)
    outbound = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.REPLY)
    assert outbound.headers["Content-Language"] == "ar"
    assert '<div dir="rtl" lang="ar">' in outbound.body_html


def test_empty_reply_is_refused_and_nothing_is_queued(client, staff, ingest):
    ticket, _first = incoming(ingest)
    response = client.post(
        staff_url("ticket_reply", ticket.reference), {"body": "  ", "action": "send"}
    )
    assert response.status_code == 400
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).exists()


def test_someone_elses_reply_since_the_page_loaded_asks_before_sending(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest)
    seen = ticket.messages.order_by("-pk").first().pk
    colleague = concierge_user("colleague")
    from concierge import triage

    triage.ticket_add_note(ticket=ticket, author=colleague, body="I am calling them now.")
    response = reply(
        client, ticket, "My draft reply", django_capture_on_commit_callbacks, last_message_id=seen
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "I am calling them now." in html  # the newer note is on the page
    assert "My draft reply" in html  # the draft is kept
    assert 'name="confirm_newer"' in html
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).exists()
    # Confirming sends it.
    response = reply(
        client,
        ticket,
        "My draft reply",
        django_capture_on_commit_callbacks,
        last_message_id=seen,
        confirm_newer="on",
    )
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).count() == 1


def test_my_own_earlier_messages_do_not_count_as_newer(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest)
    seen = ticket.messages.order_by("-pk").first().pk
    client.post(staff_url("ticket_note", ticket.reference), {"body": "Noting first."})
    response = reply(
        client,
        ticket,
        "And now the reply",
        django_capture_on_commit_callbacks,
        last_message_id=seen,
    )
    assert response.status_code == 302


def test_notes_are_never_emailed(client, staff, ingest, django_capture_on_commit_callbacks):
    ticket, _first = incoming(ingest)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            staff_url("ticket_note", ticket.reference), {"body": "Internal only"}
        )
    assert response.status_code == 302
    note = ticket.messages.get(direction=Message.Direction.NOTE)
    assert note.body_text == "Internal only" and note.author == staff
    assert not hasattr(note, "outbound_email") or note.outbound_email is None
    assert mail.outbox == []
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert 'class="msg msg--note"' in html


def test_reply_text_never_reaches_the_logs(
    client, staff, ingest, django_capture_on_commit_callbacks, caplog
):
    ticket, _first = incoming(ingest, body="My secret sorrow")
    with caplog.at_level(logging.DEBUG):
        client.get(staff_url("ticket", ticket.reference))
        reply(client, ticket, "A private answer", django_capture_on_commit_callbacks)
        client.post(staff_url("ticket_note", ticket.reference), {"body": "A private note"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in ("My secret sorrow", "A private answer", "A private note", "ana@example.org"):
        assert text not in logged


def test_reply_and_note_are_stored_with_plain_newlines(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    ticket, _first = incoming(ingest)
    reply(client, ticket, "Line one\r\nLine two\r\n", django_capture_on_commit_callbacks)
    client.post(staff_url("ticket_note", ticket.reference), {"body": "a\r\nb"})
    outbound = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.REPLY)
    assert outbound.body_text == "Line one\nLine two"
    assert ticket.messages.get(direction="note").body_text == "a\nb"
