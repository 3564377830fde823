from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "marketplace.suppliers"
    label = "marketplace_suppliers"
    default_auto_field = "django.db.models.BigAutoField"
