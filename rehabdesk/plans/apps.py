from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "rehabdesk.plans"
    label = "plans"
    verbose_name = "Treatment plans"

    def ready(self) -> None:
        # A cancelled visit's measure requests are written down as cancelled on the
        # scheduler's clock: scheduling, below plans, cannot call us when it cancels
        # (core/chores.py says why chores are registered rather than imported).
        from rehabdesk.core.chores import chore_register
        from rehabdesk.plans.services import plan_measures_release

        chore_register(
            name="plan_measures_release",
            label="measure request(s) cancelled with their visit",
            run=lambda now: plan_measures_release(now=now),
        )
