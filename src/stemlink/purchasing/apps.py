from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "stemlink.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"
