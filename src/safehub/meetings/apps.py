from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "safehub.meetings"
    label = "meetings"
    verbose_name = "Boards and panels: meetings, decisions, the action log and MACE/MASE case panels"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules permissions
