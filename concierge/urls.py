app_name = "concierge"

urlpatterns: list = []
