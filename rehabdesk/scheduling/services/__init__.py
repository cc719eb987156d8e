"""Scheduling's writes: the only way appointments are held, booked, confirmed, moved,
cancelled, checked in or marked as missed, booked as a series, offered from the
waitlist, or changed by patients themselves. Callers import from here; the modules
are the areas:

- booking.py: holds, bookings, confirming a hold, claiming an online hold, the sweep
  of expired holds (docs/algorithms/booking.md)
- lifecycle.py: cancelling (the clinic's notice policy and fees), moving, check-in,
  no-shows, keeping a booking that changed hours left outside what is allowed
- series.py: a course of visits on a weekly pattern, all dates or none
- waitlist.py: freed time offered to waiting patients (docs/algorithms/waitlist.md)
- self_service.py: what patients may change themselves, from the portal or a link
- conflicts.py: bookings caught by changed hours, marked for the desk
- outside_hours.py: those bookings dealt with several at once: patients told and offered
  other times, or moved to the waitlist
- records.py: what every change writes besides the row (history, audit)
- feeds.py: calendar feeds' private addresses, made, replaced and turned off
- reminders.py: the clinic's appointment reminders, at their times (a scheduler chore)
- text_replies.py: a patient's reply to a text message (C confirms, STOP opts out), and
  confirming from the booking's page
"""

from rehabdesk.scheduling.services.booking import (
    HOLD_DURATION,
    BookingRequest,
    appointment_book,
    appointment_confirm,
    appointment_hold,
    appointment_hold_claim,
    holds_release_expired,
    live_holds_check,
)
from rehabdesk.scheduling.services.conflicts import outside_hours_review
from rehabdesk.scheduling.services.feeds import (
    NewFeed,
    calendar_feed_create,
    calendar_feed_fetched,
    calendar_feed_turn_off,
    feed_secret_hash,
)
from rehabdesk.scheduling.services.lifecycle import (
    CancellationTerms,
    appointment_arrive,
    appointment_cancel,
    appointment_keep,
    appointment_mark_noshow,
    appointment_reschedule,
    cancellation_terms,
)
from rehabdesk.scheduling.services.outside_hours import (
    Outcome,
    outside_hours_tell,
    outside_hours_to_waitlist,
)
from rehabdesk.scheduling.services.records import Actor
from rehabdesk.scheduling.services.reminders import reminders_send_due
from rehabdesk.scheduling.services.self_service import (
    SelfService,
    appointment_cancel_by_patient,
    appointment_move_by_patient,
    self_service_terms,
)
from rehabdesk.scheduling.services.series import (
    MAX_WEEKS,
    Conflict,
    SeriesConflict,
    SeriesPlan,
    series_book,
    series_cancel,
    series_reschedule,
)
from rehabdesk.scheduling.services.text_replies import appointment_confirm_by_patient
from rehabdesk.scheduling.services.waitlist import (
    Wish,
    day_part,
    freed_time_process,
    offer_freed_time,
    waitlist_add,
    waitlist_fits,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_offer_make,
    waitlist_offers_expire,
    waitlist_withdraw,
)

__all__ = [
    "HOLD_DURATION",
    "MAX_WEEKS",
    "NewFeed",
    "Actor",
    "BookingRequest",
    "CancellationTerms",
    "Conflict",
    "Outcome",
    "SelfService",
    "SeriesConflict",
    "SeriesPlan",
    "Wish",
    "appointment_arrive",
    "appointment_book",
    "appointment_cancel",
    "appointment_cancel_by_patient",
    "appointment_confirm",
    "appointment_confirm_by_patient",
    "appointment_hold",
    "appointment_hold_claim",
    "appointment_keep",
    "appointment_mark_noshow",
    "appointment_move_by_patient",
    "appointment_reschedule",
    "calendar_feed_create",
    "calendar_feed_fetched",
    "calendar_feed_turn_off",
    "cancellation_terms",
    "day_part",
    "feed_secret_hash",
    "freed_time_process",
    "holds_release_expired",
    "live_holds_check",
    "offer_freed_time",
    "outside_hours_review",
    "outside_hours_tell",
    "outside_hours_to_waitlist",
    "reminders_send_due",
    "self_service_terms",
    "series_book",
    "series_cancel",
    "series_reschedule",
    "waitlist_add",
    "waitlist_offer_accept",
    "waitlist_fits",
    "waitlist_offer_decline",
    "waitlist_offer_make",
    "waitlist_offers_expire",
    "waitlist_withdraw",
]
