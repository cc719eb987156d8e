"""Writing to the outbox, and the worker that empties it.

`message_enqueue` is how any service asks for a message: it renders the text now and
writes one row in the caller's transaction. `deliver_due` is one round of the worker
(`manage.py run_worker` calls it in a loop): claim what is due, send it, record how
it went. docs: ARCHITECTURE.md, "Notifications".

Delivery guarantee. Each message is claimed by exactly one worker at a time (a
compare-and-swap on its status) and marked sent right after its channel accepts it,
so it is sent once — with one exception. A claim is a lease: if a worker stops
between taking a message and recording the outcome (killed, machine lost, a send
hanging past the lease), another worker takes it over once the lease has run out and
sends it again. If the first worker had in fact handed it to the mail server, the
patient gets it twice. That is deliberate: the alternative is to never retry a
message whose fate is unknown, and a patient who never hears their appointment is
booked, moved or cancelled is worse off than one who hears it twice. The window is
the few milliseconds between the mail server's "accepted" and our UPDATE, and both
copies carry the same Message-ID (transports/email.py), so mail programs can merge
them.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from itertools import groupby

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from rehabdesk.core import database
from rehabdesk.notifications.choices import MessageChannel, MessageStatus
from rehabdesk.notifications.models import LAST_ERROR_MAX_LENGTH, OutboxMessage
from rehabdesk.notifications.rendering import render_message
from rehabdesk.notifications.transports import PermanentDeliveryError, transport_for

logger = logging.getLogger(__name__)

# Tries per message before the worker gives up and leaves it failed for the front desk.
MAX_ATTEMPTS = 8
# Waits between tries: 1, 2, 4 … minutes, never more than an hour (8 tries span ~2 h).
FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)
# How long a claim protects a message. Past it, the worker is presumed gone and another
# may take the message over (and perhaps send it twice: see the module docstring).
CLAIM_LEASE = timedelta(minutes=10)
# A worker stops sending its batch after this much real time and puts the rest back,
# so it never sends a message whose lease may already have run out.
SEND_BUDGET_SECONDS = CLAIM_LEASE.total_seconds() / 2
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


def deliver_due(*, now: datetime, worker: str, batch: int = 20) -> DeliveryReport:
    """One round of the worker: put back lapsed claims, claim up to `batch` due
    messages, send each through its channel's transport and record the outcome.

    Any number of workers, threads or processes, may run this at once against SQLite
    or PostgreSQL: each message is claimed by one of them only. Sent messages are
    marked sent with `now` as their time; a failed try waits retry_delay(attempts)
    before the next, and after MAX_ATTEMPTS tries the message is failed for good.

    Call it outside any transaction: claims must be visible to the other workers as
    soon as they are made, and a sent message must stay marked sent.
    """
    _require_aware(now)
    if not worker or len(worker) > 100:
        raise ValueError("a worker is named by 1 to 100 characters")
    if batch < 1:
        raise ValueError("batch is at least 1")
    released, gave_up = _release_lapsed_claims(now=now, limit=batch)
    report = DeliveryReport(released=released, failed=gave_up)
    claimed = _claim(now=now, worker=worker, batch=batch)
    if not claimed:
        return report
    messages = OutboxMessage.objects.filter(pk__in=claimed).order_by(
        "channel", "available_at", "pk"
    )
    outcomes: list[str] = []
    started = time.monotonic()
    for channel, group in groupby(messages, key=lambda message: message.channel):
        with transport_for(channel).session() as send:
            for message in group:
                if outcomes and time.monotonic() - started > SEND_BUDGET_SECONDS:
                    outcomes.append(_put_back(message, worker=worker, now=now))
                    continue
                try:
                    send(message)
                except PermanentDeliveryError as error:
                    outcomes.append(
                        _record_failure(message, error, worker=worker, now=now, final=True)
                    )
                except Exception as error:
                    outcomes.append(_record_failure(message, error, worker=worker, now=now))
                else:
                    outcomes.append(_record_sent(message, worker=worker, now=now))
    return report + DeliveryReport(
        claimed=len(claimed),
        **{
            name: outcomes.count(name)
            for name in ("sent", "retrying", "failed", "lapsed", "deferred")
        },
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th try failed: 1, 2, 4 … minutes, at most
    an hour."""
    return min(FIRST_RETRY_DELAY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY_DELAY)


def default_worker_name() -> str:
    """host:pid — enough to tell the workers apart in the outbox and the logs."""
    return f"{socket.gethostname()}:{os.getpid()}"[-100:]


def _claim(*, now: datetime, worker: str, batch: int) -> list[int]:
    """Claim up to `batch` due messages, oldest first; the ids this worker now holds.

    Each claim is a compare-and-swap: UPDATE … WHERE id = ? AND status = 'pending' AND
    available_at <= now changes one row for exactly one worker, however many try at
    once, on either database. The first read takes no lock, so an idle worker never
    takes SQLite's write lock. On PostgreSQL the candidates are read FOR UPDATE SKIP
    LOCKED inside a short transaction, so concurrent workers pick different rows
    instead of racing for the same ones.
    """
    due = OutboxMessage.objects.filter(
        status=MessageStatus.PENDING, available_at__lte=now
    ).order_by("available_at", "pk")
    if not due.exists():
        return []
    if USE_SKIP_LOCKED and database.skips_locked_rows():
        with transaction.atomic():
            candidates = list(
                due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch]
            )
            return [pk for pk in candidates if _claim_one(pk, now=now, worker=worker)]
    candidates = list(due.values_list("pk", flat=True)[:batch])
    return [pk for pk in candidates if _claim_one(pk, now=now, worker=worker)]


def _claim_one(pk: int, *, now: datetime, worker: str) -> bool:
    return (
        OutboxMessage.objects.filter(
            pk=pk, status=MessageStatus.PENDING, available_at__lte=now
        ).update(
            status=MessageStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _yours(message: OutboxMessage, *, worker: str, now: datetime) -> Q:
    """The row is still this worker's claim from this round."""
    return Q(pk=message.pk, status=MessageStatus.SENDING, claimed_by=worker, claimed_at=now)


def _record_sent(message: OutboxMessage, *, worker: str, now: datetime) -> str:
    # Also when the claim lapsed and the row was put back but not yet taken again:
    # marking it sent then spares the patient a second copy.
    marked = (
        OutboxMessage.objects.filter(
            _yours(message, worker=worker, now=now) | Q(pk=message.pk, status=MessageStatus.PENDING)
        ).update(status=MessageStatus.SENT, sent_at=now, claimed_by=worker, claimed_at=now)
        == 1
    )
    if marked:
        return "sent"
    logger.warning(
        "Outbox message %s was sent by %s after its claim had lapsed; another worker "
        "took it over and may send it again.",
        message.pk,
        worker,
    )
    return "lapsed"


def _record_failure(
    message: OutboxMessage,
    error: Exception,
    *,
    worker: str,
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
    recorded = OutboxMessage.objects.filter(_yours(message, worker=worker, now=now)).update(
        status=MessageStatus.FAILED if give_up else MessageStatus.PENDING,
        available_at=now if give_up else now + retry_delay(attempts),
        claimed_by="",
        claimed_at=None,
        last_error=describe_error(error),
    )
    if not recorded:
        return "lapsed"
    return "failed" if give_up else "retrying"


def _put_back(message: OutboxMessage, *, worker: str, now: datetime) -> str:
    """Return a claimed message unsent and untried, due at once."""
    OutboxMessage.objects.filter(_yours(message, worker=worker, now=now)).update(
        status=MessageStatus.PENDING,
        claimed_by="",
        claimed_at=None,
        attempts=F("attempts") - 1,
    )
    return "deferred"


def _release_lapsed_claims(*, now: datetime, limit: int) -> tuple[int, int]:
    """Put back messages whose worker has held them longer than CLAIM_LEASE: due at
    once, or failed if that was their last try. (released, given up)"""
    cutoff = now - CLAIM_LEASE
    lapsed = OutboxMessage.objects.filter(status=MessageStatus.SENDING, claimed_at__lte=cutoff)
    released = gave_up = 0
    for pk, attempts, worker in lapsed.values_list("pk", "attempts", "claimed_by")[:limit]:
        give_up = attempts >= MAX_ATTEMPTS
        # Compare-and-swap again: only one worker puts each lapsed claim back.
        if lapsed.filter(pk=pk, attempts=attempts, claimed_by=worker).update(
            status=MessageStatus.FAILED if give_up else MessageStatus.PENDING,
            available_at=now,
            claimed_by="",
            claimed_at=None,
            last_error=_STALE_CLAIM_ERROR,
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
