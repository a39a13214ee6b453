from django.urls import path, re_path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^countries/(?P<code>[A-Za-z]{2})/$", views.country_detail, name="country"),
    re_path(
        r"^languages/(?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3})/$",
        views.language_detail,
        name="language",
    ),
    path("resources/<slug:slug>/", views.resource_detail, name="resource"),
    path("resources/<slug:slug>/report/", views.problem_report, name="report"),
    path(
        "resources/<slug:slug>/report/thanks/",
        views.problem_report_thanks,
        name="report_thanks",
    ),
    path("search/", views.search, name="search"),
    path("tour/", views.tour, name="tour"),
]
