"""Factories and helpers for the triage workspace tests.

Directory data (emergency numbers, crisis lines) is read from the shared seed files, so no
test ever types a phone number.
"""

import itertools
import json
from functools import cache
from pathlib import Path

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from concierge.access import CONCIERGE_GROUP, concierge_group_setup
from concierge.models import Message, Requester, Ticket
from resources.models import Channel, Country, EmergencyNumber, Language, Resource

# The project sits beside the shared folder (../shared/data), read at test time.
SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
PASSWORD = "correct horse battery staple"
_ids = itertools.count(1)


@cache
def shared_resources() -> list[dict]:
    return json.loads((SHARED_DATA / "resources.json").read_text())


@cache
def shared_emergency_numbers() -> dict[str, dict]:
    rows = json.loads((SHARED_DATA / "emergency_numbers.json").read_text())
    return {row["country"]: row for row in rows}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@staff.example")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    is_staff = True
    password = factory.django.Password(PASSWORD)


def concierge_user(username: str = "concierge", **kwargs):
    user = UserFactory(username=username, **kwargs)
    group = concierge_group_setup()
    user.groups.add(group)
    return user


def curator_user(username: str = "curator"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name="curators")[0])
    return user


class RequesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requester

    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    name = factory.Sequence(lambda n: f"Requester {n}")
    preferred_language = "en"
    country = "GB"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    requester = factory.SubFactory(RequesterFactory)
    subject = factory.Sequence(lambda n: f"Looking for help {n}")
    source = Ticket.Source.EMAIL


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    direction = Message.Direction.INBOUND
    from_address = factory.LazyAttribute(lambda m: m.ticket.requester.email)
    subject = factory.LazyAttribute(lambda m: m.ticket.subject)
    body_text = "Hello, I would like to talk to someone."
    message_id = factory.Sequence(lambda n: f"inbound.{n}@mail.example.org")


def ticket_with_message(body: str = "Hello, I would like to talk to someone.", **kwargs) -> Ticket:
    ticket = TicketFactory(**kwargs)
    MessageFactory(ticket=ticket, body_text=body)
    return ticket


def load_country(code: str, *, verified: bool = True) -> dict:
    """Country, emergency numbers and resources for `code` from the shared seed data."""
    # modeltranslation writes `name=` into the active language's column; a request in
    # another language earlier in the thread must not turn the English name into that one.
    with translation.override("en"):
        return _load_country(code, verified=verified)


def _load_country(code: str, *, verified: bool) -> dict:
    Country.objects.get_or_create(code=code)
    emergency = shared_emergency_numbers().get(code)
    numbers = []
    if emergency:
        for kind in ("general", "police", "ambulance", "fire"):
            for order, number in enumerate(emergency[kind]):
                numbers.append(
                    EmergencyNumber.objects.get_or_create(
                        country_id=code,
                        kind=kind,
                        number=number,
                        defaults={"source_url": emergency["source_urls"][0], "order": order},
                    )[0]
                )
    resources = []
    for row in shared_resources():
        if row["country"] != code:
            continue
        resource = Resource.objects.create(
            name=row["name"],
            local_name=row["local_name"] or "",
            slug=f"{row['id']}-{next(_ids)}",
            country_id=code,
            type=row["type"],
            publication=Resource.Publication.PUBLISHED,
            source_url=row["source_urls"][0],
            website=row["website"] or "",
            timezone=row["timezone"] or "",
            verification=(
                Resource.Verification.STAFF_VERIFIED if verified else Resource.Verification.SOURCED
            ),
            verified_at=timezone.now() if verified else None,
        )
        for tag in row["languages"]:
            resource.languages.add(Language.objects.get_or_create(code=tag, label=tag)[0])
        for order, channel in enumerate(row["channels"]):
            Channel.objects.create(
                resource=resource,
                kind=channel["kind"],
                value=channel["value"],
                e164=channel["e164"] or "",
                is_short_code=bool(channel["short_code"]) and not channel["e164"],
                is_24_7=channel["hours"] == "24/7",
                hours_text="" if channel["hours"] in (None, "24/7") else channel["hours"][:255],
                order=order,
            )
        resources.append(resource)
    return {"emergency_numbers": numbers, "resources": resources}


def staff_url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"staff:{name}", args=args)


def login(client, user) -> None:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


__all__ = [
    "CONCIERGE_GROUP",
    "PASSWORD",
    "MessageFactory",
    "RequesterFactory",
    "TicketFactory",
    "UserFactory",
    "concierge_user",
    "curator_user",
    "load_country",
    "login",
    "shared_emergency_numbers",
    "shared_resources",
    "staff_url",
    "ticket_with_message",
]
