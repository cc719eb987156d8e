"""The answer to a sign-in refused for too many failures (settings.AXES_LOCKOUT_CALLABLE,
called by axes' middleware in place of the page that was going to answer).

The same answer whether the account exists, and whether the account's count or the
address's is full: it says how to get in again, never which count, nor whose.
The API answers JSON with the refusal's code, as every API refusal does.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from rehabdesk.access.refusals import http_status
from rehabdesk.accounts.errors import AccountsErrorCode
from rehabdesk.accounts.throttle import cool_off

CODE = AccountsErrorCode.SIGN_IN_LOCKED


def minutes() -> int:
    return max(1, math.ceil(cool_off().total_seconds() / 60))


def detail() -> str:
    return (
        "Too many sign-in attempts failed for this account or from this connection. "
        f"Please try again in {minutes()} minutes, or call the clinic to have it unlocked."
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    status = http_status(CODE)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": str(CODE), "detail": detail(), "field": None}, status=status
        )
    else:
        response = render(request, "web/sign_in_locked.html", {"minutes": minutes()}, status=status)
    response["Retry-After"] = str(int(cool_off().total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
