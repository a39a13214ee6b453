"""sitemap.xml: every public page in every language, with hreflang alternates and x-default."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from resources.models import Country, Language, Resource


class HubSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # URLs per sitemap page (every language counts): each URL carries 17 alternates, so a
    # page of 1000 stays near 2 MB, well under the 50 MB / 50,000 URL limits.
    limit = 1000

    # Absolute URLs use SITE_URL, like canonical and hreflang links, not the request's host.
    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        """x-default is the English page, as in the pages' own hreflang links.

        Django strips the default language's prefix for x-default, which suits sites
        without `prefix_default_language`; here every URL has a language prefix.
        """
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            by_language = {alt["lang_code"]: alt for alt in url["alternates"]}
            if "x-default" in by_language and settings.LANGUAGE_CODE in by_language:
                english = by_language[settings.LANGUAGE_CODE]["location"]
                by_language["x-default"]["location"] = english
        return urls


class PagesSitemap(HubSitemap):
    priority = 1.0

    def items(self) -> list[str]:
        return ["resources:home", "resources:tour"]

    def location(self, item: str) -> str:
        return reverse(item)


class CountrySitemap(HubSitemap):
    priority = 0.9

    def items(self):
        return Country.objects.order_by("code")

    def location(self, item: Country) -> str:
        return item.get_absolute_url()


class LanguageSitemap(HubSitemap):
    priority = 0.6

    def items(self):
        used = Resource.languages.through.objects.filter(
            language=OuterRef("pk"), resource__publication=Resource.Publication.PUBLISHED
        )
        return Language.objects.filter(Exists(used)).order_by("code")

    def location(self, item: Language) -> str:
        return reverse("resources:language", kwargs={"code": item.code.lower()})


class ResourceSitemap(HubSitemap):
    priority = 0.7

    def items(self):
        return Resource.objects.published().order_by("slug").only("slug", "verified_at")

    def lastmod(self, item: Resource):
        return item.verified_at


sitemaps = {
    "pages": PagesSitemap,
    "countries": CountrySitemap,
    "languages": LanguageSitemap,
    "resources": ResourceSitemap,
}
