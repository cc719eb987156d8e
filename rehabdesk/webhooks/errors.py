from __future__ import annotations

from rehabdesk.webhooks.choices import WebhookErrorCode


class WebhookError(Exception):
    """A refused webhook change: a code to act on, a message to show, the form field."""

    def __init__(self, code: WebhookErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
