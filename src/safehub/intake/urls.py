from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("contacts/", views.front_door, name="front_door"),
    path("contacts/new/", views.record_contact, name="record_contact"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("checks/", views.check_queue, name="check_queue"),
    path("checks/<int:pk>/", views.answer_check, name="answer_check"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/calendar.ics", views.tasks_calendar, name="tasks_calendar"),
    path("tasks/<int:pk>/done/", views.complete_task, name="complete_task"),
    path("overdue/", views.overdue, name="overdue"),
    path("children/<int:pk>/act/", views.child_act, name="child_act"),
    path("fgdm/", views.fgdm_report, name="fgdm_report"),
    path("cp-is/", views.cpis, name="cpis"),
    path("cp-is/export.csv", views.cpis_export, name="cpis_export"),
]
