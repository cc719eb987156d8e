"""Staff sign in with two factors; patients with one. A staff session that has not
passed its second factor reaches nothing but the sign-in steps; passing it gives the
session a new id; a manager resets a colleague's factors (after confirming it is them,
audited); sign out everywhere and a change of roles end every session."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_set_roles
from rehabdesk.apitokens.services import api_token_create_application
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.security import factors
from rehabdesk.testing.factors import current_code, hold_otp_clock, staff_device
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web import sessions

START = reverse("start")
FACTOR = reverse("sign-in-factor")


def password_step(email: str) -> tuple[Client, str]:
    browser = Client()
    browser.get(reverse("sign-in"))
    response = browser.post(reverse("sign-in"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser, response["Location"]


def test_a_patient_signs_in_with_the_password_alone(personas):
    browser, landed = password_step(personas.patient_a.user.email)

    assert landed == START
    assert browser.get(reverse("my-family")).status_code == 200


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (reverse("desk-day"), 302),
        (reverse("patient-search"), 302),
        ("/admin/", 302),
        ("/api/catalogue/services", 403),
    ],
)
def test_before_the_second_factor_staff_reach_nothing_else(personas, path, expected):
    staff_device(personas.front_desk)
    browser, landed = password_step(personas.front_desk.email)
    assert landed == f"{FACTOR}?next=%2Fstart%2F"

    response = browser.get(path)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(FACTOR)
    else:
        assert response.json()["code"] == "second_factor_required"


def test_the_second_step_s_menu_offers_only_sign_out(personas):
    staff_device(personas.manager)
    browser, landed = password_step(personas.manager.email)

    page = browser.get(landed).text
    menu = page.split("<main", 1)[0]

    assert "Sign out" in menu
    for link in ("/admin/", reverse("registrations-expiring"), reverse("account-security")):
        assert f'href="{link}"' not in menu, link


def test_the_code_from_the_app_passes_the_second_factor_under_a_new_session_id(personas):
    device = staff_device(personas.front_desk)
    browser, landed = password_step(personas.front_desk.email)
    before = browser.cookies["sessionid"].value

    wrong = browser.post(landed, {"code": "000000" if current_code(device) != "000000" else "1"})
    assert wrong.status_code == 200
    assert "does not match" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # kept, though the step was refused

    device.throttle_reset()
    response = browser.post(landed, {"code": current_code(device)})

    assert response.status_code == 302
    assert response["Location"] == START
    assert browser.cookies["sessionid"].value != before
    assert browser.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert browser.get(reverse("desk-day")).status_code == 200


def test_a_recovery_code_works_once(personas):
    staff_device(personas.physio.user)
    enrolled = Client()
    enrolled.force_login(personas.physio.user)
    codes = re.findall(
        r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>",
        enrolled.post(reverse("recovery-codes-new"), follow=True).content.decode(),
    )
    assert len(codes) == 10

    first, landed = password_step(personas.physio.user.email)
    assert first.post(landed, {"code": codes[0].upper()}).status_code == 302
    again, landed = password_step(personas.physio.user.email)
    refused = again.post(landed, {"code": codes[0]})

    assert refused.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in again.session
    assert StaticDevice.objects.get(user=personas.physio.user).token_set.count() == 9


def test_the_right_code_typed_while_wrong_ones_are_throttled_is_told_to_wait(personas, monkeypatch):
    device = staff_device(personas.front_desk)
    browser, landed = password_step(personas.front_desk.email)
    move = hold_otp_clock(monkeypatch, timezone.now())
    device.throttling_failure_count = 6  # the next try waits 32 seconds
    device.throttling_failure_timestamp = move(0)
    device.save()

    refused = browser.post(landed, {"code": current_code(device)})

    page = refused.content.decode()
    assert refused.status_code == 200  # the form again, with its error
    assert re.search(r"Too many wrong codes\. Try again in 3[12] seconds\.", page)
    assert "does not match" not in page
    assert DEVICE_ID_SESSION_KEY not in browser.session
    move(32)
    assert browser.post(landed, {"code": current_code(device)})["Location"] == START


def test_enrolling_an_app_while_throttled_is_told_to_wait(personas, monkeypatch):
    user = personas.massage_therapist.user
    browser, landed = password_step(user.email)
    enrol = browser.get(landed, follow=True).redirect_chain[-1][0]
    move = hold_otp_clock(monkeypatch, timezone.now())
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    pending.throttling_failure_count = 7
    pending.throttling_failure_timestamp = move(0)
    pending.save()

    refused = browser.post(enrol, {"code": current_code(pending)})

    assert refused.status_code == 200
    assert re.search(
        r"Too many wrong codes\. Try again in 6[34] seconds\.", refused.content.decode()
    )
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed


def test_staff_without_a_factor_enrol_an_app_and_see_recovery_codes_once(personas):
    user = personas.massage_therapist.user
    browser, landed = password_step(user.email)
    response = browser.get(landed, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("factor-enrol"))
    assert "<svg" in page
    secret = re.search(r'class="secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    assert browser.get(reverse("desk-day"))["Location"].startswith(FACTOR)

    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    enrolled = browser.post(
        response.redirect_chain[-1][0], {"code": current_code(pending)}, follow=True
    )

    assert enrolled.redirect_chain[0][0].startswith(reverse("recovery-codes-shown"))
    assert (
        len(
            re.findall(
                r"<code>[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}</code>", enrolled.content.decode()
            )
        )
        == 10
    )
    assert browser.get(reverse("recovery-codes-shown")).status_code == 302  # shown once
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(
        actor=user, action=AuditAction.CHANGE, object_type="accounts.second_factor"
    ).exists()
    assert browser.get(START).status_code == 302
    assert browser.get(reverse("my-day")).status_code == 200


def test_a_manager_resets_a_colleague_s_factors_after_confirming_it_is_them(
    personas, monkeypatch, settings
):
    settings.REAUTH_MINUTES = 5
    colleague = personas.front_desk
    staff_device(colleague)
    theirs = Client()
    theirs.force_login(colleague)
    manager = Client()
    manager.force_login(personas.manager)
    assert colleague.email in manager.get(reverse("staff-security")).content.decode()

    later = sessions.clock() + 10 * 60  # the manager's confirmation is old by then
    monkeypatch.setattr(sessions, "clock", lambda: later)
    asked = manager.post(reverse("staff-factor-reset"), {"user_id": colleague.pk})
    assert asked["Location"].startswith(reverse("reauth"))
    assert TOTPDevice.objects.filter(user=colleague).exists()

    manager.post(reverse("reauth"), {"code": current_code(staff_device(personas.manager))})
    done = manager.post(reverse("staff-factor-reset"), {"user_id": colleague.pk})

    assert done["Location"] == reverse("staff-security")
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert theirs.get(reverse("desk-day"))["Location"].startswith(reverse("sign-in"))
    event = AuditEvent.objects.get(object_type="accounts.second_factor", object_id=colleague.pk)
    assert (event.actor_id, event.action) == (personas.manager.pk, AuditAction.CHANGE)


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_only_a_manager_resets_factors(personas, persona):
    browser = Client()
    browser.force_login(personas.user(persona))

    assert browser.get(reverse("staff-security")).status_code == 403
    refused = browser.post(reverse("staff-factor-reset"), {"user_id": personas.manager.pk})
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(object_type="accounts.second_factor").exists()


def test_a_manager_cannot_reset_their_own_factors_there(personas):
    manager = Client()
    manager.force_login(personas.manager)

    response = manager.post(reverse("staff-factor-reset"), {"user_id": personas.manager.pk})

    assert response.status_code == 200
    assert "your account" in response.content.decode()
    assert TOTPDevice.objects.filter(user=personas.manager).exists()


def test_sign_out_everywhere_ends_every_session_of_the_person(personas):
    phone, desk, other = Client(), Client(), Client()
    phone.force_login(personas.front_desk)
    desk.force_login(personas.front_desk)
    other.force_login(personas.manager)

    desk.post(reverse("sign-out-everywhere"))

    for browser in (phone, desk):
        assert browser.get(reverse("desk-day"))["Location"].startswith(reverse("sign-in"))
    assert other.get(reverse("desk-day")).status_code == 200
    page = phone.get(reverse("sign-in")).content.decode()
    assert "sessions were ended" in page


def test_a_change_of_roles_ends_the_person_s_sessions(personas):
    browser = Client()
    browser.force_login(personas.front_desk)
    assert browser.get(reverse("desk-day")).status_code == 200

    user_set_roles(user=personas.front_desk, roles=[Role.FRONT_DESK, Role.MANAGER])

    assert browser.get(reverse("desk-day"))["Location"].startswith(reverse("sign-in"))


def test_an_outsider_becoming_staff_must_then_pass_a_second_factor(personas):
    user_set_roles(user=personas.outsider, roles=[Role.FRONT_DESK])

    _, landed = password_step(personas.outsider.email)

    assert landed.startswith(FACTOR)


def test_an_integration_s_service_account_is_not_listed_nor_reset_as_a_colleague(personas):
    issued = api_token_create_application(
        name="Website booking widget",
        role=Role.FRONT_DESK,
        scopes=["schedule:read"],
        expires_at=None,
        actor=personas.manager,
        now=timezone.now(),
    )
    service_account = issued.token.user
    assert service_account.is_service_account
    manager = Client()
    manager.force_login(personas.manager)
    page = manager.get(reverse("staff-security")).content.decode()
    assert personas.front_desk.email in page
    assert service_account.email not in page
    assert "Website booking widget" not in page
    assert factors.staff_member(user_id=service_account.pk) is None
