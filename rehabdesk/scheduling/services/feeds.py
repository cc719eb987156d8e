"""Calendar feeds (docs/domain/calendar-feeds.md): a private address for a practitioner's
appointments or a patient's upcoming visits, made, replaced and turned off here.

The address carries a random secret that is shown once, when it is made; the table keeps
only its SHA-256, which is how a fetch finds it (scheduling.selectors.feed_by_secret).
Making a new address revokes the one before (one live per person and kind; the database
refuses a second), so "I think someone has my link" is one click. Every change is on the
audit trail; the secret is never written anywhere but into the page that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Practitioner
from rehabdesk.core.secrets import secret_urlsafe
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import CalendarFeed
from rehabdesk.scheduling.selectors.feeds import feed_secret_hash
from rehabdesk.scheduling.services.records import Actor

OBJECT_TYPE = "scheduling.calendarfeed"
# A calendar program fetches every few minutes to hours: noting each fetch would be a
# write per fetch for a fact ("still in use") that an hour's precision tells as well.
FETCH_NOTED_EVERY = timedelta(hours=1)
SECRET_BYTES = 32  # 256 bits: 43 URL-safe characters


@dataclass(frozen=True)
class NewFeed:
    """A feed just made and its secret: the only moment the secret exists in full."""

    feed: CalendarFeed
    secret: str


def calendar_feed_create(*, owner: User, kind: FeedKind, actor: Actor, now: datetime) -> NewFeed:
    """A new address for `owner`'s feed of this kind; the live one before it, if any,
    stops working at once. A practitioner's feed needs a practitioner, a patient's a
    patient record (SchedulingError `invalid` otherwise)."""
    patient_ids = _concerned(owner, FeedKind(kind))
    secret = secret_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        # Two clicks at once queue here: the second replaces the first's address.
        User.objects.select_for_update().filter(pk=owner.pk).order_by().first()
        _revoke(
            CalendarFeed.objects.filter(owner=owner, kind=kind, revoked_at__isnull=True),
            actor=actor,
            now=now,
            summary="calendar feed address replaced",
            patient_ids=patient_ids,
        )
        feed = CalendarFeed.objects.create(
            owner=owner, kind=kind, secret_sha256=feed_secret_hash(secret), created_at=now
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=OBJECT_TYPE,
            object_id=feed.pk,
            patient_ids=patient_ids,
            summary=f"calendar feed address made ({feed.get_kind_display().lower()})",
            now=now,
        )
    return NewFeed(feed=feed, secret=secret)


def calendar_feed_turn_off(*, feed: CalendarFeed, actor: Actor, now: datetime) -> bool:
    """Revoke this feed: its address answers 404 from now on. False when it was off
    already (a second click, or another manager first): nothing is written then."""
    with transaction.atomic():
        return _revoke(
            CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True),
            actor=actor,
            now=now,
            summary="calendar feed turned off",
            patient_ids=_owner_patient(feed),
        )


def calendar_feed_fetched(*, feed: CalendarFeed, now: datetime) -> bool:
    """Note that the feed was read, at most once an hour: no query while the time
    read with the feed is recent, else one conditional UPDATE (two fetches at once
    write once). True when this fetch was noted."""
    if feed.last_fetched_at is not None and feed.last_fetched_at > now - FETCH_NOTED_EVERY:
        return False
    stale = Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - FETCH_NOTED_EVERY)
    noted = CalendarFeed.objects.filter(stale, pk=feed.pk).update(last_fetched_at=now) == 1
    if noted:
        feed.last_fetched_at = now
    return noted


def _revoke(
    feeds: QuerySet[CalendarFeed],
    *,
    actor: Actor,
    now: datetime,
    summary: str,
    patient_ids: list[int],
) -> bool:
    ids = list(feeds.select_for_update().values_list("pk", flat=True))
    if not ids:
        return False
    by = actor if isinstance(actor, User) else None
    CalendarFeed.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    for feed_id in ids:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=feed_id,
            patient_ids=patient_ids,
            summary=summary,
            now=now,
        )
    return True


def _concerned(owner: User, kind: FeedKind) -> list[int]:
    """The patient a feed is about, for the audit trail (a practitioner's feed is about
    many, named at each fetch); refuses an owner who cannot have this kind."""
    if kind == FeedKind.PRACTITIONER:
        if not Practitioner.objects.filter(user=owner).exists():
            raise SchedulingError(SchedulingErrorCode.INVALID, "Only practitioners have this feed.")
        return []
    patient_id = Patient.objects.filter(user=owner).values_list("pk", flat=True).first()
    if patient_id is None:
        raise SchedulingError(SchedulingErrorCode.INVALID, "Only patients have this feed.")
    return [patient_id]


def _owner_patient(feed: CalendarFeed) -> list[int]:
    if feed.kind != FeedKind.PATIENT:
        return []
    return list(Patient.objects.filter(user_id=feed.owner_id).values_list("pk", flat=True))
