"""Transports by channel. Adding a channel (text messages, say) is a module here with a
transport (see base.Transport), a member of choices.MessageChannel and a line below."""

from __future__ import annotations

from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.transports.base import (
    DeliveryError,
    PermanentDeliveryError,
    Send,
    Transport,
)
from rehabdesk.notifications.transports.email import EmailTransport
from rehabdesk.notifications.transports.sms import SmsTransport

TRANSPORTS: dict[str, Transport] = {
    MessageChannel.EMAIL: EmailTransport(),
    MessageChannel.SMS: SmsTransport(),
}


def transport_for(channel: str) -> Transport:
    """The transport that sends on this channel; KeyError for a channel without one."""
    return TRANSPORTS[channel]


__all__ = [
    "TRANSPORTS",
    "DeliveryError",
    "PermanentDeliveryError",
    "Send",
    "Transport",
    "transport_for",
]
