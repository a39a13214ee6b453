from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.i18n import set_language

from concierge.webhooks import inbound_urlpatterns
from hub import views
from resources.sitemaps import sitemaps
from resources.views import robots_txt

urlpatterns = [
    path("", views.language_redirect, name="root"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Concierge: inbound email webhook of the configured provider (signature checked by anymail).
    path("anymail/", include((inbound_urlpatterns(), "anymail"))),
]

# Directory: sitemap.xml (every language, with hreflang alternates) and robots.txt.
urlpatterns += [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
]

urlpatterns += i18n_patterns(
    path("", include("resources.urls")),
    path("", include("concierge.urls")),
    # Concierge staff workspace (issue 6): triage pages for the `concierge` group only.
    path("staff/", include("concierge.staff.urls")),
    prefix_default_language=True,
)

# Error pages: in the visitor's language, with emergency help, without the database.
handler400 = "hub.errors.bad_request"
handler403 = "hub.errors.permission_denied"
handler404 = "hub.errors.page_not_found"
handler500 = "hub.errors.server_error"
if settings.BENCH_FLOOR:
    # bench/run's floor: a trivial view behind the same middleware and language prefix.
    urlpatterns += i18n_patterns(path("bench/floor/", views.bench_floor, name="bench_floor"))
