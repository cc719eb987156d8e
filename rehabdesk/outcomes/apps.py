from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rehabdesk.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        # Questionnaires coming due are e-mailed on the scheduler's clock (core/chores.py
        # says why chores are registered rather than imported).
        from rehabdesk.core.chores import chore_register
        from rehabdesk.outcomes.services import measure_requests_send_due

        chore_register(
            name="measure_requests_send_due",
            label="questionnaire(s) e-mailed as they come due",
            run=lambda now: measure_requests_send_due(now=now),
        )
