"""Groups that carry exactly the permissions a role needs."""

from django.contrib.auth.models import Group, Permission


def group_with_exact_permissions(name: str, app_label: str, models: dict[str, tuple]) -> Group:
    """Create or update group `name` with `<action>_<model>` of `app_label` and nothing else.

    `models` maps a model name to its actions, e.g. {"resource": ("change", "view")}. A
    permission that does not exist (a typo, a model renamed) raises LookupError instead of
    leaving the role silently without it.
    """
    wanted = {f"{action}_{model}" for model, actions in models.items() for action in actions}
    permissions = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=wanted)
    )
    missing = wanted - {permission.codename for permission in permissions}
    if missing:
        raise LookupError(f"{app_label} has no permission " + ", ".join(sorted(missing)))
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.set(permissions)
    return group
