from django.core.management.base import BaseCommand

from resources.services import curators_group_setup


class Command(BaseCommand):
    help = "Create or update the `curators` group with exactly the permissions curation needs."

    def handle(self, *args, **options):
        group = curators_group_setup()
        self.stdout.write(f"Group “{group.name}”: {group.permissions.count()} permissions")
