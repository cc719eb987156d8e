"""The FHIR R4 read API: every resource it answers validated with fhir.resources
(R4B, the package's R4-compatible release: it has no 4.0.1 sub-package), refusals as
OperationOutcome, and patient data only as the access policy allows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from fhir.resources.R4B import get_fhir_model_class

from rehabdesk.apitokens.choices import Scope
from rehabdesk.apitokens.testing import bearer, personal_token
from rehabdesk.audit.models import AuditEvent
from rehabdesk.outcomes.testing import result_record
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at

FHIR_JSON = "application/fhir+json; charset=utf-8"


def valid(resource: dict) -> dict:
    """The resource, after fhir.resources parsed it as its R4B type."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def get(client: Client, path: str, token: str | None = None) -> Any:
    headers: dict[str, Any] = bearer(token) if token else {}
    return client.get(path, **headers)


def book(world, start, **kwargs):
    return appointment_book(request=world.request(start, **kwargs), actor=None, now=NOW)


@pytest.fixture
def bookings(world):
    """Patient A with the physio, patient B with the massage therapist, on 10 March."""
    a = book(world, at(10, 10))
    b = book(
        world,
        at(10, 11),
        patient=world.other_patient,
        practitioner=world.massage_therapist,
        service=world.massage,
    )
    return a, b


@pytest.fixture
def desk(personas):
    return personal_token(personas.front_desk, Scope.FHIR_READ)


@pytest.fixture
def physio(personas):
    return personal_token(personas.physio.user, Scope.FHIR_READ)


def ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def test_metadata_is_a_capability_statement_of_what_is_served(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == FHIR_JSON
    statement = valid(response.json())
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(served) == {
        "Location",
        "HealthcareService",
        "Practitioner",
        "PractitionerRole",
        "Schedule",
        "Slot",
        "Appointment",
        "Patient",
        "Observation",
    }
    params = {p["name"] for p in served["Appointment"]["searchParam"]}
    assert {"date", "practitioner", "patient", "status"} <= params
    assert {p["name"] for p in served["Slot"]["searchParam"]} >= {"schedule", "start"}
    for resource in served.values():
        codes = [i["code"] for i in resource["interaction"]]
        assert codes == ["read", "search-type"], resource["type"]
    assert statement["fhirVersion"] == "4.0.1"


def test_an_appointment_search_for_a_location_s_day_answers_a_valid_bundle(
    client, world, bookings, desk
):
    response = get(client, f"/fhir/Appointment?date=2027-03-10&location={world.pickering.pk}", desk)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    bundle = valid(response.json())
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 2
    assert ids(bundle) == [str(b.pk) for b in bookings]
    first = bundle["entry"][0]["resource"]
    assert first["status"] == "booked"
    actors = [p["actor"]["reference"] for p in first["participant"]]
    assert actors == [
        f"Patient/{world.patient.pk}",
        f"Practitioner/{world.physio.pk}",
        f"Location/{world.pickering.pk}",
    ]
    other_day = get(client, "/fhir/Appointment?date=2027-03-11", desk).json()
    assert other_day["total"] == 0


def test_appointment_search_by_practitioner_patient_status_and_date_range(
    client, world, bookings, desk
):
    a, b = bookings
    by_practitioner = get(client, f"/fhir/Appointment?practitioner={world.physio.pk}", desk)
    assert ids(by_practitioner.json()) == [str(a.pk)]
    by_patient = get(client, f"/fhir/Appointment?patient=Patient/{world.other_patient.pk}", desk)
    assert ids(by_patient.json()) == [str(b.pk)]
    assert get(client, "/fhir/Appointment?status=cancelled", desk).json()["total"] == 0
    assert get(client, "/fhir/Appointment?status=booked,cancelled", desk).json()["total"] == 2
    ranged = "/fhir/Appointment?date=ge2027-03-10T10:30:00-05:00&date=lt2027-03-11"
    assert ids(get(client, ranged, desk).json()) == [str(b.pk)]


def test_a_practitioner_s_token_sees_only_their_patients(client, world, bookings, physio):
    a, b = bookings
    found = get(client, "/fhir/Appointment?date=2027-03-10", physio).json()
    assert ids(found) == [str(a.pk)]
    assert get(client, f"/fhir/Appointment/{b.pk}", physio).status_code == 404
    assert get(client, f"/fhir/Patient/{world.other_patient.pk}", physio).status_code == 404
    patients = get(client, "/fhir/Patient", physio).json()
    assert ids(patients) == [str(world.patient.pk)]
    denied = AuditEvent.objects.filter(action="deny", object_type="fhir.patient")
    assert denied.exists()


def test_reads_of_patient_data_are_audited_and_every_resource_validates(
    client, world, bookings, desk, physio
):
    a, _ = bookings
    before = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    patient = get(client, f"/fhir/Patient/{world.patient.pk}", desk)
    assert patient.status_code == 200
    valid(patient.json())
    appointment = get(client, f"/fhir/Appointment/{a.pk}", physio)
    assert appointment.status_code == 200
    valid(appointment.json())
    viewed = AuditEvent.objects.filter(action="view", pk__gt=before)
    assert {e.object_type for e in viewed} >= {"fhir.patient", "fhir.appointment"}


def test_the_directory_resources_validate_with_the_registration_and_college(client, world, desk):
    for kind in ("Location", "HealthcareService", "Practitioner", "PractitionerRole", "Schedule"):
        response = get(client, f"/fhir/{kind}", desk)
        assert response.status_code == 200, (kind, response.content)
        bundle = valid(response.json())
        assert bundle["entry"], kind
        for entry in bundle["entry"]:
            valid(entry["resource"])
        first = bundle["entry"][0]["resource"]
        read = get(client, f"/fhir/{kind}/{first['id']}", desk)
        assert read.status_code == 200
        assert valid(read.json()) == first
    physio = get(client, f"/fhir/Practitioner/{world.physio.pk}", desk).json()
    registration = world.physio.registrations.select_related("regulator").first()
    assert physio["identifier"][0]["value"] == registration.registration_number
    assert physio["qualification"][0]["issuer"]["display"] == registration.regulator.name
    role = get(client, f"/fhir/PractitionerRole/{world.physio.pk}-{world.pickering.pk}", desk)
    assert role.json()["identifier"][0]["value"] == registration.registration_number
    assert get(client, f"/fhir/PractitionerRole/{world.physio.pk}-999999", desk).status_code == 404


def test_slots_are_the_engine_s_free_times_for_a_schedule(client, world, desk):
    schedule = f"Schedule/{world.physio.pk}-{world.pickering.pk}"
    path = (
        f"/fhir/Slot?schedule={schedule}&service-type={world.follow_up.pk}"
        "&start=ge2027-03-09&start=lt2027-03-10"
    )
    response = get(client, path, desk)
    assert response.status_code == 200, response.content
    bundle = valid(response.json())
    slots = [valid(entry["resource"]) for entry in bundle["entry"]]
    assert slots
    assert all(s["status"] == "free" and s["schedule"]["reference"] == schedule for s in slots)
    assert datetime.fromisoformat(slots[0]["start"]) == at(9, 9)
    assert len(slots) == 20
    assert any(link["relation"] == "next" for link in bundle["link"])
    no_service = get(client, f"/fhir/Slot?schedule={schedule}", desk)
    assert no_service.status_code == 400
    valid(no_service.json())


def slots_on_the_9th(client, world, token) -> list[dict]:
    schedule = f"Schedule/{world.physio.pk}-{world.pickering.pk}"
    path = (
        f"/fhir/Slot?schedule={schedule}&service-type={world.follow_up.pk}"
        "&start=ge2027-03-09&start=lt2027-03-10&_count=3"
    )
    return [entry["resource"] for entry in get(client, path, token).json()["entry"]]


def test_a_slot_read_by_the_id_a_search_gave_is_the_same_slot(client, world, desk):
    found = slots_on_the_9th(client, world, desk)
    assert found[0]["id"] == (
        f"{world.physio.pk}-{world.pickering.pk}-{world.follow_up.pk}-{int(at(9, 9).timestamp())}"
    )
    for slot in found:
        response = get(client, f"/fhir/Slot/{slot['id']}", desk)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == FHIR_JSON
        assert valid(response.json()) == slot


def test_a_slot_booked_since_the_search_answers_404_not_found(client, world, desk):
    slot = slots_on_the_9th(client, world, desk)[1]
    book(world, datetime.fromisoformat(slot["start"]))
    response = get(client, f"/fhir/Slot/{slot['id']}", desk)
    assert response.status_code == 404
    outcome = valid(response.json())
    assert outcome["issue"][0]["code"] == "not-found"
    assert "not free" in outcome["issue"][0]["diagnostics"]


def test_a_slot_id_off_the_grid_past_or_out_of_hours_is_not_free(client, world, desk):
    physio, place, service = world.physio.pk, world.pickering.pk, world.follow_up.pk
    for moment in (at(9, 9, 5), at(9, 12, 15), at(9, 20), at(1, 9)):  # grid, lunch, night, past
        slot_id = f"{physio}-{place}-{service}-{int(moment.timestamp())}"
        response = get(client, f"/fhir/Slot/{slot_id}", desk)
        assert response.status_code == 404, moment
        assert valid(response.json())["issue"][0]["code"] == "not-found"
    # Another practitioner's schedule for the same time: the massage therapist is
    # not qualified for a physiotherapy follow-up.
    other = f"{world.massage_therapist.pk}-{place}-{service}-{int(at(9, 9).timestamp())}"
    assert get(client, f"/fhir/Slot/{other}", desk).status_code == 404


@pytest.mark.parametrize(
    "slot_id",
    [
        "abc",
        "1-2",
        "1-2-3",
        "1-2-3-4",  # no such service or location
        "1-2-3-x",
        "1-2-3-" + "9" * 12,  # beyond any year we book
        "1-2-3-" + "9" * 40,
        "0-0-0-0",
        "9" * 19 + "-1-1-1",
        "1-2-3-4-5",
        "1-2-3--4",
    ],
)
def test_a_malformed_or_unknown_slot_id_answers_404_not_a_500(client, world, desk, slot_id):
    response = get(client, f"/fhir/Slot/{slot_id}", desk)
    assert response.status_code == 404, response.content
    assert valid(response.json())["issue"][0]["code"] == "not-found"


def test_a_slot_read_needs_fhir_read_like_every_other(client, world, personas, desk):
    slot = slots_on_the_9th(client, world, desk)[0]
    assert get(client, f"/fhir/Slot/{slot['id']}").status_code == 401
    other = personal_token(personas.front_desk, Scope.SCHEDULE_READ, Scope.BOOKING_WRITE)
    forbidden = get(client, f"/fhir/Slot/{slot['id']}", other)
    assert forbidden.status_code == 403
    assert valid(forbidden.json())["issue"][0]["code"] == "forbidden"


def test_practitioner_and_role_carry_the_same_registration_and_college(client, world, desk):
    registration = world.physio.registrations.select_related("regulator").first()
    regulator = registration.regulator
    identifier = {
        "system": f"urn:rehabdesk:college:{regulator.slug}:registration",
        "value": registration.registration_number,
        "assigner": {"display": regulator.name},
    }
    designation = {"system": "urn:rehabdesk:designation", "code": regulator.designation}
    person = get(client, f"/fhir/Practitioner/{world.physio.pk}", desk).json()
    role = get(client, f"/fhir/PractitionerRole/{world.physio.pk}-{world.pickering.pk}", desk)
    role = role.json()
    assert person["identifier"] == role["identifier"] == [identifier]
    assert person["qualification"][0]["identifier"] == [identifier]
    assert person["qualification"][0]["code"] == {
        "coding": [designation],
        "text": regulator.profession,
    }
    assert role["code"] == [
        {"coding": [designation], "text": f"{regulator.profession} ({regulator.name})"}
    ]


def test_observations_only_for_who_may_see_clinical_records(
    client, world, personas, bookings, desk, physio
):
    result = result_record(patient=world.patient, now=NOW)
    response = get(client, f"/fhir/Observation?patient={world.patient.pk}", physio)
    assert response.status_code == 200, response.content
    bundle = valid(response.json())
    assert ids(bundle) == [str(result.pk)]
    observation = valid(get(client, f"/fhir/Observation/{result.pk}", physio).json())
    assert observation["code"]["coding"][0] == {"system": "http://loinc.org", "code": "72514-3"}
    # The front desk never sees clinical content.
    assert get(client, "/fhir/Observation", desk).json()["total"] == 0
    assert get(client, f"/fhir/Observation/{result.pk}", desk).status_code == 404
    # Nor does a practitioner the patient is not in the care of.
    other = personal_token(personas.massage_therapist.user, Scope.FHIR_READ)
    assert get(client, "/fhir/Observation", other).json()["total"] == 0
    assert get(client, f"/fhir/Observation/{result.pk}", other).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/Appointment?colour=blue",
        "/fhir/Appointment?date=tomorrow",
        "/fhir/Appointment?date=ne2027-03-10",
        "/fhir/Appointment?date=2027-03-10T10:00",
        "/fhir/Appointment?date=9999-12-31",
        "/fhir/Appointment?date=le0001-01-01",
        "/fhir/Appointment?date=2027-03-10T10:00:00+23:00",
        "/fhir/Appointment?status=bogus",
        "/fhir/Appointment?practitioner=Practitioner/abc",
        "/fhir/Appointment?_count=abc",
        "/fhir/Appointment?_count=0",
        "/fhir/Appointment?_offset=-1",
        "/fhir/Appointment?date:missing=true",
        "/fhir/Slot?schedule=Schedule/x&service-type=1",
        "/fhir/Location?_id=1&_id=2",
        "/fhir/Patient?name=a%00b",
    ],
)
def test_bad_search_input_answers_an_operation_outcome_400(client, world, desk, path):
    response = get(client, path, desk)
    assert response.status_code == 400, response.content
    outcome = valid(response.json())
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] in ("invalid", "not-supported")


def test_no_token_401_a_token_without_fhir_read_403_a_bad_token_401(client, world, personas):
    anonymous = client.get("/fhir/Appointment")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Bearer"
    assert valid(anonymous.json())["issue"][0]["code"] == "login"
    other = personal_token(personas.front_desk, Scope.SCHEDULE_READ, Scope.PATIENTS_READ)
    forbidden = get(client, "/fhir/Location", other)
    assert forbidden.status_code == 403
    assert valid(forbidden.json())["issue"][0]["code"] == "forbidden"
    assert get(client, "/fhir/Location", "rhd_nope_nope").status_code == 401


def test_a_staff_session_reads_and_a_patient_s_session_does_not(client, world, personas):
    desk = Client()
    desk.force_login(personas.front_desk)
    assert desk.get("/fhir/Location").status_code == 200
    patient = Client()
    patient.force_login(personas.patient_a.user)
    assert patient.get("/fhir/Location").status_code == 403


def test_unknown_types_and_ids_404_and_writes_405(client, world, desk):
    assert get(client, "/fhir/Encounter", desk).status_code == 404
    assert get(client, "/fhir/Location/999999", desk).status_code == 404
    assert get(client, "/fhir/Location/abc", desk).status_code == 404
    assert get(client, "/fhir/Slot/1-2-3-4", desk).status_code == 404
    posted = client.post("/fhir/Location", {}, **bearer(desk))
    assert posted.status_code == 405
    valid(posted.json())


def test_paging_follows_next_links_to_the_end(client, world, bookings, desk):
    seen = []
    path = "/fhir/Appointment?date=2027-03-10&_count=1"
    while path:
        bundle = valid(get(client, path, desk).json())
        assert bundle["total"] == 2
        seen += ids(bundle)
        following = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        path = "?".join(urlsplit(following[0])[2:4]) if following else ""
    assert seen == [str(b.pk) for b in bookings]
    capped = get(client, "/fhir/Location?_count=1000", desk).json()
    assert "_count=100" in capped["link"][0]["url"]


def test_a_half_signed_in_staff_session_reads_nothing_but_a_token_still_decides(world, personas):
    text = personal_token(personas.front_desk, Scope.FHIR_READ)
    unverified = Client()
    unverified.force_login(personas.front_desk)
    session = unverified.session
    session.pop(DEVICE_ID_SESSION_KEY)  # the password, no second factor yet
    session.save()
    assert unverified.get("/fhir/Location").status_code == 403
    assert unverified.get("/fhir/Location", **bearer(text)).status_code == 200
    forged = unverified.get("/fhir/Location", **bearer("rhd_00000000_" + "A" * 43))
    assert forged.status_code == 401
