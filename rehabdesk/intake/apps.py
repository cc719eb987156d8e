from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "rehabdesk.intake"
    label = "intake"
    verbose_name = "Health intake"
