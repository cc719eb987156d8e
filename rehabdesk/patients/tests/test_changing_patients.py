"""Correcting a patient's details, taking them off lists and back, and giving them a
sign-in: each change on file naming what changed, a refused change leaving the record
as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients import services
from rehabdesk.patients.errors import PatientError, PatientErrorCode
from rehabdesk.patients.models import Patient
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def summaries(patient: Patient) -> list[str]:
    return list(
        AuditEvent.objects.filter(patient_links__patient_id=patient.pk)
        .order_by("pk")
        .values_list("summary", flat=True)
    )


def fresh(patient: Patient) -> Patient:
    return Patient.objects.get(pk=patient.pk)


def test_a_refused_correction_leaves_the_record_and_the_trail_as_they_were(personas):
    patient = fresh(personas.patient_b)
    before = summaries(patient)
    patient.email = "not an address"
    patient.city = "Oshawa"
    with pytest.raises(PatientError) as refused:
        services.patient_update(actor=personas.front_desk, patient=patient)
    assert (refused.value.code, refused.value.field) == (PatientErrorCode.INVALID, "email")
    stored = fresh(patient)
    assert (stored.email, stored.city) == ("bob@persona.example", "")
    assert summaries(patient) == before


def test_a_new_phone_number_is_searchable_by_its_digits(personas):
    patient = fresh(personas.patient_b)
    patient.phone = "+1 (416) 555-0199"
    services.patient_update(actor=personas.front_desk, patient=patient)
    assert fresh(patient).phone_digits == "14165550199"
    assert summaries(patient)[-1] == "patient record: phone"


def test_an_email_typed_in_another_case_is_no_change(personas):
    patient = fresh(personas.patient_b)
    before = summaries(patient)
    patient.email = "  BOB@Persona.Example"
    services.patient_update(actor=personas.front_desk, patient=patient)
    assert fresh(patient).email == "bob@persona.example"
    assert summaries(patient) == before


def test_the_audit_names_fields_in_the_models_order_and_never_the_sign_in(personas):
    patient = fresh(personas.patient_b)
    patient.contact_by_sms = True
    patient.emergency_contact_name = "Beth Brown"
    patient.pronouns = "he/him"
    services.patient_update(actor=personas.front_desk, patient=patient)
    assert summaries(patient)[-1] == (
        "patient record: pronouns, emergency_contact_name, contact_by_sms"
    )


def test_deactivating_keeps_the_record_with_the_reason_and_when(personas):
    patient = services.patient_deactivate(
        actor=personas.manager,
        patient=fresh(personas.patient_b),
        reason="  Moved to Vancouver  ",
        now=NOW,
    )
    stored = fresh(patient)
    assert (stored.active, stored.deactivated_at, stored.deactivation_reason) == (
        False,
        NOW,
        "Moved to Vancouver",
    )
    assert summaries(stored)[-1] == "patient record (deactivated)"
    event = AuditEvent.objects.filter(summary="patient record (deactivated)").get()
    assert event.actor == personas.manager


def test_reactivating_clears_the_reason_and_date(personas):
    patient = services.patient_deactivate(
        actor=personas.manager, patient=fresh(personas.patient_b), reason="Moved", now=NOW
    )
    services.patient_reactivate(actor=personas.manager, patient=patient)
    stored = fresh(patient)
    assert (stored.active, stored.deactivated_at, stored.deactivation_reason) == (True, None, "")
    assert summaries(stored)[-2:] == [
        "patient record (deactivated)",
        "patient record (reactivated)",
    ]


def test_a_deactivation_on_the_night_clocks_fall_back_keeps_its_instant(personas):
    second_half_past_one = datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=TORONTO)
    services.patient_deactivate(
        actor=personas.manager,
        patient=fresh(personas.patient_b),
        reason="Asked to be removed",
        now=second_half_past_one,
    )
    assert fresh(personas.patient_b).deactivated_at == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)


def test_the_database_refuses_an_undated_deactivation(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.filter(pk=personas.patient_b.pk).update(active=False)
    assert fresh(personas.patient_b).active


def test_a_sign_in_is_made_for_the_patients_email_with_the_patient_role(personas):
    fresh_patient = services.patient_create(
        actor=personas.front_desk,
        patient=Patient(
            first_name="Robert",
            preferred_name="Rob",
            last_name="Reyes",
            date_of_birth=date(1970, 3, 10),
            email="rob@example.com",
        ),
    )
    user = services.patient_account_create(
        actor=personas.front_desk, patient=fresh_patient, password="a-long-passphrase-1"
    )
    assert (user.email, user.first_name, user.last_name) == ("rob@example.com", "Rob", "Reyes")
    assert roles_of(user.pk) == {Role.PATIENT}
    assert fresh(fresh_patient).user == user
    assert authenticate(username="rob@example.com", password="a-long-passphrase-1") == user
    assert summaries(fresh_patient)[-1] == "patient record (sign-in added)"


def test_a_sign_in_without_a_password_waits_for_a_reset_link(personas):
    child = fresh(personas.child)
    child.email = "charlie@example.com"
    services.patient_update(actor=personas.front_desk, patient=child)
    user = services.patient_account_create(actor=personas.front_desk, patient=child, password=None)
    assert not user.has_usable_password()


def test_a_sign_in_refused_for_an_address_already_used_leaves_the_patient_without_one(personas):
    child = fresh(personas.child)
    child.email = "grace@persona.example"  # the guardian signs in with it already
    services.patient_update(actor=personas.front_desk, patient=child)
    before = summaries(child)
    with pytest.raises(AccountsError) as refused:
        services.patient_account_create(actor=personas.front_desk, patient=child, password=None)
    assert refused.value.code == AccountsErrorCode.EMAIL_TAKEN
    assert fresh(child).user is None
    assert User.objects.filter(email="grace@persona.example").count() == 1
    assert summaries(child) == before


def test_a_sign_in_refused_for_a_weak_password_creates_no_account(personas):
    child = fresh(personas.child)
    child.email = "charlie@example.com"
    services.patient_update(actor=personas.front_desk, patient=child)
    with pytest.raises(AccountsError) as refused:
        services.patient_account_create(actor=None, patient=child, password="12345678")
    assert refused.value.field == "password"
    assert not User.objects.filter(email="charlie@example.com").exists()
    assert fresh(child).user is None


def test_the_personas_sign_in_as_themselves(personas):
    assert authenticate(username="alice@persona.example", password=PASSWORD) == (
        personas.patient_a.user
    )


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        ((1990, 7, 15), (2027, 7, 14), 36),
        ((1990, 7, 15), (2027, 7, 15), 37),
        # Born on 29 February: a year older on 1 March in a common year.
        ((2008, 2, 29), (2027, 2, 28), 18),
        ((2008, 2, 29), (2027, 3, 1), 19),
        ((2008, 2, 29), (2028, 2, 29), 20),
    ],
)
def test_age_counts_whole_years_since_birth(born, on, age):
    assert Patient(date_of_birth=date(*born)).age_on(date(*on)) == age


def test_the_name_used_is_the_preferred_one_and_the_legal_one_stays(personas):
    patient = fresh(personas.patient_b)
    patient.preferred_name = "Bobby"
    assert (patient.full_name, patient.legal_name, str(patient)) == (
        "Bobby Brown",
        "Bob Brown",
        "Bobby Brown",
    )
