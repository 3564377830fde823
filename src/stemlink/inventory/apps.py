from typing import Any

from django.apps import AppConfig


def _product_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # A saved product (hidden, shown, renamed; the admin saves it whole) changes what buyers see
    # of its lines: partners hear of it at once, not only at their next delta poll. The catalogue
    # sits below inventory and integrations, so it cannot record the events itself.
    if created or raw:
        return
    from stemlink.inventory.services import record_product_change

    record_product_change(instance, "product_changed" if instance.active else "product_hidden")


class InventoryConfig(AppConfig):
    name = "stemlink.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from stemlink.catalog.models import Product

        post_save.connect(_product_saved, sender=Product, dispatch_uid="stemlink.inventory.product_saved")
