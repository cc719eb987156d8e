"""What online booking keeps beyond the booking itself: one-time codes sent by e-mail,
and the counters of the rate limits that keep the booking pages from being abused."""

from __future__ import annotations

from django.db import models


class OneTimeCode(models.Model):
    """A six-digit code e-mailed to prove the visitor booking online reads that mailbox,
    before anyone is matched or registered. Only its hash is stored; it expires, and
    allows a few attempts only."""

    class Purpose(models.TextChoices):
        BOOKING = "booking", "Online booking"

    email = models.EmailField()
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} code"


class RateCount(models.Model):
    """How many times `key` (an action and a client address or e-mail, hashed) was
    done in the window starting at `window_start`."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="online_rate_one_row")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.count} since {self.window_start:%Y-%m-%d %H:%M}"


class CspViolation(models.Model):
    """How many times, on one day (UTC), browsers told us our Content-Security-Policy
    blocked something: the directive that blocked it, where the blocked thing came from
    (an origin, scheme and host only, or a keyword such as `inline`) and the page it
    happened on, by its route's name. Never a path, a query or the report itself, so
    nothing here can name a patient (docs/decisions/0008-security-headers.md)."""

    day = models.DateField()
    directive = models.CharField(max_length=40)
    blocked = models.CharField(max_length=120)
    route = models.CharField(max_length=80)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "directive", "blocked", "route"], name="online_csp_one_row"
            )
        ]
        verbose_name = "content policy violation (per day)"
        verbose_name_plural = "content policy violations (per day)"

    def __str__(self) -> str:
        return f"{self.directive} blocked {self.blocked} on {self.route}, {self.day}"
