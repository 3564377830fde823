from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "stemlink.web"
    label = "web"
    verbose_name = "Back office"
