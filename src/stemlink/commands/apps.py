from django.apps import AppConfig


class CommandsConfig(AppConfig):
    name = "stemlink.commands"
    label = "commands"
    verbose_name = "Command-line tools"
