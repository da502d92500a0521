from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard.pdf", views.scorecard_pdf_view, name="scorecard_pdf"),
    path("scorecard.xlsx", views.scorecard_xlsx_view, name="scorecard_xlsx"),
    path("indicators/<slug:indicator_id>/", views.indicator, name="indicator"),
    path("indicators/<slug:indicator_id>/records/", views.drilldown, name="drilldown"),
]
