from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "marketplace.shop"
    label = "marketplace_shop"
    default_auto_field = "django.db.models.BigAutoField"
