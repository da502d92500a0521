from django.contrib.auth import views as auth_views
from django.urls import include, path

from safehub.api.api import api
from safehub.web import views as web_views

urlpatterns = [
    path("", web_views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/", include("safehub.people.urls")),
    path("trust/", include("safehub.trust.urls")),
    path("performance/", include("safehub.performance.urls")),
    path("reports/", include("safehub.reports.urls")),
    path("network/", include("safehub.network.urls")),
    path("meetings/", include("safehub.meetings.urls")),
    path("assurance/", include("safehub.assurance.urls")),
    path("risk/", include("safehub.risk.urls")),
    path("missing/", include("safehub.missing.urls")),
    path("intake/", include("safehub.intake.urls")),
    path("imports/", include("safehub.imports.urls")),
    path("linkage/", include("safehub.linkage.urls")),
    path("sharing/", include("safehub.sharing.urls")),
    path("admin-tools/", include("safehub.core.urls")),
    path("api/v1/", api.urls),
]
