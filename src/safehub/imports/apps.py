from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "safehub.imports"
    label = "imports"
    verbose_name = "Imports of agency extracts"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules permissions
