"""Triage in Chromium: sign in, urgent queue, ticket, insert vetted resources, send the reply."""

import pytest
from django.core import mail
from django.test import Client

from concierge.emails import outbound_send_due
from concierge.models import CrisisRule, OutboundEmail
from concierge.services import inbound_ingest
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import concierge_user, load_country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def staff_page(request, browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=request.param
    )
    yield context.new_page()
    context.close()


def test_urgent_ticket_from_queue_to_a_threaded_reply_with_resources(
    live_server, staff_page, settings
):
    page = staff_page
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    load_country("GB")
    # Transactional tests flush the tables, and with them the rules the migration shipped.
    CrisisRule.objects.get_or_create(language="en", phrase="end my life")
    staff = concierge_user("maya", first_name="Maya", last_name="Okafor")
    inbound = inbound_ingest(
        raw=make_email(
            sender="Ana Lima <ana@example.org>",
            subject="Please help",
            body="I want to end my life. I am in London on tour.",
            message_id="<crisis.1@example.org>",
        ),
        source="email",
    )
    ticket = inbound.ticket
    ticket.requester.country = "GB"
    ticket.requester.save()
    problems = []
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and "Failed to load resource" not in msg.text
            and problems.append(msg.text)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and problems.append(f"{response.status} {response.url}")
        ),
    )

    # Signed in with a session made by the test client: on main the admin login page still
    # sends `Referrer-Policy: no-referrer`, with which Chromium posts `Origin: null` and the
    # CSRF check refuses the form (the security branch changes it to `same-origin`).
    page.goto(f"{live_server.url}/en/staff/queues/urgent/")
    assert "/login/" in page.url  # anonymous: sent to sign in
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/en/staff/queues/urgent/")
    row = page.locator("tr.is-crisis", has_text=ticket.reference)
    assert row.is_visible()

    row.get_by_role("link", name=ticket.reference).click()
    page.wait_for_url(f"{live_server.url}/en/staff/tickets/{ticket.reference}/")
    assert page.locator(".crisis-panel").is_visible()
    assert page.locator(".msg--inbound").count() == 1
    samaritans = page.get_by_label("Samaritans (Crisis line)")
    samaritans.check()
    page.get_by_role("button", name="Insert selected resources").click()
    page.wait_for_load_state()
    reply_box = page.get_by_label("Reply to the requester")
    draft = reply_box.input_value()
    assert draft.startswith("Samaritans")
    reply_box.fill(f"Dear Ana,\n\nPlease call now:\n\n{draft}")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"{live_server.url}/en/staff/tickets/{ticket.reference}/")
    assert page.get_by_text("Your reply is queued and will be sent by email.").is_visible()
    assert page.locator(".msg--outbound", has_text="Please call now").is_visible()
    assert problems == [], problems  # no script errors and no CSP violations

    reply = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.REPLY)
    assert reply.headers["In-Reply-To"] == "<crisis.1@example.org>"
    mail.outbox.clear()
    outbound_send_due()
    sent = [m for m in mail.outbox if m.subject == reply.subject]
    assert len(sent) == 1 and sent[0].to == ["ana@example.org"]
    assert draft in sent[0].body
