"""Every write to clinic configuration goes through a function here.

Each `<entity>_save` takes a new or changed instance (built by a form, the demo loader
or a test), checks every rule that spans rows, and saves it with its child rows in one
transaction, or raises ClinicError and saves nothing. The matching `*_validate`
functions run the same checks without saving, so forms can show the message next to
the field before anything is written. Callers import from here; the modules are the
areas:

- sites.py: locations, opening hours, closures, travel times
- catalogue.py: services and their qualifications, tax categories and rates
- team.py: practitioners, registrations, working hours and breaks, time off, where staff
  usually work
- hours_changes.py: a manager's change to working hours from a chosen day on
- shift_rules.py: what every shift must keep, asked by the team's and the sites' writes
- pictures.py: the clinic's logo and practitioners' photos (what an upload may be)
- common.py: values for child rows, configuration saved as it is
"""

from rehabdesk.clinic.services.catalogue import (
    QualificationSpec,
    RateSpec,
    service_save,
    service_validate,
    tax_category_save,
    tax_category_validate,
)
from rehabdesk.clinic.services.common import TimeSpan, WeeklySpan, configuration_save
from rehabdesk.clinic.services.hours_changes import (
    check_from_day,
    shift_split,
    working_hours_change,
    working_hours_end,
)
from rehabdesk.clinic.services.pictures import picture_set, picture_type
from rehabdesk.clinic.services.sites import (
    closure_delete,
    closure_save,
    location_save,
    location_set_opening_hours,
    opening_hours_validate,
    travel_time_minutes,
    travel_time_set,
    travel_time_validate,
)
from rehabdesk.clinic.services.team import (
    home_location_set,
    practitioner_save,
    registration_save,
    registration_validate,
    registration_verify,
    time_off_delete,
    time_off_save,
    working_hours_delete,
    working_hours_save,
    working_hours_validate,
)

__all__ = [
    "QualificationSpec",
    "RateSpec",
    "TimeSpan",
    "WeeklySpan",
    "check_from_day",
    "closure_delete",
    "closure_save",
    "configuration_save",
    "home_location_set",
    "location_save",
    "location_set_opening_hours",
    "opening_hours_validate",
    "picture_set",
    "picture_type",
    "practitioner_save",
    "registration_save",
    "registration_validate",
    "registration_verify",
    "service_save",
    "shift_split",
    "service_validate",
    "tax_category_save",
    "tax_category_validate",
    "time_off_delete",
    "time_off_save",
    "travel_time_minutes",
    "travel_time_set",
    "travel_time_validate",
    "working_hours_change",
    "working_hours_delete",
    "working_hours_end",
    "working_hours_save",
    "working_hours_validate",
]
