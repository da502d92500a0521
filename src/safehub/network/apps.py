from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "safehub.network"
    label = "network"
    verbose_name = "Contextual safeguarding: children, people, places and groups as one linked picture"

    def ready(self):
        from . import permissions  # noqa: F401 - registers the rules
