from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rehabdesk.web"
    label = "web"
    verbose_name = "Web pages"
