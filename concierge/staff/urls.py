from django.urls import path

from concierge.staff import requester_views, ticket_views, views

app_name = "staff"

urlpatterns = [
    path("", views.queue, name="home"),
    path("queues/<slug:queue>/", views.queue, name="queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("tickets/<str:reference>/", ticket_views.ticket_detail, name="ticket"),
    path("tickets/<str:reference>/reply/", ticket_views.ticket_reply, name="ticket_reply"),
    path("tickets/<str:reference>/note/", ticket_views.ticket_note, name="ticket_note"),
    path("tickets/<str:reference>/update/", ticket_views.ticket_update, name="ticket_update"),
    path("tickets/<str:reference>/merge/", ticket_views.ticket_merge, name="ticket_merge"),
    path("tickets/<str:reference>/presence/", ticket_views.ticket_presence, name="ticket_presence"),
    path("attachments/<int:pk>/", ticket_views.attachment_download, name="attachment"),
    path("requesters/<int:pk>/", requester_views.requester_detail, name="requester"),
    path("requesters/<int:pk>/export/", requester_views.requester_export, name="requester_export"),
    path("requesters/<int:pk>/erase/", requester_views.requester_erase, name="requester_erase"),
]
