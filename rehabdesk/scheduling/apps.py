from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "rehabdesk.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
