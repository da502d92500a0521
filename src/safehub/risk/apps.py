from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "safehub.risk"
    label = "risk"
    verbose_name = "Scored risk tools and assessments"

    def ready(self):
        from . import permissions  # noqa: F401 - registers the rules
