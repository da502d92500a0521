from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("children/", views.search, name="search"),
    path("children/new/", views.record_child_search, name="record_child_search"),
    path("children/new/details/", views.record_child, name="record_child"),
    path("children/<int:pk>/", views.child_detail, name="child"),
    path("children/<int:pk>/edit/", views.edit_child, name="edit_child"),
    path("children/<int:pk>/chronology/", views.child_chronology, name="chronology"),
    path("children/<int:pk>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("children/<int:pk>/chronology.docx", views.chronology_docx, name="chronology_docx"),
    path("children/<int:pk>/household-chronology/", views.household_chronology, name="household_chronology"),
    path("children/<int:pk>/household-chronology.pdf", views.household_chronology_pdf, name="household_chronology_pdf"),
    path("children/<int:pk>/household-chronology.docx", views.household_chronology_docx,
         name="household_chronology_docx"),
    path("children/<int:pk>/warnings/new/", views.add_warning, name="add_warning"),
    path("warnings/<int:pk>/", views.warning, name="warning"),
    path("records/<int:pk>/", views.source_record_detail, name="record"),
]
