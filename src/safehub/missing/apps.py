from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "safehub.missing"
    label = "missing"
    verbose_name = "Missing children: episodes, return home interviews and triggers"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the app's permissions
