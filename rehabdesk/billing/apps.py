from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "rehabdesk.billing"
    label = "billing"
    verbose_name = "Billing"
