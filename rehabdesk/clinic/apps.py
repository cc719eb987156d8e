from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "rehabdesk.clinic"
    label = "clinic"
    verbose_name = "Clinic configuration"
