from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safehub.linkage"
    label = "linkage"
    verbose_name = "Record linkage"

    def ready(self):
        from . import permissions  # noqa: F401 - registers the rules
