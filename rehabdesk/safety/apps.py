from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "rehabdesk.safety"
    label = "safety"
    verbose_name = "Safety alerts"
