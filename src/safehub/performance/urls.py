from django.urls import path

from . import views

app_name = "performance"
urlpatterns = [
    path("indicators/", views.indicator_library, name="indicators"),
    path("indicators/<slug:indicator_id>/edit/", views.indicator_edit, name="indicator_edit"),
    path("population/", views.population, name="population"),
    path("standards/", views.standards, name="standards"),
    path("standards/rounds/<int:pk>/rate/", views.round_rate, name="round_rate"),
    path("standards/rounds/<int:pk>/matrix/", views.round_matrix, name="round_matrix"),
]
