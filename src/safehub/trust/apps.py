from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "safehub.trust"
    label = "trust"
    verbose_name = "Trust and safety: two-factor sign-in, sessions, break-glass, retention and subject access"

    def ready(self) -> None:
        from . import permissions, signals  # noqa: F401 - registers the rules permissions and the sign-in hooks
