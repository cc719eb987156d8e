from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "rehabdesk.consents"
    label = "consents"
    verbose_name = "Consents"
