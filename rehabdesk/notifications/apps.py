from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rehabdesk.notifications"
    label = "notifications"
    verbose_name = "Notifications"
