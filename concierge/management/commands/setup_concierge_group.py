from django.core.management.base import BaseCommand, CommandError

from concierge.access import concierge_group_setup


class Command(BaseCommand):
    help = (
        "Create or update the `concierge` group (the only people who may see tickets) "
        "and optionally add users to it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--add", nargs="*", default=[], metavar="USERNAME", help="Users to add to the group."
        )

    def handle(self, *args, **options):
        try:
            group = concierge_group_setup(add_usernames=options["add"])
        except LookupError as exc:
            raise CommandError(f"No such user: {exc}") from exc
        self.stdout.write(
            f"Group “{group.name}”: {group.permissions.count()} permissions, "
            f"{group.user_set.count()} members"
        )
