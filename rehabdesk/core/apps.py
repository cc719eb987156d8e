from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rehabdesk.core"
    label = "core"
    verbose_name = "Core"
