from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "safehub.sharing"
    label = "sharing"
    verbose_name = "Duty to share"

    def ready(self):
        from safehub.people import detail_links

        from . import permissions  # noqa: F401 - registers the rules

        detail_links.register("sharing.sharedecision", "sharing:decision")
