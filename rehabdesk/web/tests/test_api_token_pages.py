"""/staff/api-tokens/: staff issue and revoke their own personal tokens, a manager
every token and applications' too; a token is shown once, after a recent sign-in."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.apitokens.choices import Scope, TokenKind
from rehabdesk.apitokens.models import ApiToken
from rehabdesk.apitokens.services import OBJECT_TYPE
from rehabdesk.apitokens.testing import personal_token
from rehabdesk.audit.models import AuditEvent
from rehabdesk.web import sessions

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"rhd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def personal(**fields) -> dict[str, object]:
    form: dict[str, object] = {
        "kind": "personal",
        "personal-name": "Schedule export",
        "personal-scopes": [Scope.SCHEDULE_READ],
        "personal-expires": "90",
    }
    form.update(fields)
    return form


def application(**fields) -> dict[str, object]:
    form: dict[str, object] = {
        "kind": "application",
        "application-name": "Booking kiosk",
        "application-role": Role.FRONT_DESK,
        "application-scopes": [Scope.SCHEDULE_READ, Scope.BOOKING_WRITE],
        "application-expires": "",
    }
    form.update(fields)
    return form


def test_staff_make_a_personal_token_and_see_it_once(personas):
    client = signed_in(personas.physio.user)
    response = client.post(reverse("staff-api-token-create"), personal())
    assert response.status_code == 200
    page = response.content.decode()
    (text,) = set(TOKEN.findall(page))
    token = ApiToken.objects.get()
    assert (token.kind, token.user, token.scopes) == (
        TokenKind.PERSONAL,
        personas.physio.user,
        ["schedule:read"],
    )
    assert text.startswith(f"rhd_{token.prefix}_")
    assert token.expires_at is not None
    # The copy button's script is a static file: the policy allows no inline script.
    assert "web/copy-token.js" in page
    assert "<script>" not in page
    listed = client.get(reverse("staff-api-tokens")).content.decode()
    assert f"rhd_{token.prefix}_" in listed
    assert text not in listed


def test_making_a_token_asks_for_a_recent_sign_in(personas, monkeypatch, settings):
    settings.REAUTH_MINUTES = 5
    client = signed_in(personas.front_desk)
    start = sessions.clock()
    monkeypatch.setattr(sessions, "clock", lambda: start + 6 * 60)
    response = client.post(reverse("staff-api-token-create"), personal())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth"))
    assert not ApiToken.objects.exists()


def test_a_token_without_a_name_or_a_scope_is_refused_beside_the_form(personas):
    client = signed_in(personas.front_desk)
    response = client.post(
        reverse("staff-api-token-create"), personal(**{"personal-name": " ", "personal-scopes": []})
    )
    assert response.status_code == 200
    assert response.context["personal"].errors.keys() == {"name", "scopes"}
    response = client.post(
        reverse("staff-api-token-create"), personal(**{"personal-scopes": ["root:all"]})
    )
    assert "scopes" in response.context["personal"].errors
    assert not ApiToken.objects.exists()


def test_a_manager_makes_an_application_token_with_a_role(personas):
    client = signed_in(personas.manager)
    response = client.post(reverse("staff-api-token-create"), application())
    assert response.status_code == 200
    assert TOKEN.search(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.kind, token.role, token.created_by) == (
        TokenKind.APPLICATION,
        "Front desk",
        personas.manager,
    )
    assert roles_of(token.user_id) == {Role.FRONT_DESK}
    assert token.expires_at is None


def test_only_a_manager_makes_application_tokens(personas):
    client = signed_in(personas.front_desk)
    assert client.get(reverse("staff-api-tokens")).context["application"] is None
    response = client.post(reverse("staff-api-token-create"), application())
    assert response.status_code == 403
    refused = client.post(
        reverse("staff-api-token-create"), application(**{"application-role": Role.PRACTITIONER})
    )
    assert refused.status_code == 403
    assert not ApiToken.objects.exists()


def test_an_application_s_role_is_one_of_those_offered(personas):
    client = signed_in(personas.manager)
    response = client.post(
        reverse("staff-api-token-create"), application(**{"application-role": Role.PRIVACY_OFFICER})
    )
    assert "role" in response.context["application"].errors
    assert not ApiToken.objects.exists()


def test_staff_see_their_own_tokens_and_a_manager_sees_every_one(personas):
    desk = personal_token(personas.front_desk)
    physio = personal_token(personas.physio.user)

    def prefixes(user) -> set[str]:
        page = signed_in(user).get(reverse("staff-api-tokens")).content.decode()
        return set(re.findall(r"rhd_([0-9a-f]{8})_…", page))

    assert prefixes(personas.front_desk) == {desk.split("_")[1]}
    assert prefixes(personas.physio.user) == {physio.split("_")[1]}
    assert prefixes(personas.manager) == {desk.split("_")[1], physio.split("_")[1]}


def test_staff_revoke_their_own_token_but_not_a_colleague_s(personas):
    personal_token(personas.front_desk)
    personal_token(personas.physio.user)
    own = ApiToken.objects.get(user=personas.front_desk)
    colleague = ApiToken.objects.get(user=personas.physio.user)
    client = signed_in(personas.front_desk)

    refused = client.post(reverse("staff-api-token-revoke"), {"token_id": colleague.pk})
    assert refused.status_code == 404
    done = client.post(reverse("staff-api-token-revoke"), {"token_id": own.pk})
    assert done["Location"] == reverse("staff-api-tokens")
    own.refresh_from_db()
    colleague.refresh_from_db()
    assert own.revoked_at is not None
    assert colleague.revoked_at is None
    # Revoking twice (another window) lands on the list, changes nothing.
    again = client.post(reverse("staff-api-token-revoke"), {"token_id": own.pk})
    assert again.status_code == 302
    assert AuditEvent.objects.filter(object_type=OBJECT_TYPE, action="change").count() == 1


def test_a_manager_revokes_anyone_s_token(personas):
    personal_token(personas.physio.user)
    token = ApiToken.objects.get()
    signed_in(personas.manager).post(reverse("staff-api-token-revoke"), {"token_id": token.pk})
    token.refresh_from_db()
    assert token.revoked_by == personas.manager


@pytest.mark.parametrize("token_id", ["", "abc", "-1", "9" * 30])
def test_a_revoke_without_a_real_id_is_404(personas, token_id):
    response = signed_in(personas.manager).post(
        reverse("staff-api-token-revoke"), {"token_id": token_id}
    )
    assert response.status_code == 404


def test_patients_and_people_without_a_role_have_no_tokens_page(personas):
    for user in (personas.patient_a.user, personas.outsider):
        client = signed_in(user)
        assert client.get(reverse("staff-api-tokens")).status_code == 403
        assert client.post(reverse("staff-api-token-create"), personal()).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_account_page_links_staff_to_their_tokens(personas):
    page = signed_in(personas.front_desk).get(reverse("account-security")).content.decode()
    assert reverse("staff-api-tokens") in page
