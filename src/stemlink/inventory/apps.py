from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "stemlink.inventory"
    label = "inventory"
    verbose_name = "Inventory"
