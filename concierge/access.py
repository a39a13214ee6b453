"""Who may see concierge data: members of the `concierge` group, nobody else (default deny).

Superusers are not let in by their flag alone: ticket text is personal data, so even an
administrator has to be put in the group, which is itself a recorded decision.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

CONCIERGE_GROUP = "concierge"

# Admin permissions the group gets: curating crisis rules, saved replies and tags, reading the
# access log, and reprocessing quarantined raw mail. Tickets and messages are read and changed
# only through the staff pages, which record every view.
GROUP_PERMISSIONS = {
    "crisisrule": ("add", "change", "delete", "view"),
    "savedreply": ("add", "change", "delete", "view"),
    "tag": ("add", "change", "delete", "view"),
    "accesslog": ("view",),
    "inboundmessage": ("change", "view"),
}


def is_concierge(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_concierge_member", None)
    if cached is None:
        cached = user.groups.filter(name=CONCIERGE_GROUP).exists()
        user._concierge_member = cached
    return cached


def concierge_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=CONCIERGE_GROUP)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def concierge_group_setup(*, add_usernames: list[str] | tuple[str, ...] = ()) -> Group:
    """Create or update the `concierge` group with exactly its permissions; add users to it."""
    from hub.permissions import group_with_exact_permissions

    group = group_with_exact_permissions(CONCIERGE_GROUP, "concierge", GROUP_PERMISSIONS)
    users = get_user_model().objects.filter(username__in=add_usernames)
    missing = set(add_usernames) - {user.get_username() for user in users}
    if missing:
        raise LookupError(", ".join(sorted(missing)))
    for user in users:
        user.groups.add(group)
        if not user.is_staff:
            # Staff sign in through the admin login page.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return group
