from django.db import models


class MessageChannel(models.TextChoices):
    """How a message reaches the patient. Each channel has one transport
    (transports/__init__.py)."""

    EMAIL = "email", "E-mail"
    # A signed POST to a webhook endpoint (rehabdesk/webhooks, docs/webhooks.md): the
    # recipient is the endpoint's id, the body its JSON; its transport is registered by
    # the webhooks app, which sits above this one.
    WEBHOOK = "webhook", "Webhook"
    SMS = "sms", "Text message"


class DeliveryStatus(models.TextChoices):
    """What the provider later reports of a sent message (text messages: Twilio's
    status callback). Empty until a report arrives, and for channels without reports."""

    UNKNOWN = "", "No report"
    DELIVERED = "delivered", "Delivered to the phone"
    UNDELIVERED = "undelivered", "Not delivered (the carrier gave up)"
    FAILED = "failed", "Not delivered (the provider refused it)"


class MessageStatus(models.TextChoices):
    """Where a message is on its way to the patient.

    pending -> sending -> sent, or back to pending to try again later, or failed once
    the worker has given up. Failed messages are kept for the front desk to follow up.
    A pending message no longer true before it went (a reminder of a visit cancelled
    meanwhile) is withdrawn, and kept as such.
    """

    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not delivered (gave up)"
    WITHDRAWN = "withdrawn", "Withdrawn before sending"
