from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "stemlink.catalog"
    label = "catalog"
    verbose_name = "Catalog"
