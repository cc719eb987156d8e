from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "rehabdesk.privacy"
    label = "privacy"
    verbose_name = "Privacy rights and breaches"
