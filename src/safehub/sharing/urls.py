from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("children/<int:pk>/", views.child_log, name="child"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("report/", views.report, name="report"),
]
