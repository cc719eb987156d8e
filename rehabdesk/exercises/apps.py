from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "rehabdesk.exercises"
    label = "exercises"
    verbose_name = "Home exercise programs"

    def ready(self) -> None:
        # The daily reminders run on the scheduler's clock (core/chores.py says why
        # they are registered rather than imported by it).
        from rehabdesk.core.chores import chore_register
        from rehabdesk.exercises.reminders import reminders_send_due

        chore_register(
            name="exercise_reminders",
            label="exercise reminder(s) sent",
            run=lambda now: reminders_send_due(now=now),
        )
