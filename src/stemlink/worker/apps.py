from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "stemlink.worker"
    label = "worker"
    verbose_name = "Background worker"
