from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "rehabdesk.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from rehabdesk.clinic.signals import schedule_changed
        from rehabdesk.scheduling.services import conflicts, waitlist

        schedule_changed.connect(
            conflicts.schedule_changed_received, dispatch_uid="scheduling.conflicts"
        )
        schedule_changed.connect(
            waitlist.schedule_changed_received, dispatch_uid="scheduling.waitlist"
        )
