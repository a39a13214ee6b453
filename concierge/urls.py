from django.urls import path

from concierge import views

app_name = "concierge"

urlpatterns = [
    path("concierge/", views.inquiry, name="inquiry"),
    path("concierge/thanks/", views.thanks, name="thanks"),
]
