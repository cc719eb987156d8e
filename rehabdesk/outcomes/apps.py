from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rehabdesk.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures"
