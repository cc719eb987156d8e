"""The clinic's notice policy, counted in real elapsed hours: around the notice boundary
when Toronto's clocks fall back on Sunday, November 7, 2027 (the spring change of
March 14 is in test_lifecycle.py), for the desk and for patients changing their own
bookings, and the fee it records, rounded to the cent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Clinic
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling import services
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import self_service_terms
from rehabdesk.scheduling.testing import TORONTO

pytestmark = pytest.mark.django_db

# The Monday before the change, a week ahead of the visit.
NOVEMBER_NOW = datetime(2027, 11, 1, 8, 0, tzinfo=TORONTO)
# Monday, November 8, 09:00 EST (UTC−5), the day after the clocks fell back.
VISIT = datetime(2027, 11, 8, 9, 0, tzinfo=TORONTO)
SECOND = timedelta(seconds=1)


def real_hours_before(start: datetime, hours: int) -> datetime:
    """`hours` elapsed hours before `start`, counted on the UTC clock, shown in Toronto."""
    return (start.astimezone(UTC) - timedelta(hours=hours)).astimezone(TORONTO)


def book(world, start=VISIT, **kwargs) -> Appointment:
    """Booked, and read back with the clinic's policy as it is now."""
    booked = services.appointment_book(
        request=world.request(start, **kwargs), actor=None, now=NOVEMBER_NOW
    )
    return Appointment.objects.select_related("location__clinic", "service").get(pk=booked.pk)


def terms(appointment, now, by=CancelledBy.PATIENT) -> services.CancellationTerms:
    return services.cancellation_terms(appointment=appointment, by=by, now=now)


def policy(world, **fields: int) -> None:
    clinic = Clinic.objects.get(pk=world.pickering.clinic_id)
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic_services.configuration_save(instance=clinic)


def test_the_fall_weekend_is_what_these_tests_assume():
    assert VISIT.utcoffset() == timedelta(hours=-5)
    # 24 real hours before is Sunday 09:00, after the change: the wall clock agrees.
    assert real_hours_before(VISIT, 24) == datetime(2027, 11, 7, 9, tzinfo=TORONTO)
    # 48 real hours before is Saturday 10:00 EDT, an hour later on the wall clock.
    assert real_hours_before(VISIT, 48) == datetime(2027, 11, 6, 10, tzinfo=TORONTO)
    assert real_hours_before(VISIT, 48).utcoffset() == timedelta(hours=-4)


def test_a_day_s_notice_ends_at_the_same_wall_clock_time_on_the_sunday(world):
    appointment = book(world)
    boundary = datetime(2027, 11, 7, 9, tzinfo=TORONTO)
    assert terms(appointment, boundary) == services.CancellationTerms(late=False, fee=None)
    assert terms(appointment, boundary + SECOND) == services.CancellationTerms(
        late=True, fee=Decimal("42.50")
    )


def test_two_days_notice_across_the_change_ends_an_hour_later_on_the_wall_clock(world):
    policy(world, cancellation_notice_hours=48)
    appointment = book(world)
    saturday = datetime(2027, 11, 6, 9, 30, tzinfo=TORONTO)  # 48.5 real hours before
    assert not terms(appointment, saturday).late
    assert not terms(appointment, real_hours_before(VISIT, 48)).late
    assert terms(appointment, real_hours_before(VISIT, 48) + SECOND).late


def test_a_cancellation_late_by_the_wall_clock_but_not_in_real_hours_owes_nothing(world):
    policy(world, cancellation_notice_hours=48)
    ten = VISIT + timedelta(hours=1)  # Monday 10:00 EST
    on_time = book(world, ten)
    late = book(world, ten + timedelta(hours=1), patient=world.other_patient)
    # Saturday 10:30 EDT: 47.5 hours before Monday 10:00 on the wall clock, 48.5 real.
    services.appointment_cancel(
        appointment=on_time,
        actor=None,
        now=datetime(2027, 11, 6, 10, 30, tzinfo=TORONTO),
        by=CancelledBy.PATIENT,
    )
    # One second inside 48 real hours before Monday 11:00.
    services.appointment_cancel(
        appointment=late,
        actor=None,
        now=real_hours_before(ten + timedelta(hours=1), 48) + SECOND,
        by=CancelledBy.PATIENT,
    )
    rows = {a.pk: a for a in Appointment.objects.filter(pk__in=[on_time.pk, late.pk])}
    assert (rows[on_time.pk].late_cancellation, rows[on_time.pk].fee_due) == (False, None)
    assert (rows[late.pk].late_cancellation, rows[late.pk].fee_due) == (True, Decimal("42.50"))
    told = OutboxMessage.objects.get(kind="booking_cancelled", related_id=str(late.pk))
    assert "late-cancellation fee of $42.50" in told.body_text


def test_patients_may_change_online_up_to_the_same_boundary(world):
    appointment = book(world)
    boundary = real_hours_before(VISIT, 24)
    assert self_service_terms(appointment=appointment, now=boundary).allowed
    after = self_service_terms(appointment=appointment, now=boundary + SECOND)
    assert not after.allowed
    assert after.why_not == (
        "It is less than 24 hours before your appointment, so it can only be changed by phone."
    )


def test_the_clinic_holds_and_visits_under_way_are_never_late(world):
    appointment = book(world)
    just_before = VISIT - timedelta(minutes=5)
    assert not terms(appointment, just_before, by=CancelledBy.CLINIC).late
    held = services.appointment_hold(
        request=world.request(VISIT + timedelta(hours=2)), actor=None, now=NOVEMBER_NOW
    )
    assert not terms(held, just_before).late
    services.appointment_arrive(appointment=appointment, actor=None, now=just_before)
    arrived = Appointment.objects.select_related("location__clinic", "service").get(
        pk=appointment.pk
    )
    assert arrived.status == AppointmentStatus.ARRIVED
    assert terms(arrived, just_before) == services.CancellationTerms(late=False, fee=None)


def test_a_clinic_without_a_late_fee_still_records_the_late_cancellation(world):
    policy(world, late_cancellation_fee_percent=0)
    appointment = book(world)
    services.appointment_cancel(
        appointment=appointment,
        actor=None,
        now=VISIT - timedelta(hours=2),
        by=CancelledBy.PATIENT,
    )
    row = Appointment.objects.get(pk=appointment.pk)
    assert (row.late_cancellation, row.fee_due) == (True, None)
    told = OutboxMessage.objects.get(kind="booking_cancelled", related_id=str(appointment.pk))
    assert "late-cancellation fee" not in told.body_text


def test_the_fee_is_the_clinic_s_share_of_the_price_rounded_half_up(world):
    # (price, percent, fee, hours after nine the two visits start: 9 and 10, 13 and 14 …)
    cases = [("99.99", 50, "50.00", 0), ("85.00", 33, "28.05", 4), ("110.00", 100, "110.00", 6)]
    for price, percent, fee, hours in cases:
        world.follow_up.price = Decimal(price)
        clinic_services.service_save(service=world.follow_up, on=NOVEMBER_NOW.date())
        policy(world, late_cancellation_fee_percent=percent, no_show_fee_percent=percent)
        start = VISIT + timedelta(hours=hours)
        late = book(world, start)
        missed = book(world, start + timedelta(hours=1), patient=world.other_patient)
        services.appointment_cancel(
            appointment=late, actor=None, now=start - timedelta(hours=1), by=CancelledBy.PATIENT
        )
        services.appointment_mark_noshow(
            appointment=missed, actor=None, now=start + timedelta(hours=1, minutes=10)
        )
        fees = dict(Appointment.objects.values_list("pk", "fee_due"))
        assert (fees[late.pk], fees[missed.pk]) == (Decimal(fee), Decimal(fee)), price
