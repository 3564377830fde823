from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "stemlink.integrations"
    label = "integrations"
    verbose_name = "Partner endpoints and webhooks"
