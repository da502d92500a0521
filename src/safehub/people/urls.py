from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("children/", views.search, name="search"),
    path("children/<int:pk>/", views.child_detail, name="child"),
    path("children/<int:pk>/chronology/", views.child_chronology, name="chronology"),
    path("records/<int:pk>/", views.source_record_detail, name="record"),
]
