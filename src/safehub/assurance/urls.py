from django.urls import path

from . import views

app_name = "assurance"
urlpatterns = [
    path("", views.home, name="home"),
    path("section11/", views.rounds, name="rounds"),
    path("section11/new/", views.open_round, name="open_round"),
    path("section11/<int:pk>/", views.round_detail, name="round"),
    path("section11/returns/<int:pk>/", views.return_detail, name="return"),
    path("section11/returns/<int:pk>/challenge/", views.challenge, name="challenge"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/new/", views.notify, name="notify"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/recommendations/<int:pk>/action/", views.recommendation_action, name="recommendation_action"),
    path("actions/<int:pk>/complete/", views.complete_action, name="complete_action"),
    path("audits/", views.audits, name="audits"),
    path("audits/new/", views.create_audit, name="create_audit"),
    path("audits/<int:pk>/", views.audit_detail, name="audit"),
    path("audits/cases/<int:pk>/", views.answer_case, name="answer_case"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.create_plan, name="create_plan"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/status.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/actions/<int:pk>/", views.plan_action, name="plan_action"),
    path("training/", views.training, name="training"),
    path("training/sessions/new/", views.record_session, name="record_session"),
    path("private-fostering/", views.private_fostering, name="private_fostering"),
    path("private-fostering/new/", views.notify_private_fostering, name="notify_private_fostering"),
    path("private-fostering/<int:pk>/", views.private_fostering_arrangement, name="private_fostering_arrangement"),
    path("private-fostering/counts/", views.private_fostering_counts_page, name="private_fostering_counts"),
    path("private-fostering/counts.png", views.private_fostering_chart, name="private_fostering_chart"),
    path("annual-report/", views.annual_reports, name="annual_reports"),
    path("annual-report/<int:pk>/", views.annual_report, name="annual_report"),
    path("annual-report/<int:pk>/report.pdf", views.annual_report_pdf, name="annual_report_pdf"),
    path("annual-report/<int:pk>/report.docx", views.annual_report_docx, name="annual_report_docx"),
]
