"""Scheduling's reads, for pages and the API, each with its related rows fetched up
front and a fixed number of queries. Callers import from here; the modules are the
areas:

- search.py: free times (docs/algorithms/availability.md)
- appointments.py: one appointment, a patient's visits and attendance, open offers
- calendar.py: a location's day and a practitioner's week on the staff schedules
- desk.py: the front desk's day, "my day", hours, and bookings caught by changed hours
- hours_preview.py: the bookings a change of hours would leave out, before it is saved
- waitlist.py: who is waiting, a patient's places, one entry or offer
- feeds.py: calendar feeds: one found by its secret, the visits it lists, closures
"""

from rehabdesk.scheduling.selectors.appointments import (
    Attendance,
    appointment_detail,
    appointment_history,
    appointments_for_patient,
    appointments_upcoming_for_patients,
    patient_attendance,
    patient_past_visits,
)
from rehabdesk.scheduling.selectors.calendar import (
    Column,
    Day,
    Span,
    location_day,
    practitioner_week,
)
from rehabdesk.scheduling.selectors.desk import (
    LATE_AFTER,
    Visit,
    desk_arrivals,
    desk_locations,
    desk_not_reminded,
    desk_open_offers,
    desk_outside_hours,
    hours_by_practitioner,
    late_arrivals,
    outside_hours,
    practitioner_day,
    practitioner_outside_hours,
    practitioner_shifts,
    practitioner_time_off,
)
from rehabdesk.scheduling.selectors.feeds import (
    feed_by_id,
    feed_by_secret,
    feed_clinic,
    feed_live,
    location_closures,
    patient_feed_visits,
    practitioner_feed_visits,
    practitioner_feeds_live,
)
from rehabdesk.scheduling.selectors.hours_preview import (
    ProposedShift,
    hours_change_preview,
    patients_told,
)
from rehabdesk.scheduling.selectors.search import (
    availability_search,
    day_look_end,
    hours_look_end,
)
from rehabdesk.scheduling.selectors.waitlist import (
    appointment_was_offered,
    offer_detail,
    waitlist_entries,
    waitlist_entry,
    waitlist_for_patient,
    waitlist_for_patients,
    waitlist_offer_open,
    waitlist_open,
)

__all__ = [
    "feed_by_id",
    "feed_by_secret",
    "feed_clinic",
    "feed_live",
    "location_closures",
    "patient_feed_visits",
    "practitioner_feed_visits",
    "practitioner_feeds_live",
    "ProposedShift",
    "hours_change_preview",
    "patients_told",
    "LATE_AFTER",
    "Attendance",
    "Column",
    "Day",
    "Span",
    "Visit",
    "appointment_detail",
    "appointment_history",
    "appointment_was_offered",
    "appointments_for_patient",
    "appointments_upcoming_for_patients",
    "availability_search",
    "day_look_end",
    "desk_arrivals",
    "desk_locations",
    "desk_open_offers",
    "desk_not_reminded",
    "desk_outside_hours",
    "hours_by_practitioner",
    "hours_look_end",
    "late_arrivals",
    "location_day",
    "offer_detail",
    "outside_hours",
    "patient_attendance",
    "patient_past_visits",
    "practitioner_day",
    "practitioner_outside_hours",
    "practitioner_week",
    "practitioner_shifts",
    "practitioner_time_off",
    "waitlist_entries",
    "waitlist_entry",
    "waitlist_for_patient",
    "waitlist_for_patients",
    "waitlist_offer_open",
    "waitlist_open",
]
