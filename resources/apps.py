from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Directory")

    def ready(self) -> None:
        # Cache invalidation is the one thing these signals do: whatever saves an entry
        # (admin, import, shell), cached public pages must not outlive the change.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from resources import caching
        from resources.models import (
            Audience,
            Channel,
            Country,
            EmergencyNumber,
            Language,
            OpeningPeriod,
            Organization,
            Resource,
            Topic,
        )

        for model in (
            Resource,
            Channel,
            OpeningPeriod,
            EmergencyNumber,
            Country,
            Organization,
            Topic,
            Audience,
            Language,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    caching.directory_saved,
                    sender=model,
                    dispatch_uid=f"page-cache-{signal is post_save}-{model.__name__}",
                )
        for relation in (
            Resource.topics,
            Resource.audiences,
            Resource.languages,
            Resource.countries_served,
            Channel.languages,
        ):
            m2m_changed.connect(
                caching.directory_saved,
                sender=relation.through,
                dispatch_uid=f"page-cache-m2m-{relation.through.__name__}",
            )
