"""Replies find their ticket by our signed Message-IDs, References, or (from the requester
only) the subject token; anything else opens a new ticket."""

import pytest
from django.core import mail

from concierge.models import InboundMessage, Message, Ticket
from concierge.tokens import make_message_id, ticket_id_from_message_id

from .conftest import make_email

pytestmark = pytest.mark.django_db


def first_ticket(ingest, sender="Ana Lima <ana@example.org>") -> tuple[Ticket, Message]:
    inbound = ingest(make_email(sender=sender))
    ticket = inbound.ticket
    acknowledgement = ticket.messages.get(kind=Message.Kind.ACKNOWLEDGEMENT)
    return ticket, acknowledgement


def test_our_message_ids_carry_a_signed_ticket_token(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    assert ticket_id_from_message_id(acknowledgement.message_id) == ticket.pk
    forged = acknowledgement.message_id.replace(f".t{ticket.pk}.", f".t{ticket.pk + 1}.")
    assert ticket_id_from_message_id(forged) is None
    assert ticket_id_from_message_id(make_message_id(42)) == 42


def test_reply_with_in_reply_to_our_acknowledgement_joins_the_ticket(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    reply = make_email(
        subject="Re: We received your message",
        body="Thank you",
        headers={"In-Reply-To": f"<{acknowledgement.message_id}>"},
    )
    inbound = ingest(reply)
    assert inbound.state == InboundMessage.State.PROCESSED
    assert inbound.ticket == ticket and not inbound.created_ticket
    assert Ticket.objects.count() == 1
    assert ticket.events.filter(kind="message_received", data__threaded_by="token").exists()


def test_token_alone_in_references_finds_the_ticket_even_without_the_stored_message(ingest):
    ticket, _acknowledgement = first_ticket(ingest)
    unknown_but_signed = make_message_id(ticket.pk)
    reply = make_email(headers={"References": f"<unrelated@example.org> <{unknown_but_signed}>"})
    inbound = ingest(reply)
    assert inbound.ticket == ticket


def test_references_to_a_requester_message_join_its_ticket(ingest):
    ticket, _ack = first_ticket(ingest)
    original = ticket.messages.get(direction=Message.Direction.INBOUND)
    follow_up = make_email(
        sender="Colleague <crew@example.net>", headers={"References": f"<{original.message_id}>"}
    )
    inbound = ingest(follow_up)
    assert inbound.ticket == ticket
    assert ticket.events.filter(data__threaded_by="references").exists()


def test_a_forged_token_opens_a_new_ticket(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    forged = acknowledgement.message_id.replace(f".t{ticket.pk}.", f".t{ticket.pk}x.")
    reply = make_email(sender="mallory@example.com", headers={"In-Reply-To": f"<{forged}>"})
    inbound = ingest(reply)
    assert inbound.created_ticket and inbound.ticket != ticket


def test_subject_token_from_the_requester_joins_the_ticket(ingest):
    ticket, _ack = first_ticket(ingest)
    # Different capitalisation of the same address still counts as the requester.
    again = make_email(sender="ANA@Example.org", subject=f"More news [{ticket.reference}]")
    inbound = ingest(again)
    assert inbound.ticket == ticket
    assert ticket.events.filter(data__threaded_by="subject").exists()


def test_a_stranger_quoting_the_ticket_number_gets_a_new_ticket(ingest):
    ticket, _ack = first_ticket(ingest)
    mail.outbox.clear()
    stranger = make_email(sender="mallory@example.com", subject=f"Re: [{ticket.reference}]")
    inbound = ingest(stranger)
    assert inbound.created_ticket
    assert inbound.ticket != ticket
    assert ticket.messages.filter(from_address="mallory@example.com").count() == 0
    # The stranger gets their own acknowledgement, not a view into the other ticket.
    assert [message.to for message in mail.outbox] == [["mallory@example.com"]]


def test_reply_to_a_waiting_ticket_reopens_it_and_sends_no_second_acknowledgement(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.WAITING)
    mail.outbox.clear()
    reply = make_email(headers={"In-Reply-To": f"<{acknowledgement.message_id}>"})
    ingest(reply)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert mail.outbox == []


def test_reply_to_a_closed_ticket_opens_a_follow_up_ticket(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    reply = make_email(headers={"In-Reply-To": f"<{acknowledgement.message_id}>"})
    inbound = ingest(reply)
    assert inbound.created_ticket and inbound.ticket != ticket
    assert inbound.ticket.events.get(kind="created").data["follows"] == ticket.reference


def test_replies_to_a_merged_ticket_land_on_the_ticket_it_was_merged_into(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    target, _ack = first_ticket(ingest, sender="ana.other@example.org")
    Ticket.objects.filter(pk=ticket.pk).update(merged_into=target)
    reply = make_email(headers={"In-Reply-To": f"<{acknowledgement.message_id}>"})
    assert ingest(reply).ticket == target


def test_an_out_of_office_reply_to_our_acknowledgement_is_shown_on_the_ticket_but_ignored(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    mail.outbox.clear()
    vacation = make_email(
        subject="Automatic reply: We received your message",
        headers={
            "In-Reply-To": f"<{acknowledgement.message_id}>",
            "Auto-Submitted": "auto-replied",
        },
    )
    inbound = ingest(vacation)
    assert inbound.state == InboundMessage.State.IGNORED
    assert inbound.ticket == ticket and inbound.message.kind == Message.Kind.AUTO_REPLY
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert mail.outbox == []


def test_a_bounce_of_our_acknowledgement_marks_the_requesters_address_as_failing(ingest):
    ticket, acknowledgement = first_ticket(ingest)
    bounce = (
        b"From: MAILER-DAEMON@mx.example.org\r\n"
        b"To: global@backline.care\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.example.org>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.org\r\n\r\n"
        b"Final-Recipient: rfc822; ana@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <" + acknowledgement.message_id.encode() + b">\r\n"
        b"Subject: We received your message\r\n"
        b"--b--\r\n"
    )
    inbound = ingest(bounce)
    assert inbound.state == InboundMessage.State.IGNORED
    assert inbound.classification == InboundMessage.Classification.BOUNCE
    assert inbound.ticket == ticket and inbound.message.kind == Message.Kind.BOUNCE
    ticket.requester.refresh_from_db()
    assert ticket.requester.email_failing_since is not None
    # Writing in again clears the failing mark.
    ingest(make_email(subject=f"[{ticket.reference}] hello"))
    ticket.requester.refresh_from_db()
    assert ticket.requester.email_failing_since is None
