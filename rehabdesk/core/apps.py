from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "rehabdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from rehabdesk.core.database import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="rehabdesk.core.sqlite_functions")
