from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safehub.web"
    label = "web"
    verbose_name = "Web shell"
