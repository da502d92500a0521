from django.urls import path

from . import views

app_name = "missing"
urlpatterns = [
    path("", views.ongoing, name="ongoing"),
    path("episodes/new/", views.episode_new, name="episode_new"),
    path("children/<int:pk>/", views.child_episodes, name="child"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/return/", views.episode_return, name="episode_return"),
    path("episodes/<int:pk>/risk-grade/", views.episode_grade, name="episode_grade"),
    path("episodes/<int:pk>/interview/", views.interview, name="interview"),
    path("interviews/", views.interviews_due, name="interviews_due"),
    path("triggers/", views.triggers, name="triggers"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("import/", views.import_upload, name="import"),
    path("profiles/new/", views.profile_new, name="profile_new"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("profiles/<int:pk>/photo/", views.profile_photo, name="profile_photo"),
    path("profiles/<int:pk>/police.pdf", views.profile_police_pdf, name="profile_police_pdf"),
]
