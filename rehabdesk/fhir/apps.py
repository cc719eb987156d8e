from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "rehabdesk.fhir"
    label = "fhir"
    verbose_name = "FHIR R4 read API"
