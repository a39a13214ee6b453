from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from concierge.webhooks import inbound_urlpatterns
from hub import views

urlpatterns = [
    path("", views.language_redirect, name="root"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Concierge: inbound email webhook of the configured provider (signature checked by anymail).
    path("anymail/", include((inbound_urlpatterns(), "anymail"))),
]

urlpatterns += i18n_patterns(
    path("", include("resources.urls")),
    path("", include("concierge.urls")),
    # Concierge staff workspace (issue 6): triage pages for the `concierge` group only.
    path("staff/", include("concierge.staff.urls")),
    prefix_default_language=True,
)
