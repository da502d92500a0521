from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "safehub.intake"
    label = "intake"
    verbose_name = "The front door: contacts, MASH decisions, agency checks, enquiries, plans and tasks"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules permissions
