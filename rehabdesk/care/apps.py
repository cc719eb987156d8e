from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "rehabdesk.care"
    label = "care"
    verbose_name = "Clinical record"
