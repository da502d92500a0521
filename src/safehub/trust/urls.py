from django.urls import path

from . import views

app_name = "trust"
urlpatterns = [
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("account/", views.account, name="account"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("break-glass/<int:child_pk>/", views.break_glass, name="break_glass"),
    path("break-glass/", views.break_glass_report, name="break_glass_report"),
    path("subject-access/", views.sar_list, name="sars"),
    path("subject-access/new/", views.sar_new, name="sar_new"),
    path("subject-access/<int:pk>/", views.sar_detail, name="sar"),
    path("subject-access/<int:pk>/export.json", views.sar_json, name="sar_json"),
    path("subject-access/<int:pk>/export.pdf", views.sar_pdf, name="sar_pdf"),
    path("retention/", views.retention, name="retention"),
    path("inspectors/", views.inspectors, name="inspectors"),
    path("inspectors/<int:pk>/end/", views.inspector_end, name="inspector_end"),
]
