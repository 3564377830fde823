from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "stemlink.orders"
    label = "orders"
    verbose_name = "Orders and fees"
