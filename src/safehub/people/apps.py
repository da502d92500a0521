from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safehub.people"
    label = "people"
    verbose_name = "Children, people and their source records"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the app's permissions
