"""The ticket page: the whole thread, kinds told apart, quoted text folded, no inline code."""

import re

import pytest

from concierge.models import Message
from concierge.quoting import split_quoted
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import (
    MessageFactory,
    TicketFactory,
    concierge_user,
    load_country,
    login,
    staff_url,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("Thanks!\n\nOn Tue, 1 Dec 2026, Backline wrote:\n> earlier", "Thanks!"),
        ("Merci\n\nLe mar. 1 déc. 2026 à 10:00, Backline a écrit :\n> avant", "Merci"),
        ("Danke\n\nAm 01.12.2026 um 10:00 schrieb Backline <global@backline.care>:\n> x", "Danke"),
        ("Gracias\n\nEl mar, 1 dic 2026 a las 10:00, Backline escribió:\n> x", "Gracias"),
        (
            "ありがとう\n\n2026年12月1日(火) 10:00 Backline <global@backline.care>:\n> x",
            "ありがとう",
        ),
        ("谢谢\n\nBackline <global@backline.care> 于2026年12月1日周二 写道：\n> x", "谢谢"),
        ("Hi\n-----Original Message-----\nFrom: Backline", "Hi"),
        ("> only a quote", "> only a quote"),
        ("No quote at all\nsecond line", "No quote at all\nsecond line"),
    ],
)
def test_split_quoted(text, visible):
    assert split_quoted(text)[0] == visible


@pytest.fixture
def staff(client):
    user = concierge_user(first_name="Maya", last_name="Okafor")
    login(client, user)
    return user


def test_thread_shows_every_kind_distinctly_with_quotes_folded(client, staff, ingest):
    inbound = ingest(
        make_email(
            body="New words here.\n\nOn Mon, 30 Nov 2026, Backline wrote:\n> Old quoted words\n"
        )
    )
    ticket = inbound.ticket
    MessageFactory(
        ticket=ticket, direction=Message.Direction.NOTE, body_text="Colleague note", author=staff
    )
    MessageFactory(ticket=ticket, kind=Message.Kind.AUTO_REPLY, body_text="I am away")
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert html.count('class="msg msg--inbound"') == 1
    assert html.count('class="msg msg--outbound"') == 1  # the acknowledgement
    assert html.count('class="msg msg--note"') == 1
    assert html.count('class="msg msg--inbound msg--automatic"') == 1
    for label in ("From the requester", "Sent to the requester", "Internal note"):
        assert label in html
    assert "Automatic reply" in html and "Acknowledgement" in html
    details = re.search(r'<details class="msg-quoted">(.*?)</details>', html, re.S).group(1)
    assert "Old quoted words" in details and "Show quoted text" in details
    body = html.split('<div class="msg-body" dir="auto">')[1].split("</div>")[0]
    assert "New words here." in body and "Old quoted words" not in body
    # Thread order is oldest first.
    assert html.index("New words here.") < html.index("Colleague note") < html.index("I am away")


def test_staff_pages_have_no_inline_script_or_style(client, staff):
    load_country("GB")
    ticket = TicketFactory(is_crisis=True, priority="urgent")
    MessageFactory(ticket=ticket)
    urls = [
        staff_url("home"),
        staff_url("dashboard"),
        staff_url("ticket", ticket.reference),
        staff_url("requester", ticket.requester_id),
        staff_url("requester_erase", ticket.requester_id),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and " style=" not in html, url
        assert re.search(r" on[a-z]+=", html) is None, url


def test_text_from_requesters_is_escaped(client, staff):
    ticket = TicketFactory(subject="<img src=x onerror=alert(1)>")
    MessageFactory(ticket=ticket, body_text="<script>alert(1)</script>", from_name="<b>x</b>")
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_arabic_staff_page_is_rtl_with_numbers_isolated(client, staff, settings):
    data = load_country("EG")
    assert data["emergency_numbers"]
    ticket = TicketFactory(
        is_crisis=True,
        priority="urgent",
        requester__country="EG",
        requester__preferred_language="ar",
    )
    html = client.get(staff_url("ticket", ticket.reference, language="ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    for number in data["emergency_numbers"]:
        assert f'<bdi dir="ltr" class="number">{number.number}</bdi>' in html


def test_requester_history_lists_their_other_tickets(client, staff):
    ticket = TicketFactory()
    older = TicketFactory(requester=ticket.requester, subject="Earlier question")
    stranger = TicketFactory(subject="Someone else's question")
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert older.reference in html and "Earlier question" in html
    assert stranger.reference not in html
