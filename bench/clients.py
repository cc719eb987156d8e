"""A staff member's browser for the page cases: signed in with the second factor, as
staff sign in (rehabdesk/testing/factors.py records it in the session the way
django-otp's own login does, with the known test key)."""

from __future__ import annotations

from django.test import Client

from rehabdesk.accounts.models import User
from rehabdesk.testing.factors import pass_second_factor


def staff_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return client
