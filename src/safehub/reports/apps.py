from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safehub.reports"
    label = "reports"
    verbose_name = "Board reports: scorecard pages, PDF and XLSX, with small-number suppression"

    def ready(self):
        from safehub.performance import permissions  # noqa: F401 - the scorecard's rules live with the indicators
