from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "safehub.performance"
    label = "performance"
    verbose_name = "Performance framework: indicators, targets, comparators and standards self-assessment"

    def ready(self):
        from . import event_counts, permissions  # noqa: F401 - registers the rules

        event_counts.connect()
