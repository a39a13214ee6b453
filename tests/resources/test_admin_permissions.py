"""The `curators` group holds exactly what curation needs, and nothing of users or tickets."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from resources.services import CURATORS, curators_group_setup

pytestmark = pytest.mark.django_db

EXPECTED = {
    # Entries are retired by status, never deleted.
    "resources.add_resource",
    "resources.change_resource",
    "resources.view_resource",
    # Channels, hours and emergency numbers: a withdrawn number may go (history keeps it).
    "resources.add_channel",
    "resources.change_channel",
    "resources.delete_channel",
    "resources.view_channel",
    "resources.add_openingperiod",
    "resources.change_openingperiod",
    "resources.delete_openingperiod",
    "resources.view_openingperiod",
    "resources.add_emergencynumber",
    "resources.change_emergencynumber",
    "resources.delete_emergencynumber",
    "resources.view_emergencynumber",
    # Lookups that other entries point at: added and edited, not deleted.
    "resources.add_country",
    "resources.change_country",
    "resources.view_country",
    "resources.add_organization",
    "resources.change_organization",
    "resources.view_organization",
    "resources.add_topic",
    "resources.change_topic",
    "resources.view_topic",
    "resources.add_audience",
    "resources.change_audience",
    "resources.view_audience",
    "resources.add_language",
    "resources.change_language",
    "resources.view_language",
    "resources.add_translationreview",
    "resources.change_translationreview",
    "resources.view_translationreview",
    # Visitors file problem reports; curators resolve them.
    "resources.change_problemreport",
    "resources.view_problemreport",
    # Change history, read only.
    "resources.view_historicalresource",
    "resources.view_historicalchannel",
    "resources.view_historicalopeningperiod",
    "resources.view_historicalemergencynumber",
}


def group_permissions(group: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_curators_group_has_exactly_the_curation_permissions():
    assert group_permissions(curators_group_setup()) == EXPECTED


def test_curator_permissions_come_only_from_the_group(curator):
    assert curator.get_all_permissions() == EXPECTED
    assert not curator.has_perm("resources.delete_resource")
    assert not any(
        p.startswith(("auth.", "concierge.", "axes.")) for p in curator.get_all_permissions()
    )


def test_setup_is_idempotent_and_repairs_the_group(capsys):
    group = curators_group_setup()
    group.permissions.add(Permission.objects.get(codename="delete_resource"))
    group.permissions.add(Permission.objects.get(codename="change_user"))
    call_command("setup_groups")
    call_command("setup_groups")
    assert Group.objects.filter(name=CURATORS).count() == 1
    assert group_permissions(Group.objects.get(name=CURATORS)) == EXPECTED
    assert f"{len(EXPECTED)} permissions" in capsys.readouterr().out
