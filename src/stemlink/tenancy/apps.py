from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "stemlink.tenancy"
    label = "tenancy"
    verbose_name = "Companies and users"
