"""Writing to the outbox, and the worker that empties it.

`message_enqueue` is how any service asks for a message: it renders the text now and
writes one row in the caller's transaction. `deliver_due` is one round of the worker
(`manage.py run_worker` calls it in a loop): claim what is due, send it, record how
it went. docs/algorithms/outbox.md states the rules; ARCHITECTURE.md, "Notifications".

Delivery guarantee. Each message is claimed by exactly one worker at a time (a
compare-and-swap on its status) and marked sent right after its channel accepts it,
so it is sent once — with one exception. A claim is a lease of seconds (CLAIM_LEASE),
renewed by its worker between sends (a heartbeat): if a worker stops between taking a
message and recording the outcome (killed, machine lost, a send hanging past the
lease), another worker takes it over once the lease has run out and sends it again.
If the first worker had in fact handed it to the mail server, the patient gets it
twice. That is deliberate: the alternative is to never retry a message whose fate is
unknown, and a patient who never hears their appointment is booked, moved or cancelled
is worse off than one who hears it twice. The window is the one message in flight
when the worker died, and both copies carry the same Message-ID (transports/email.py)
and idempotency key (OutboxMessage.idempotency_key), so mail programs and providers
can tell them for one.

Two clocks. Whether a message is due, and when it was sent or is tried again, is
business time: the `now` the caller passes in, so tests can pin it. Whether a lease
has run out is decided by the database's clock alone (Now(): PostgreSQL's
statement_timestamp(), SQLite's 'now' in UTC), when a claim is made, renewed and
released, so workers on machines whose clocks disagree never take each other's live
claims over; a worker measures only durations itself (when to renew), on its
monotonic clock.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from itertools import groupby

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from rehabdesk.core import database
from rehabdesk.notifications.choices import DeliveryStatus, MessageChannel, MessageStatus
from rehabdesk.notifications.models import LAST_ERROR_MAX_LENGTH, OutboxMessage
from rehabdesk.notifications.rendering import render_message
from rehabdesk.notifications.transports import PermanentDeliveryError, Send, transport_for

logger = logging.getLogger(__name__)

# Tries per message before the worker gives up and leaves it failed for the front desk.
MAX_ATTEMPTS = 8
# Waits between tries: 1, 2, 4 … minutes, never more than an hour (8 tries span ~2 h).
FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)
# How long a claim protects a message unless its worker renews it, by the database's
# clock. Past it, the worker is presumed gone and another may take the message over
# (and perhaps send it twice: see the module docstring). Short, so a dead worker's
# messages go out within a minute (a lease, plus a round of the next worker).
CLAIM_LEASE = timedelta(seconds=30)
# A worker renews the leases it holds whenever this share of the lease has passed
# since the last renewal, between two sends: a single send may then take up to two
# thirds of the lease before another worker could take the rest over.
RENEW_FRACTION = 1 / 3
# A round stops sending after this much real time and puts the rest back, so one slow
# channel does not keep a batch from the other workers for long.
SEND_BUDGET_SECONDS = 60.0
# Whether PostgreSQL's FOR UPDATE SKIP LOCKED spreads a batch over the workers
# (correctness never depends on it: the claim is a compare-and-swap either way).
USE_SKIP_LOCKED = True

_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_RELATED_TYPE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
_STALE_CLAIM_ERROR = (
    "The worker stopped before recording whether the message went; it was taken over."
)


def message_enqueue(
    *,
    channel: MessageChannel | str,
    kind: str,
    recipient: str,
    template: str,
    context: Mapping[str, object],
    related_type: str = "",
    related_id: str | int = "",
    dedupe_key: str = "",
    calendar: str = "",
    attachment: tuple[str, bytes] | None = None,
    now: datetime,
) -> OutboxMessage:
    """Queue one message: render notifications/<template>_subject.txt, <template>.txt
    and <template>.html with `context` now, and write one outbox row.

    The row is written in the caller's transaction, with no on_commit: if the caller
    rolls back, the message never existed; once it commits, the worker will send it.

    `dedupe_key` names the logical message ("booking_confirmation:42"): asking again
    under a key already on file writes nothing and returns the row on file — the first
    request wins, even when two transactions race (a unique constraint, tried inside
    a savepoint so the caller's transaction carries on). Empty means no deduplication.
    Returns the row: the one just written, or the one already on file under
    `dedupe_key`; never None.

    `calendar` is an iCalendar file (text, with a METHOD) stored with the message; the
    e-mail transport attaches it as text/calendar, other channels ignore it.
    `attachment` is a file (name, bytes) stored with the message, a receipt's PDF: the
    e-mail transport attaches it under that name, typed by its extension.

    An address the channel cannot use (none, or malformed) is not an error: the row
    is stored as failed at once, with the reason, for the front desk to see — the
    booking that asked for it still goes ahead. A malformed call (unknown channel,
    kind or template, a name the template uses missing from `context`, an over-long
    subject, a naive `now`) is a programming error and raises ValueError.
    """
    _require_aware(now)
    channel = MessageChannel(channel)
    if not _SLUG.fullmatch(kind) or len(kind) > 40:
        raise ValueError(f"kind is a lower-case slug of at most 40 characters, not {kind!r}")
    related_id = str(related_id)
    if related_type and (not _RELATED_TYPE.fullmatch(related_type) or len(related_type) > 60):
        raise ValueError(f'related_type reads "app_label.thing" (≤ 60), not {related_type!r}')
    if related_id and not related_type:
        raise ValueError("related_id needs a related_type")
    if len(related_id) > 64:
        raise ValueError("related_id is longer than 64 characters")
    if len(dedupe_key) > 200:
        raise ValueError("dedupe_key is longer than 200 characters")
    name, data = attachment or ("", b"")
    if bool(name) != bool(data) or len(name) > 100 or "/" in name:
        raise ValueError("an attachment is a file name of at most 100 characters and its bytes")
    rendered = render_message(template, context)
    recipient = recipient.strip()
    problem = transport_for(channel).recipient_problem(recipient)
    message = OutboxMessage(
        channel=channel,
        kind=kind,
        recipient=recipient[:254],
        # From the clinic the message is signed by, not from the software.
        sender_name=" ".join(str(context.get("clinic_name") or "").split())[:120],
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        calendar=calendar,
        attachment_name=name,
        attachment=data,
        related_type=related_type,
        related_id=related_id,
        dedupe_key=dedupe_key,
        status=MessageStatus.FAILED if problem else MessageStatus.PENDING,
        last_error=problem,
        available_at=now,
        created_at=now,
    )
    if not dedupe_key:
        message.save(force_insert=True)
        return message
    try:
        # A savepoint inside the caller's transaction: a duplicate undoes only this
        # INSERT (PostgreSQL would otherwise refuse the rest of the transaction).
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # The other request's row is committed: PostgreSQL made this INSERT wait for
        # its transaction to end, and SQLite runs one writer at a time.
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is None:
            raise
        return existing
    return message


def messages_withdraw(
    *, related_type: str, related_ids: list[int] | list[str], kinds: list[str], now: datetime
) -> int:
    """Withdraw the messages of these kinds about these rows that no worker has taken yet
    (a reminder of a visit cancelled or moved meanwhile), in the caller's transaction.
    One a worker is sending at this moment still goes: withdrawing never waits for a
    send. Returns how many were withdrawn."""
    _require_aware(now)
    return OutboxMessage.objects.filter(
        status=MessageStatus.PENDING,
        related_type=related_type,
        related_id__in=[str(pk) for pk in related_ids],
        kind__in=kinds,
    ).update(status=MessageStatus.WITHDRAWN, last_error="Withdrawn before sending.")


@dataclass(frozen=True)
class DeliveryReport:
    """What one round of the worker did."""

    claimed: int = 0  # taken up to send
    sent: int = 0  # accepted by their channel
    retrying: int = 0  # not sent; will be tried again after a wait
    failed: int = 0  # given up on (too many tries, or refused for good)
    released: int = 0  # other workers' lapsed claims put back to be sent
    lapsed: int = 0  # our own claims taken over before we recorded the outcome
    deferred: int = 0  # claimed but put back unsent: the round ran out of time

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __str__(self) -> str:
        parts = [f"{getattr(self, f.name)} {f.name}" for f in fields(self) if getattr(self, f.name)]
        return ", ".join(parts) or "nothing to do"


def deliver_due(
    *, now: datetime, worker: str, batch: int = 20, lease: timedelta = CLAIM_LEASE
) -> DeliveryReport:
    """One round of the worker: put back lapsed claims, claim up to `batch` due
    messages for `lease`, send each through its channel's transport, renewing the lease
    of those still to send as it goes, and record the outcome.

    Any number of workers, threads or processes, may run this at once against SQLite
    or PostgreSQL: each message is claimed by one of them only. Sent messages are
    marked sent with `now` as their time; a failed try waits retry_delay(attempts)
    before the next, and after MAX_ATTEMPTS tries the message is failed for good.
    `now` is business time (what is due, when it went); leases run on the database's
    clock (the module docstring).

    Call it outside any transaction: claims must be visible to the other workers as
    soon as they are made, and a sent message must stay marked sent.
    """
    _require_aware(now)
    if not worker or len(worker) > 100:
        raise ValueError("a worker is named by 1 to 100 characters")
    if batch < 1:
        raise ValueError("batch is at least 1")
    if lease < timedelta(seconds=1):
        raise ValueError("a lease is at least a second")
    released, gave_up = _release_lapsed_claims(now=now, limit=batch)
    report = DeliveryReport(released=released, failed=gave_up)
    claim = _claim(now=now, worker=worker, batch=batch, lease=lease)
    if claim is None:
        return report
    messages = list(claim.mine().order_by("channel", "available_at", "pk"))
    claim.held = {message.pk for message in messages}
    outcomes = [_send_one(message, claim, now=now) for message in _in_sessions(messages)]
    return report + DeliveryReport(
        claimed=len(messages),
        **{
            name: outcomes.count(name)
            for name in ("sent", "retrying", "failed", "lapsed", "deferred")
        },
    )


class _Claim:
    """The messages one worker took in one round, under one random token, and the
    heartbeat that keeps their lease: renewed between sends, on the database's clock,
    whenever RENEW_FRACTION of the lease has passed (timed on this machine's monotonic
    clock, which measures a duration and is never compared with the database's)."""

    def __init__(self, *, worker: str, token: str, lease: timedelta) -> None:
        self.worker, self.token, self.lease = worker, token, lease
        self.started = self.renewed = time.monotonic()
        self.held: set[int] = set()  # claimed, not yet taken up to send
        self.tried = 0

    def mine(self) -> QuerySet[OutboxMessage]:
        """The rows this claim still holds: another worker's takeover changes the token."""
        return OutboxMessage.objects.filter(
            status=MessageStatus.SENDING, claimed_by=self.worker, claim_token=self.token
        )

    def keeps(self, message: OutboxMessage) -> bool:
        """Renew the lease if it is time; whether `message` is still this claim's."""
        if time.monotonic() - self.renewed >= self.lease.total_seconds() * RENEW_FRACTION:
            self.renewed = time.monotonic()  # before the UPDATE: never later than it
            held = self.mine().filter(pk__in=self.held)
            if held.update(lease_until=lease_end(self.lease)) < len(self.held):
                self.held = set(held.values_list("pk", flat=True))
        return message.pk in self.held

    def done(self, message: OutboxMessage) -> None:
        self.held.discard(message.pk)


def _in_sessions(messages: list[OutboxMessage]) -> Iterator[tuple[OutboxMessage, Send]]:
    """Each message with the send of its channel's session (one per channel)."""
    for channel, group in groupby(messages, key=lambda message: message.channel):
        with transport_for(channel).session() as send:
            for message in group:
                yield message, send


def _send_one(sending: tuple[OutboxMessage, Send], claim: _Claim, *, now: datetime) -> str:
    message, send = sending
    if not claim.keeps(message):
        logger.warning("Outbox message %s: the claim of %s lapsed", message.pk, claim.worker)
        return "lapsed"
    claim.done(message)
    if claim.tried and time.monotonic() - claim.started > SEND_BUDGET_SECONDS:
        return _put_back(message, claim)
    claim.tried += 1
    try:
        provider_id = send(message)
    except PermanentDeliveryError as error:
        return _record_failure(message, error, claim, now=now, final=True)
    except Exception as error:
        return _record_failure(message, error, claim, now=now)
    return _record_sent(message, claim, now=now, provider_id=provider_id or "")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th try failed: 1, 2, 4 … minutes, at most
    an hour."""
    return min(FIRST_RETRY_DELAY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY_DELAY)


def default_worker_name() -> str:
    """host:pid — enough to tell the workers apart in the outbox and the logs."""
    return f"{socket.gethostname()}:{os.getpid()}"[-100:]


def lease_end(lease: timedelta) -> ExpressionWrapper:
    """When a lease taken or renewed now runs out, by the database's clock: the
    database computes it in the UPDATE that writes it. (SQLite keeps instants as text,
    'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, and Django's Now() there is the same text to
    the millisecond, so the two compare correctly as text.)"""
    return ExpressionWrapper(Now() + lease, output_field=DateTimeField())


def _claim(*, now: datetime, worker: str, batch: int, lease: timedelta) -> _Claim | None:
    """Claim up to `batch` due messages, oldest first, under a new token; None when
    nothing was due or every candidate went to another worker first.

    The claim is a compare-and-swap: UPDATE … WHERE id IN (…) AND status = 'pending'
    AND available_at <= now changes each row for exactly one worker, however many try
    at once, on either database; the token then tells which rows this one got. The
    first read takes no lock, so an idle worker never takes SQLite's write lock. On
    PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED inside a short
    transaction, so concurrent workers pick different rows instead of racing for the
    same ones.
    """
    due = OutboxMessage.objects.filter(
        status=MessageStatus.PENDING, available_at__lte=now
    ).order_by("available_at", "pk")
    if not due.exists():
        return None
    claim = _Claim(worker=worker, token=secrets.token_hex(16), lease=lease)
    with transaction.atomic():
        pick = due
        if USE_SKIP_LOCKED and database.skips_locked_rows():
            pick = due.select_for_update(skip_locked=True)
        candidates = list(pick.values_list("pk", flat=True)[:batch])
        taken = due.filter(pk__in=candidates).update(
            status=MessageStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            claim_token=claim.token,
            lease_until=lease_end(lease),
            attempts=F("attempts") + 1,
        )
    return claim if taken else None


def _yours(message: OutboxMessage, claim: _Claim) -> Q:
    """The row is still held by this claim: this worker, this round's token."""
    return Q(
        pk=message.pk,
        status=MessageStatus.SENDING,
        claimed_by=claim.worker,
        claim_token=claim.token,
    )


_UNLEASED = {"claim_token": "", "lease_until": None}


def _record_sent(
    message: OutboxMessage, claim: _Claim, *, now: datetime, provider_id: str = ""
) -> str:
    # Also when the lease lapsed and the row was put back but nobody has taken it
    # again: it is then no one's, and marking it sent spares the patient a second copy.
    # A row another claim holds is never touched.
    marked = (
        OutboxMessage.objects.filter(
            _yours(message, claim) | Q(pk=message.pk, status=MessageStatus.PENDING)
        ).update(
            status=MessageStatus.SENT,
            sent_at=now,
            provider_id=provider_id[:64],
            claimed_by=claim.worker,
            claimed_at=now,
            **_UNLEASED,
        )
        == 1
    )
    if marked:
        return "sent"
    logger.warning(
        "Outbox message %s was sent by %s after its claim had lapsed; another worker "
        "took it over and may send it again.",
        message.pk,
        claim.worker,
    )
    return "lapsed"


def _record_failure(
    message: OutboxMessage,
    error: Exception,
    claim: _Claim,
    *,
    now: datetime,
    final: bool = False,
) -> str:
    attempts = message.attempts  # as claimed, this try included
    give_up = final or attempts >= MAX_ATTEMPTS
    logger.warning(
        "Outbox message %s not sent (try %s of %s%s): %s",
        message.pk,
        attempts,
        MAX_ATTEMPTS,
        ", giving up" if give_up else "",
        type(error).__name__,
        exc_info=not isinstance(error, OSError),
    )
    recorded = OutboxMessage.objects.filter(_yours(message, claim)).update(
        status=MessageStatus.FAILED if give_up else MessageStatus.PENDING,
        available_at=now if give_up else now + retry_delay(attempts),
        claimed_by="",
        claimed_at=None,
        last_error=describe_error(error),
        **_UNLEASED,
    )
    if not recorded:
        return "lapsed"
    return "failed" if give_up else "retrying"


def _put_back(message: OutboxMessage, claim: _Claim) -> str:
    """Return a claimed message unsent and untried, due as it was."""
    OutboxMessage.objects.filter(_yours(message, claim)).update(
        status=MessageStatus.PENDING,
        claimed_by="",
        claimed_at=None,
        attempts=F("attempts") - 1,
        **_UNLEASED,
    )
    return "deferred"


def _release_lapsed_claims(*, now: datetime, limit: int) -> tuple[int, int]:
    """Put back messages whose lease has run out by the database's clock: due at once
    (`now`), or failed if that was their last try. (released, given up)"""
    lapsed = OutboxMessage.objects.filter(status=MessageStatus.SENDING, lease_until__lt=Now())
    released = gave_up = 0
    for pk, attempts, worker, token in lapsed.values_list(
        "pk", "attempts", "claimed_by", "claim_token"
    )[:limit]:
        give_up = attempts >= MAX_ATTEMPTS
        # Compare-and-swap again, the lease checked anew: only one worker puts each
        # lapsed claim back, and never one its worker renewed meanwhile.
        if lapsed.filter(pk=pk, claim_token=token).update(
            status=MessageStatus.FAILED if give_up else MessageStatus.PENDING,
            available_at=now,
            claimed_by="",
            claimed_at=None,
            last_error=_STALE_CLAIM_ERROR,
            **_UNLEASED,
        ):
            logger.warning("Outbox message %s: the claim of %s lapsed; put back", pk, worker)
            gave_up += give_up
            released += not give_up
    return released, gave_up


def describe_error(error: BaseException) -> str:
    """The error's kind and message on one line, short: never the message content
    (transports do not put it in their errors)."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:LAST_ERROR_MAX_LENGTH]


def _require_aware(now: datetime) -> None:
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")


def message_delivery_report(
    *, provider_id: str, status: str, now: datetime, idempotency_key: str = ""
) -> bool:
    """Record what the provider reports of a sent message (Twilio's status callback):
    delivered, undelivered or failed. Reports on the way there (queued, sent …) change
    nothing, so one arriving late never hides the final one. When the report names an
    outbox row by its idempotency key too, it must be the row with that provider id.
    Whether a row took the report."""
    _require_aware(now)
    if status not in FINAL_DELIVERY_STATUSES or not provider_id or len(provider_id) > 64:
        return False
    rows = OutboxMessage.objects.filter(provider_id=provider_id, status=MessageStatus.SENT)
    if idempotency_key:
        match = _IDEMPOTENCY_KEY.fullmatch(idempotency_key)
        if match is None:
            return False
        rows = rows.filter(pk=int(match.group(1)))
    return bool(rows.update(delivery_status=status, delivery_reported_at=now))


FINAL_DELIVERY_STATUSES = frozenset(DeliveryStatus.values) - {DeliveryStatus.UNKNOWN}
_IDEMPOTENCY_KEY = re.compile(r"outbox-([0-9]{1,18})-[0-9]{1,12}")
