from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "rehabdesk.plans"
    label = "plans"
    verbose_name = "Treatment plans"
