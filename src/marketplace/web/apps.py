from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "marketplace.web"
    label = "marketplace_web"
    default_auto_field = "django.db.models.BigAutoField"
