from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "stemlink.customers"
    label = "customers"
    verbose_name = "Customers"
