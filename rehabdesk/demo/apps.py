from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "rehabdesk.demo"
    label = "demo"
    verbose_name = "Demo clinic"
