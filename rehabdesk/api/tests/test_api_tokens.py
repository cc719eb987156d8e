"""The JSON API with an API token: the token's person, through the same access
policy and audit trail as a session, within the token's scopes and rate."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from rehabdesk.accounts.roles import Role
from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.models import ApiToken
from rehabdesk.apitokens.services import api_token_create_application, api_token_revoke
from rehabdesk.apitokens.testing import bearer, personal_token
from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at
from rehabdesk.security.factors import factor_reset, sessions_end_everywhere

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: object) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def booking(world, start) -> dict:
    return {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": start.isoformat(),
    }


def book(world, start, **kwargs):
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


def prefix_of(text: str) -> str:
    return text.split("_")[1]


def test_a_token_books_as_its_person_without_a_session_or_csrf_and_the_trail_says_so(
    world, personas
):
    text = personal_token(personas.front_desk, Scope.BOOKING_WRITE)
    client = Client(enforce_csrf_checks=True)
    before_id = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    response = client.post(
        url("create_appointment"),
        json.dumps(booking(world, at(10, 10))),
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "staff"  # the desk's channel: it is the desk
    event = AuditEvent.objects.get(pk__gt=before_id, action="create")
    assert event.actor == personas.front_desk
    assert event.object_type == "scheduling.appointment"
    assert event.summary.endswith(f"(via API token {prefix_of(text)})")
    assert text.rsplit("_", 1)[-1][:12] not in event.summary


def test_a_session_post_still_needs_its_csrf_token(world, personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.front_desk)
    response = client.post(
        url("create_appointment"),
        json.dumps(booking(world, at(10, 10))),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")


def test_a_token_without_the_route_s_scope_gets_403_with_its_code(client, world, personas):
    text = personal_token(personas.front_desk, Scope.SCHEDULE_READ, Scope.PATIENTS_READ)
    response = client.post(
        url("create_appointment"),
        json.dumps(booking(world, at(10, 10))),
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_scope_missing"
    assert "booking:write" in response.json()["detail"]
    assert not world.patient.appointments.exists()


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired", "garbled", "empty"])
def test_an_unknown_revoked_or_expired_token_gets_401_token_invalid(client, world, personas, how):
    text = personal_token(personas.front_desk, expires_at=NOW + timedelta(days=1))
    token = ApiToken.objects.get()
    if how == "unknown":
        text = f"rhd_{'0' * 8}_{'A' * 43}"
    elif how == "revoked":
        api_token_revoke(token=token, actor=personas.manager, now=NOW)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            created_at=NOW - timedelta(days=30), expires_at=NOW
        )
    elif how == "garbled":
        text = text[:-1]
    else:
        text = ""
    response = client.get(url("changed_hours"), **bearer(text))
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_bad_token_is_not_rescued_by_a_session(client, world, personas):
    client.force_login(personas.front_desk)
    response = client.get(url("changed_hours"), **bearer("rhd_nonsense"))
    assert (response.status_code, response.json()["code"]) == (401, "token_invalid")


def test_without_a_token_or_a_session_it_is_401_sign_in_required(client, world):
    response = client.get(url("changed_hours"))
    assert (response.status_code, response.json()["code"]) == (401, "sign_in_required")


@override_settings(API_TOKEN_CALLS_PER_MINUTE=2)
def test_a_token_over_its_rate_gets_429_with_retry_after(client, world, personas):
    text = personal_token(personas.front_desk, Scope.SCHEDULE_READ)
    # The calls count in fixed minutes: the clock held, so that no minute turns between
    # the two calls allowed and the one refused.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        for _ in range(2):
            assert client.get(url("changed_hours"), **bearer(text)).status_code == 200
        response = client.get(url("changed_hours"), **bearer(text))
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_practitioner_s_token_reads_no_more_than_the_practitioner(client, world, personas):
    """The physio cares for patient A (an assignment), not for patient B; the massage
    therapist for neither."""
    physio = personal_token(personas.physio.user)
    massage = personal_token(personas.massage_therapist.user)
    appointment = book(world, at(10, 10))  # patient A with the physio

    own = client.get(url("attendance", patient_id=personas.patient_a.pk), **bearer(physio))
    assert own.status_code == 200
    other = client.get(url("attendance", patient_id=personas.patient_b.pk), **bearer(physio))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    seen = client.get(url("get_appointment", appointment_id=appointment.pk), **bearer(massage))
    assert seen.status_code == 404
    # Only the desk resolves changed hours, token or not.
    assert client.get(url("changed_hours"), **bearer(physio)).status_code == 404

    # Each refusal is on file, naming the person and the token they came with.
    denials = {
        (event.actor_id, event.summary.rsplit("(via ", 1)[-1])
        for event in AuditEvent.objects.filter(action="deny")
    }
    assert denials >= {
        (personas.physio.user.pk, f"API token {prefix_of(physio)})"),
        (personas.massage_therapist.user.pk, f"API token {prefix_of(massage)})"),
    }


def test_a_staff_session_without_its_second_factor_may_still_use_a_token(world, personas):
    text = personal_token(personas.front_desk, Scope.SCHEDULE_READ)
    unverified = Client()
    unverified.force_login(personas.front_desk)
    session = unverified.session
    session.pop(DEVICE_ID_SESSION_KEY)  # signed in with the password, no factor yet
    session.save()
    plain = unverified.get(url("changed_hours"))
    assert (plain.status_code, plain.json()["code"]) == (403, "second_factor_required")
    # The token alone decides: made after a sign-in with the factor, it needs none more.
    assert unverified.get(url("changed_hours"), **bearer(text)).status_code == 200
    # A made-up token never lets the half-signed-in session through in its place.
    for made_up in ("rhd_00000000_" + "A" * 43, "nonsense", ""):
        forged = unverified.get(url("changed_hours"), **bearer(made_up))
        assert (forged.status_code, forged.json()["code"]) == (401, "token_invalid"), made_up


def test_an_application_token_acts_with_its_role_and_stops_when_revoked(client, world, personas):
    issued = api_token_create_application(
        name="Front desk tablet",
        role=Role.FRONT_DESK,
        scopes=[Scope.SCHEDULE_READ],
        expires_at=None,
        actor=personas.manager,
        now=NOW,
    )
    assert client.get(url("changed_hours"), **bearer(issued.text)).status_code == 200
    assert client.get(url("list_waitlist"), **bearer(issued.text)).status_code == 200
    api_token_revoke(token=issued.token, actor=personas.manager, now=NOW)
    assert client.get(url("changed_hours"), **bearer(issued.text)).status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, world, personas):
    text = personal_token(personas.front_desk, Scope.SCHEDULE_READ)
    assert ApiToken.objects.get().last_used_at is None
    client.get(url("changed_hours"), **bearer(text))
    assert ApiToken.objects.get().last_used_at == timezone.now()


def test_public_routes_answer_whatever_token_is_sent(client, world):
    assert client.get(url("list_services"), **bearer("rhd_nonsense")).status_code == 200


@pytest.mark.parametrize("how", ["sign out everywhere", "factor reset"])
def test_signing_out_everywhere_or_a_factor_reset_ends_personal_tokens(
    client, world, personas, how
):
    """A lost laptop: "sign out everywhere" ends its tokens too, as does a manager's
    reset of the person's second factors."""
    text = personal_token(personas.front_desk, Scope.SCHEDULE_READ)
    assert client.get(url("changed_hours"), **bearer(text)).status_code == 200
    if how == "factor reset":
        factor_reset(actor=personas.manager, user=personas.front_desk, now=NOW)
    else:
        sessions_end_everywhere(user=personas.front_desk, now=NOW)
    assert client.get(url("changed_hours"), **bearer(text)).status_code == 401
