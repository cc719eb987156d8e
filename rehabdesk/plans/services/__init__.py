"""Writes of treatment plans; callers import from here. The modules are the areas:

- writing.py: a plan written, changed (revision checked), discharged
- proposing.py: the plan's booking proposed (nothing written)
- booking.py: the proposal booked through scheduling's series, all or nothing
- measures.py: the plan's measures asked for its booked visits, released with
  cancelled ones
- checks.py: what a plan may say
"""

from rehabdesk.plans.services.booking import plan_book
from rehabdesk.plans.services.measures import plan_measures_release, planned_requests
from rehabdesk.plans.services.proposing import plan_booking_propose
from rehabdesk.plans.services.writing import plan_create, plan_discharge, plan_update

__all__ = [
    "plan_book",
    "plan_booking_propose",
    "plan_create",
    "plan_discharge",
    "plan_measures_release",
    "plan_update",
    "planned_requests",
]
