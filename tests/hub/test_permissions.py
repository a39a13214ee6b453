import pytest
from django.contrib.auth.models import Group

from hub.permissions import group_with_exact_permissions

pytestmark = pytest.mark.django_db


def test_group_gets_exactly_the_named_permissions_and_loses_others():
    group = group_with_exact_permissions("editors", "resources", {"resource": ("change", "view")})
    again = group_with_exact_permissions("editors", "resources", {"resource": ("view",)})
    assert again.pk == group.pk
    assert sorted(again.permissions.values_list("codename", flat=True)) == ["view_resource"]


def test_an_unknown_permission_is_an_error_not_a_silent_gap():
    with pytest.raises(LookupError, match="change_resourse"):
        group_with_exact_permissions("editors", "resources", {"resourse": ("change",)})
    assert not Group.objects.filter(name="editors").exists()
