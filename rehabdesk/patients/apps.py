from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "rehabdesk.patients"
    label = "patients"
    verbose_name = "Patients"
