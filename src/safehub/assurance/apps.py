from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "safehub.assurance"
    label = "assurance"
    verbose_name = "Learning and assurance: section 11, case reviews, case audits, improvement plans, training, private fostering"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules permissions
