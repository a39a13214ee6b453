import pytest
from django.contrib import admin
from django.urls import reverse

from resources.models import Resource
from tests.factories import (
    AudienceFactory,
    ChannelFactory,
    EmergencyNumberFactory,
    LanguageFactory,
    OrganizationFactory,
    ProblemReportFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label == "resources"],
    ids=lambda m: m._meta.model_name,
)
def test_every_directory_admin_lists_and_opens(staff_client, model):
    ChannelFactory()
    EmergencyNumberFactory()
    ProblemReportFactory()
    TopicFactory()
    AudienceFactory()
    LanguageFactory()
    OrganizationFactory()
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    # Every registered model has a row, so every change page is opened, not skipped.
    obj = model.objects.first()
    assert obj is not None, f"no {opts.model_name} to open"
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert staff_client.get(change).status_code == 200
    assert (
        staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )


def test_resource_history_page(staff_client):
    resource = ChannelFactory().resource
    url = reverse("admin:resources_resource_history", args=[resource.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert Resource.history.filter(id=resource.pk).exists()
