from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stemlink.api"
    label = "api"
    verbose_name = "API tokens and calls"
