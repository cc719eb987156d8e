from django.apps import AppConfig


class OnlineConfig(AppConfig):
    name = "rehabdesk.online"
    label = "online"
    verbose_name = "Online booking"
