from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rehabdesk.audit"
    label = "audit"
    verbose_name = "Audit trail"
