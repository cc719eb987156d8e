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


def transport_register(channel: MessageChannel, transport: Transport) -> None:
    """Give a channel its transport from an app above this one (the webhooks app's
    AppConfig.ready() registers the webhook channel's), which notifications may not
    import."""
    TRANSPORTS[channel] = transport


__all__ = [
    "TRANSPORTS",
    "DeliveryError",
    "PermanentDeliveryError",
    "Send",
    "Transport",
    "transport_for",
    "transport_register",
]
