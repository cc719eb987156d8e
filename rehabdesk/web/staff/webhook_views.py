"""Webhooks (/staff/webhooks/): a manager (MANAGE_WEBHOOKS) registers endpoints and the
events they receive, sees each one's delivery log, sends a test event, turns an
endpoint off and back on, and replaces its signing secret. Registering and replacing
the secret ask for a recent sign-in (web/reauth.py); the secret is shown once, on the
answer to the form or the button (docs/webhooks.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.web.factor_views import user_of
from rehabdesk.web.reauth import recent_sign_in_required
from rehabdesk.web.staff.webhook_forms import EndpointForm
from rehabdesk.webhooks.errors import WebhookError
from rehabdesk.webhooks.models import WebhookEndpoint
from rehabdesk.webhooks.selectors import deliveries_recent, endpoint_found, endpoints_listed
from rehabdesk.webhooks.services import (
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_send_test,
    signing_secrets,
)


def _manager(request: HttpRequest) -> None:
    if not can(person_for(request.user), Capability.MANAGE_WEBHOOKS):
        raise PermissionDenied


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_found(endpoint_id=endpoint_id)
    if endpoint is None:
        raise Http404
    return endpoint


def _list(request: HttpRequest, form: EndpointForm | None = None) -> HttpResponse:
    return render(
        request,
        "web/webhooks/list.html",
        {"endpoints": endpoints_listed(), "form": form or EndpointForm()},
    )


@require_GET
@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return _list(request)


@require_POST
@login_required
@recent_sign_in_required
def webhook_create(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _list(request, form)
    try:
        created = endpoint_create(
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            event_types=form.cleaned_data["event_types"],
            actor=user_of(request),
            now=timezone.now(),
        )
    except WebhookError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _list(request, form)
    return render(request, "web/webhooks/created.html", {"created": created})


@require_GET
@login_required
def webhook(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    return render(
        request,
        "web/webhooks/detail.html",
        {
            "endpoint": endpoint,
            "deliveries": deliveries_recent(endpoint=endpoint),
            "both_sign": len(signing_secrets(endpoint, now=timezone.now())) > 1,
        },
    )


@require_POST
@login_required
def webhook_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    try:
        endpoint_send_test(endpoint=endpoint, actor=user_of(request), now=timezone.now())
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "A test event is on its way; its try shows below.")
    return redirect("staff-webhook", endpoint_id=endpoint.pk)


@require_POST
@login_required
def webhook_enable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    try:
        endpoint_enable(endpoint=endpoint, actor=user_of(request), now=timezone.now())
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Turned back on.")
    return redirect("staff-webhook", endpoint_id=endpoint.pk)


@require_POST
@login_required
def webhook_disable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    try:
        endpoint_disable(endpoint=endpoint, actor=user_of(request), now=timezone.now())
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Turned off: nothing more is sent to it.")
    return redirect("staff-webhook", endpoint_id=endpoint.pk)


@require_POST
@login_required
@recent_sign_in_required
def webhook_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    rotated = endpoint_secret_rotate(endpoint=endpoint, actor=user_of(request), now=timezone.now())
    return render(request, "web/webhooks/rotated.html", {"rotated": rotated})


urlpatterns: list[URLPattern] = [
    path("staff/webhooks/", webhooks, name="staff-webhooks"),
    path("staff/webhooks/new/", webhook_create, name="staff-webhook-create"),
    path("staff/webhooks/<int:endpoint_id>/", webhook, name="staff-webhook"),
    path("staff/webhooks/<int:endpoint_id>/test/", webhook_test, name="staff-webhook-test"),
    path("staff/webhooks/<int:endpoint_id>/enable/", webhook_enable, name="staff-webhook-enable"),
    path(
        "staff/webhooks/<int:endpoint_id>/disable/", webhook_disable, name="staff-webhook-disable"
    ),
    path("staff/webhooks/<int:endpoint_id>/rotate/", webhook_rotate, name="staff-webhook-rotate"),
]
