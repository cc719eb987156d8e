"""The outbox: every message the clinic owes a patient, from the moment it is owed.

A booking, a change or a cancellation writes its message here in the same transaction
as the change itself (`services.message_enqueue`), so a booking that rolls back never
sends a confirmation, and a booking that commits never loses one. A separate worker
(`services.deliver_due`, run by `manage.py run_worker`) sends what is due and records
the outcome on the row.

Notifications depend on no domain app: what a message is about is kept as plain text
("scheduling.appointment", "42"), like the audit trail does.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from rehabdesk.notifications.choices import DeliveryStatus, MessageChannel, MessageStatus

# Subjects show on lock screens and in shared inboxes: short, and never health detail.
SUBJECT_MAX_LENGTH = 100
# What we keep of a delivery error: enough to diagnose, never the message itself.
LAST_ERROR_MAX_LENGTH = 200


# The statuses of a message no worker holds: waiting, given up on, or withdrawn.
IDLE_STATUSES = [MessageStatus.PENDING, MessageStatus.FAILED, MessageStatus.WITHDRAWN]


class OutboxMessage(models.Model):
    """One message to one patient (or whoever books for them), written when the clinic
    decides to send it and kept afterwards as the record that it went.

    The text is rendered when the message is written, so it says what was true at
    that moment: a confirmation sent after a retry still shows the time that was
    booked. Messages are never deleted; those the worker gave up on stay `failed` so
    the front desk can phone the patient instead.
    """

    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    kind = models.CharField(
        max_length=40, help_text='What the message is for, e.g. "booking_confirmation".'
    )
    recipient = models.CharField(
        max_length=254, help_text="The address on the channel: an e-mail address for e-mail."
    )
    sender_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Whom the message is from, as mail programs show it: the clinic's name "
        "it is signed with. Empty for the address's own name (DEFAULT_FROM_EMAIL).",
    )
    subject = models.CharField(
        max_length=SUBJECT_MAX_LENGTH,
        help_text="Short and free of health detail: it shows on lock screens.",
    )
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    calendar = models.TextField(
        blank=True,
        help_text="An iCalendar (.ics) file to go with the message, made when it was "
        "queued; empty for none. A channel that cannot carry one ignores it.",
    )
    attachment_name = models.CharField(
        max_length=100,
        blank=True,
        help_text='A file to go with the message, e.g. "receipt-000123.pdf": its name, whose '
        "extension says its type; empty for none.",
    )
    attachment = models.BinaryField(
        blank=True,
        default=b"",
        help_text="The file's bytes, made when the message was queued (a receipt's PDF). "
        "A channel that cannot carry a file ignores it.",
    )
    related_type = models.CharField(
        max_length=60,
        blank=True,
        help_text='What the message is about, e.g. "scheduling.appointment".',
    )
    related_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="The same logical message asked for twice is stored once: the first "
        "request under a key wins. Empty for no deduplication.",
    )
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has taken the message up to send it."
    )
    available_at = models.DateTimeField(help_text="Not to be tried before this time.")
    claimed_by = models.CharField(
        max_length=100, blank=True, help_text="The worker sending it, or that sent it."
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker took it up, by the worker's clock."
    )
    claim_token = models.CharField(
        max_length=32,
        blank=True,
        help_text="Which claim holds it while it is being sent: a random value per round "
        "of a worker, so an outcome is recorded only by the claim still holding it.",
    )
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While it is being sent: when the claim runs out unless the worker "
        "renews it, by the database's clock. Past it, any worker may take it over.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(
        max_length=LAST_ERROR_MAX_LENGTH,
        blank=True,
        help_text="Why the last try failed; never the message content.",
    )
    provider_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The provider's own id for the message once it took it (Twilio's "
        '"SM…"), which its delivery reports name. Empty for e-mail.',
    )
    delivery_status = models.CharField(
        max_length=12,
        choices=DeliveryStatus.choices,
        blank=True,
        help_text="What the provider last reported after sending: delivered, undelivered "
        "or failed; empty until it reports.",
    )
    delivery_reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The worker's question: which pending messages are due?
            models.Index(fields=["status", "available_at"], name="notifications_outbox_due"),
            models.Index(fields=["related_type", "related_id"], name="notifications_outbox_about"),
            # A delivery report's question: which message is this provider id?
            models.Index(
                fields=["provider_id"],
                condition=~Q(provider_id=""),
                name="notifications_outbox_provider",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_outbox_dedupe_once",
                violation_error_message="This message has already been queued.",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=MessageChannel.values),
                name="notifications_outbox_channel_known",
                violation_error_message="Unknown channel.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values),
                name="notifications_outbox_status_known",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=""),
                name="notifications_outbox_kind_named",
                violation_error_message="A message needs a kind.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("subject"), SUBJECT_MAX_LENGTH),
                name="notifications_outbox_subject_short",
                violation_error_message=f"A subject is at most {SUBJECT_MAX_LENGTH} characters.",
            ),
            models.CheckConstraint(
                condition=Q(related_id="") | ~Q(related_type=""),
                name="notifications_outbox_related_typed",
                violation_error_message="An id of what the message is about needs its type.",
            ),
            # A message being sent belongs to exactly one worker, since a known time.
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENDING)
                | (Q(claimed_at__isnull=False) & ~Q(claimed_by="")),
                name="notifications_outbox_sending_claimed",
                violation_error_message="A message being sent names its worker and time.",
            ),
            # One waiting to be tried, or given up on, belongs to no worker.
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        MessageStatus.PENDING,
                        MessageStatus.FAILED,
                        MessageStatus.WITHDRAWN,
                    ]
                )
                | (Q(claimed_at__isnull=True) & Q(claimed_by="")),
                name="notifications_outbox_idle_unclaimed",
                violation_error_message="A message not being sent belongs to no worker.",
            ),
            # A message being sent, and only one, is held by a claim until a known time.
            models.CheckConstraint(
                condition=(
                    Q(status=MessageStatus.SENDING)
                    & Q(lease_until__isnull=False)
                    & ~Q(claim_token="")
                )
                | (
                    ~Q(status=MessageStatus.SENDING)
                    & Q(lease_until__isnull=True)
                    & Q(claim_token="")
                ),
                name="notifications_outbox_sending_leased",
                violation_error_message="A message being sent is leased; no other is.",
            ),
            models.CheckConstraint(
                condition=Q(delivery_status__in=DeliveryStatus.values),
                name="notifications_outbox_delivery_known",
                violation_error_message="Unknown delivery status.",
            ),
            # Sent, and only sent, messages say when they went.
            models.CheckConstraint(
                condition=(Q(status=MessageStatus.SENT) & Q(sent_at__isnull=False))
                | (~Q(status=MessageStatus.SENT) & Q(sent_at__isnull=True)),
                name="notifications_outbox_sent_dated",
                violation_error_message="A sent message has a sending time; no other has.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        """The same on every try at sending this message, and on no other message: what a
        channel hands its provider so that a second try after a crash is recognised as
        the same message (an SMS provider's or a webhook's idempotency key; the e-mail's
        Message-ID is made from the same two facts)."""
        return f"outbox-{self.pk}-{int(self.created_at.timestamp())}"
