from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.bodies, name="bodies"),
    path("new/", views.create_body, name="create_body"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("bodies/<int:pk>/meetings/new/", views.create_meeting, name="create_meeting"),
    path("bodies/<int:pk>/action-log.xlsx", views.action_log_xlsx, name="action_log"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/record/", views.meeting_record, name="record"),
    path("<int:pk>/minutes/", views.minutes_page, name="minutes"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/agenda-pack.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/panel-pack/", views.panel_pack_page, name="panel_pack"),
    path("papers/<int:pk>/", views.paper, name="paper"),
    path("my-actions/", views.my_actions_page, name="my_actions"),
    path("import/", views.import_minutes, name="import"),
]
