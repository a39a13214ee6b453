from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from resources.admin.base import HTTPS_URLS, CuratorTranslationAdmin
from resources.models import Audience, Language, Organization, Topic


class ResourceCountMixin:
    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resource_count=Count("resources"))

    @admin.display(description=_("resources"), ordering="resource_count")
    def resource_count(self, obj):
        return obj.resource_count


@admin.register(Topic, Audience)
class TermAdmin(ResourceCountMixin, CuratorTranslationAdmin):
    list_display = ["label", "slug", "order", "resource_count"]
    list_editable = ["order"]
    search_fields = ["slug", "label_en"]
    prepopulated_fields = {"slug": ["label_en"]}


@admin.register(Language)
class LanguageAdmin(ResourceCountMixin, CuratorTranslationAdmin):
    list_display = ["code", "label", "resource_count"]
    search_fields = ["code", "label_en"]


@admin.register(Organization)
class OrganizationAdmin(ResourceCountMixin, admin.ModelAdmin):
    list_display = ["name", "website", "resource_count"]
    search_fields = ["name"]
    formfield_overrides = HTTPS_URLS
    prepopulated_fields = {"slug": ["name"]}
