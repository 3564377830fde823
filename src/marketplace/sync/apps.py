from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "marketplace.sync"
    label = "marketplace_sync"
    default_auto_field = "django.db.models.BigAutoField"
