from django.db import models


class WebhookEvent(models.TextChoices):
    """The events an endpoint may ask for (docs/webhooks.md lists each one's data)."""

    APPOINTMENT_BOOKED = "appointment.booked", "Appointment booked"
    APPOINTMENT_MOVED = "appointment.moved", "Appointment moved"
    APPOINTMENT_CANCELLED = "appointment.cancelled", "Appointment cancelled"
    APPOINTMENT_CHECKED_IN = "appointment.checked_in", "Patient checked in"
    APPOINTMENT_NO_SHOW = "appointment.no_show", "Marked no-show"
    PATIENT_CREATED = "patient.created", "Patient created"
    INVOICE_ISSUED = "invoice.issued", "Invoice issued"


# Sent by the "Send a test event" button only, whatever the endpoint asked for.
TEST_EVENT = "webhook.test"


class WebhookErrorCode(models.TextChoices):
    """Why a webhook change was refused."""

    URL_INVALID = "url_invalid", "Not a web address"
    URL_SCHEME = "url_scheme", "Not https"
    URL_CREDENTIALS = "url_credentials", "User name or password in the address"
    HOST_UNRESOLVED = "host_unresolved", "Host name not found"
    HOST_PRIVATE = "host_private", "Private, loopback or reserved address"
    NO_EVENTS = "no_events", "No events chosen"
    UNKNOWN_EVENT = "unknown_event", "Unknown event"
    NOT_DISABLED = "not_disabled", "Endpoint not disabled"
    DISABLED = "disabled", "Endpoint disabled"
