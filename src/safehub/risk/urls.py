from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.start, name="start"),
    path("children/<int:pk>/", views.child_history, name="child"),
    path("children/<int:pk>/panel/", views.child_panel, name="child_panel"),
    path("children/<int:pk>/assess/", views.assess, name="assess"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("overrides/", views.overrides, name="overrides"),
    path("tools/", views.tools, name="tools"),
    path("tools/upload/", views.upload_tool, name="upload_tool"),
    path("tools/<int:pk>/", views.tool_detail, name="tool"),
]
