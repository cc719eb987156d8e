"""What a transport is: the one part of the outbox that knows how a channel reaches
people. The worker (services.deliver_due) claims, retries and records; a transport
only checks addresses and sends."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rehabdesk.notifications.models import OutboxMessage

# Sends one message; returns once the channel has accepted it, raises if it has not.
# What it returns is the provider's own id for the message (Twilio's "SM…"), kept on the
# row so the provider's later delivery reports find it; None when there is none.
Send = Callable[["OutboxMessage"], "str | None"]


class DeliveryError(Exception):
    """The channel did not take the message; trying again later may work."""


class PermanentDeliveryError(DeliveryError):
    """The channel refused the message for good (e.g. the mail server says the address
    does not exist): the worker gives up at once instead of retrying."""


class Transport(Protocol):
    def recipient_problem(self, recipient: str) -> str:
        """Why this address cannot be used on the channel, for the front desk to read;
        empty when it can. A message to an unusable address is stored as failed rather
        than refused, so the booking that asked for it still goes ahead."""
        ...

    def session(self) -> AbstractContextManager[Send]:
        """A sending session for one batch (one SMTP connection, say).

        Entering it must not fail; `send` raises instead, per message, so each message
        gets its own outcome. Any exception from `send` means "not sent, try again";
        PermanentDeliveryError means "not sent, give up".

        A message may be sent again after a worker dies mid-send (services' docstring):
        a channel whose provider deduplicates (an SMS provider's idempotency key, a
        webhook's delivery id) hands it `message.idempotency_key`, the same on every
        try; e-mail's Message-ID is made from the same facts.
        """
        ...
