"""Reads for calendar feeds (docs/domain/calendar-feeds.md): a feed found by its secret,
the visits a feed lists, a location's closures. Each in a fixed number of queries: a
calendar program fetching every few minutes must not cost a query per visit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import BooleanField, Case, Count, Prefetch, Q, Value, When

from rehabdesk.clinic.models import Clinic, Closure, Location
from rehabdesk.core.secrets import secret_digest
from rehabdesk.scheduling.calendar_file import REVISIONS
from rehabdesk.scheduling.choices import AppointmentStatus, FeedKind
from rehabdesk.scheduling.models import Appointment, AppointmentResource, CalendarFeed

# A practitioner's feed: what they did and will do. Held, cancelled, missed and
# mistaken visits are left out (a subscribed calendar is replaced whole at each fetch,
# so a cancelled visit's entry disappears).
PRACTITIONER_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
)
# A patient's feed: their visits still to come.
PATIENT_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


def feed_secret_hash(secret: str) -> str:
    """The SHA-256 of a feed's secret, as the table keeps it."""
    return secret_digest(secret)


def feed_by_secret(*, secret: str) -> CalendarFeed | None:
    """The live feed whose address carries this secret, with its owner; None for an
    unknown or revoked one (one query, by the hash's unique index)."""
    return (
        CalendarFeed.objects.filter(secret_sha256=feed_secret_hash(secret), revoked_at__isnull=True)
        .select_related("owner")
        .first()
    )


def feed_live(*, owner_id: int, kind: FeedKind) -> CalendarFeed | None:
    """The person's live feed of this kind, if any."""
    return CalendarFeed.objects.filter(
        owner_id=owner_id, kind=kind, revoked_at__isnull=True
    ).first()


def feed_by_id(*, feed_id: int) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(pk=feed_id).first()


def practitioner_feeds_live() -> list[CalendarFeed]:
    """Every practitioner's live feed, with the practitioner, by name (the manager's
    list: names and dates, no patient)."""
    return list(
        CalendarFeed.objects.filter(kind=FeedKind.PRACTITIONER, revoked_at__isnull=True)
        .select_related("owner__practitioner")
        .order_by("owner__practitioner__display_name", "pk")
    )


def feed_clinic() -> Clinic | None:
    """The clinic's name, slug, booking horizon and how feeds name patients."""
    return (
        Clinic.objects.only("name", "slug", "booking_horizon_days", "feed_patient_label")
        .order_by("pk")
        .first()
    )


def _with_sequence() -> Count:
    # The same count as calendar_file.calendar_sequence, for every visit at once.
    return Count("events", filter=Q(events__kind__in=REVISIONS))


def practitioner_feed_visits(
    *, practitioner_id: int, since: datetime, until: datetime, nameless: Q
) -> list[Appointment]:
    """The practitioner's visits overlapping [since, until), soonest first, each with its
    patient, location and clinic, its rooms (`rooms`), `revisions` (its SEQUENCE) and
    `nameless`: true where `nameless`, a condition on the visit's patient_id, holds (the
    caller's lockbox rule). Three queries."""
    rooms = AppointmentResource.objects.filter(active=True, resource__kind__is_room=True)
    return list(
        Appointment.objects.filter(
            practitioner_id=practitioner_id,
            status__in=PRACTITIONER_STATUSES,
            start__lt=until,
            end__gt=since,
        )
        .select_related("patient", "location__clinic")
        .annotate(
            revisions=_with_sequence(),
            nameless=Case(
                When(nameless, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .prefetch_related(
            Prefetch("resource_holds", queryset=rooms.select_related("resource"), to_attr="rooms")
        )
        .order_by("start", "pk")
    )


def patient_feed_visits(*, patient_ids: Iterable[int], now: datetime) -> list[Appointment]:
    """The visits still to come (or under way) of these patients, soonest first, with
    patient, practitioner, service, location and clinic, and `revisions`: one query."""
    return list(
        Appointment.objects.filter(
            patient_id__in=list(patient_ids), status__in=PATIENT_STATUSES, end__gt=now
        )
        .select_related("patient", "practitioner", "service", "location__clinic")
        .annotate(revisions=_with_sequence())
        .order_by("start", "pk")
    )


def location_closures(*, slug: str, since: date) -> tuple[Location, list[Closure]] | None:
    """An active location (with its clinic) and its closures ending on or after `since`;
    None for an unknown or inactive location. Two queries."""
    location = Location.objects.filter(slug=slug, active=True).select_related("clinic").first()
    if location is None:
        return None
    closures = list(
        Closure.objects.filter(location=location, last_day__gte=since).order_by("first_day", "pk")
    )
    return location, closures
