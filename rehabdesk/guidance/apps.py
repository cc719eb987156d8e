from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "rehabdesk.guidance"
    label = "guidance"
    verbose_name = "Treatment guidance"
