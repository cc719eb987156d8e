"""Twilio's two calls to us, both POSTs of a form signed with X-Twilio-Signature
(notifications/twilio.py): /sms/status/, a sent message's delivery report, and
/sms/inbound/, a patient's reply ("C" confirms, "STOP" opts out;
scheduling/services/text_replies.py).

Anyone can reach these addresses, so a request whose signature does not verify against
TWILIO_AUTH_TOKEN is refused with 403 and changes nothing; the log says that one was
refused and where, never the number or the text. The URL signed is the one Twilio
called: SMS_PUBLIC_URL and the path when set (behind a proxy), else the address as the
request arrived. Both answer an empty TwiML document, which tells Twilio "no reply".
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rehabdesk.notifications.services import message_delivery_report
from rehabdesk.notifications.twilio import SIGNATURE_HEADER, signature_valid
from rehabdesk.scheduling.services.text_replies import text_reply_receive

logger = logging.getLogger(__name__)
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def signed_url(request: HttpRequest) -> str:
    if settings.SMS_PUBLIC_URL:
        return settings.SMS_PUBLIC_URL + request.get_full_path()
    return request.build_absolute_uri()


def verified(request: HttpRequest) -> bool:
    """Whether Twilio signed this request (a form POST) with our auth token."""
    if request.content_type != "application/x-www-form-urlencoded":
        return False
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    given = request.headers.get(SIGNATURE_HEADER, "")
    return signature_valid(signed_url(request), params, settings.TWILIO_AUTH_TOKEN, given)


def _refused(route: str) -> HttpResponse:
    logger.warning("Refused an unverified SMS provider call to %s", route)
    return HttpResponse(status=403)


def _twiml() -> HttpResponse:
    return HttpResponse(TWIML_EMPTY, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    if not verified(request):
        return _refused("sms-status")
    message_delivery_report(
        provider_id=request.POST.get("MessageSid", "")[:64],
        status=request.POST.get("MessageStatus", "")[:20],
        idempotency_key=request.GET.get("outbox", "")[:40],
        now=timezone.now(),
    )
    return _twiml()


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if not verified(request):
        return _refused("sms-inbound")
    text_reply_receive(
        from_number=request.POST.get("From", "")[:40],
        body=request.POST.get("Body", "")[:200],
        now=timezone.now(),
    )
    return _twiml()


urlpatterns: list[URLPattern] = [
    path("sms/status/", sms_status, name="sms-status"),
    path("sms/inbound/", sms_inbound, name="sms-inbound"),
]
