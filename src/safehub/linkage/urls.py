from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/<int:pk>/", views.pair_detail, name="pair"),
    path("data-quality/", views.data_quality, name="data_quality"),
]
