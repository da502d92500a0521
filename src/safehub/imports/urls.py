from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("upload/", views.upload, name="upload"),
    path("upload/columns/", views.map_columns, name="map"),
    path("upload/run/", views.confirm, name="confirm"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/<int:pk>/yaml/", views.profile_yaml, name="profile_yaml"),
]
