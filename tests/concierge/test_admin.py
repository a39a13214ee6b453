import pytest
from django.contrib import admin
from django.urls import reverse

from concierge import audit, services
from concierge.models import AccessLog, InboundMessage, SavedReply, Tag, Ticket
from concierge.services import inbound_ingest
from tests.factories import UserFactory

from .conftest import make_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label == "concierge"],
    ids=lambda m: m._meta.model_name,
)
def test_every_concierge_admin_lists_and_opens(staff_client, model):
    inbound_ingest(
        raw=make_email(html="<p>hi</p>", headers={"Content-Language": "fr"}), source="email"
    )
    Tag.objects.create(name="tour")
    SavedReply.objects.create(title="Welcome", language="en", body="Hello {{ name }}")
    audit.record(action=AccessLog.Action.TICKET_VIEWED, ticket=Ticket.objects.first())
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    obj = model.objects.first()
    assert obj is not None
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert staff_client.get(change).status_code == 200


def test_admin_action_reprocesses_quarantined_messages(staff_client, monkeypatch):
    monkeypatch.setattr(services, "_message_create", lambda **kw: 1 / 0)
    inbound_ingest(raw=make_email(), source="email")
    monkeypatch.undo()
    inbound = InboundMessage.objects.get()
    assert inbound.state == InboundMessage.State.QUARANTINED
    response = staff_client.post(
        reverse("admin:concierge_inboundmessage_changelist"),
        {"action": "reprocess", "_selected_action": [inbound.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 message reprocessed." in response.content.decode()
    inbound.refresh_from_db()
    assert inbound.state == InboundMessage.State.PROCESSED and inbound.ticket is not None


def test_inbound_messages_cannot_be_added_by_hand(staff_client):
    response = staff_client.get(reverse("admin:concierge_inboundmessage_add"))
    assert response.status_code == 403
