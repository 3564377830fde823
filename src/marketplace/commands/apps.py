from django.apps import AppConfig


class CommandsConfig(AppConfig):
    name = "marketplace.commands"
    label = "marketplace_commands"
    default_auto_field = "django.db.models.BigAutoField"
