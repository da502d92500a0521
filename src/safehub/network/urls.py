from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.home, name="home"),
    path("children/<int:pk>/", views.child_graph, name="child"),
    path("children/<int:pk>/links/new/", views.add_child_link, name="add_child_link"),
    path("people/<int:pk>/", views.person_graph, name="person"),
    path("people/<int:pk>/links/new/", views.add_person_link, name="add_person_link"),
    path("places/<int:pk>/", views.place_graph, name="place"),
    path("places/<int:pk>/links/new/", views.add_place_link, name="add_place_link"),
    path("groups/<int:pk>/", views.group_graph, name="group"),
    path("groups/<int:pk>/links/new/", views.add_group_link, name="add_group_link"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/<int:pk>/", views.cohort_graph, name="cohort"),
    path("hotspots/", views.hotspot_list, name="hotspots"),
    path("hotspots/chart.png", views.hotspot_chart, name="hotspots_chart"),
    path("hotspots/counts/", views.hotspot_counts, name="hotspot_counts"),
    path("records/new/", views.new_record, name="new_record"),
]
