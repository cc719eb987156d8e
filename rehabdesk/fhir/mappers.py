"""Rehabdesk's records as FHIR R4 resources: pure functions, a model in, a dict out
(docs/fhir.md; the mapping is shared/brief domain-reference §5). They read only what
they are handed — the callers fetch with the related rows they need.

Identifiers and local codes use `urn:rehabdesk:` systems: the clinic owns no web
address every installation shares.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rehabdesk.availability.types import Slot as FreeSlot
from rehabdesk.clinic.models import Location, Practitioner, Registration, Regulator, Service
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy
from rehabdesk.scheduling.models import Appointment

Resource = dict[str, Any]

SYSTEM = "urn:rehabdesk"
PATIENT_ID_SYSTEM = f"{SYSTEM}:patient-id"
OUTCOME_MEASURES = f"{SYSTEM}:fhir:CodeSystem:outcome-measures"
SERVICE_SYSTEM = f"{SYSTEM}:fhir:CodeSystem:service"
# A Slot's serviceType: the id of the HealthcareService it is a free time for.
HEALTHCARE_SERVICE = f"{SYSTEM}:fhir:HealthcareService"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"

# Local codes for every instrument (domain reference §5.3), with LOINC beside them
# where §5.3 gives one.
MEASURE_CODES: dict[str, tuple[str, str | None, str]] = {
    "nprs": ("nprs-0-10", "72514-3", "Pain severity - 0-10 verbal numeric rating [Score]"),
    "odi": ("odi-v2.1a-total-pct", None, "Oswestry Disability Index v2.1a, total (%)"),
    "ndi": ("ndi-total-raw", "82237-9", "Neck Disability Index, total score"),
    "lefs": ("lefs-total", None, "Lower Extremity Functional Scale, total"),
    "quickdash": ("quickdash-dsx", None, "QuickDASH disability/symptom score"),
    "psfs": ("psfs-mean", None, "Patient-Specific Functional Scale, mean"),
    "groc": ("groc-15", None, "Global Rating of Change (15 points)"),
}

# Appointment.status: the stored codes are R4's (scheduling/choices.py), so the mapping
# is the identity; this table says so, and fails loudly if a status is ever added.
APPOINTMENT_STATUS = {status: str(status) for status in AppointmentStatus}


def instant(moment: datetime) -> str:
    """An aware datetime as a FHIR instant (with its offset, to the second)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.replace(microsecond=0).isoformat()


def day(value: date) -> str:
    return value.isoformat()


def ref(resource_type: str, resource_id: object, display: str | None = None) -> Resource:
    reference: Resource = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        reference["display"] = display
    return reference


def role_id(practitioner_id: int, location_id: int) -> str:
    """The id of a PractitionerRole and of its Schedule: one per practitioner per
    location where they have working hours."""
    return f"{practitioner_id}-{location_id}"


def registration_system(regulator: Regulator) -> str:
    return f"{SYSTEM}:college:{regulator.slug}:registration"


def location(place: Location) -> Resource:
    telecom = [{"system": "phone", "value": place.phone}]
    if place.email:
        telecom.append({"system": "email", "value": place.email})
    return {
        "resourceType": "Location",
        "id": str(place.pk),
        "status": "active" if place.active else "inactive",
        "mode": "instance",
        "name": place.name,
        "telecom": telecom,
        "address": {
            "line": [place.street_address],
            "city": place.city,
            "state": place.province,
            "postalCode": place.postal_code,
            "country": place.country,
        },
        "managingOrganization": {"display": place.clinic.name},
    }


def healthcare_service(service: Service) -> Resource:
    return {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "active": service.active,
        "name": service.name,
        "category": [{"text": service.discipline.name}],
        "type": [
            {"coding": [{"system": SERVICE_SYSTEM, "code": service.slug}], "text": service.name}
        ],
        "characteristic": [{"text": f"{service.duration_minutes} minutes"}],
        "appointmentRequired": True,
    }


def _designation(regulator: Regulator, text: str) -> Resource:
    """The protected title a college grants (PT, RMT), as a CodeableConcept."""
    return {
        "coding": [{"system": f"{SYSTEM}:designation", "code": regulator.designation}],
        "text": text,
    }


def _qualification(registration: Registration) -> Resource:
    regulator = registration.regulator
    period = {"start": day(registration.valid_from)}
    if registration.valid_until is not None:
        period["end"] = day(registration.valid_until)
    return {
        "identifier": [_registration_identifier(registration)],
        "code": _designation(regulator, regulator.profession),
        "period": period,
        "issuer": {"display": regulator.name},
    }


def _role_code(registration: Registration) -> Resource:
    regulator = registration.regulator
    return _designation(regulator, f"{regulator.profession} ({regulator.name})")


def _registration_identifier(registration: Registration) -> Resource:
    return {
        "system": registration_system(registration.regulator),
        "value": registration.registration_number,
        "assigner": {"display": registration.regulator.name},
    }


def _registered(
    resource: Resource,
    registrations: list[Registration],
    key: str,
    each: Callable[[Registration], Resource],
) -> None:
    """Add a person's college registrations to a Practitioner or a PractitionerRole:
    each number and college as an `identifier`, and `each` of them under `key`
    (the Practitioner's qualifications, the role's codes). Nothing when none."""
    if registrations:
        resource["identifier"] = [_registration_identifier(r) for r in registrations]
        resource[key] = [each(r) for r in registrations]


def practitioner(person: Practitioner, registrations: list[Registration]) -> Resource:
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": str(person.pk),
        "active": person.active,
        "name": [{"text": person.display_name}],
    }
    _registered(resource, registrations, "qualification", _qualification)
    languages = person.language_list
    if languages:
        resource["communication"] = [{"text": language} for language in languages]
    return resource


def practitioner_role(
    person: Practitioner,
    location_id: int,
    registrations: list[Registration],
    service_ids: list[int],
) -> Resource:
    resource: Resource = {
        "resourceType": "PractitionerRole",
        "id": role_id(person.pk, location_id),
        "active": person.active,
        "practitioner": ref("Practitioner", person.pk, person.display_name),
        "location": [ref("Location", location_id)],
        "specialty": [{"text": d.name} for d in person.disciplines.all()],
    }
    _registered(resource, registrations, "code", _role_code)
    if service_ids:
        resource["healthcareService"] = [ref("HealthcareService", pk) for pk in service_ids]
    return resource


def schedule(practitioner_id: int, location_id: int, active: bool = True) -> Resource:
    return {
        "resourceType": "Schedule",
        "id": role_id(practitioner_id, location_id),
        "active": active,
        "actor": [
            ref("PractitionerRole", role_id(practitioner_id, location_id)),
            ref("Practitioner", practitioner_id),
            ref("Location", location_id),
        ],
    }


def slot_id(free: FreeSlot, service_id: int) -> str:
    """`<practitioner>-<location>-<service>-<start in Unix seconds>`: all a read needs
    to ask the engine again whether the time is still free (params.slot_of)."""
    return f"{free.practitioner_id}-{free.location_id}-{service_id}-{int(free.start.timestamp())}"


def slot(free: FreeSlot, service_id: int) -> Resource:
    """A free time the availability engine found, for one service (its id is the
    HealthcareService's: `service-type` in a Slot search)."""
    return {
        "resourceType": "Slot",
        "id": slot_id(free, service_id),
        "schedule": ref("Schedule", role_id(free.practitioner_id, free.location_id)),
        "status": "free",
        "start": instant(free.start),
        "end": instant(free.end),
        "serviceType": [{"coding": [{"system": HEALTHCARE_SERVICE, "code": str(service_id)}]}],
    }


def _participant_status(booking: Appointment) -> str:
    if booking.status in (AppointmentStatus.PROPOSED, AppointmentStatus.PENDING):
        return "needs-action"
    return "accepted"


def appointment(booking: Appointment) -> Resource:
    status = _participant_status(booking)
    resource: Resource = {
        "resourceType": "Appointment",
        "id": str(booking.pk),
        "status": APPOINTMENT_STATUS[AppointmentStatus(booking.status)],
        "serviceType": [
            {
                "coding": [{"system": SERVICE_SYSTEM, "code": booking.service.slug}],
                "text": booking.service.name,
            }
        ],
        "start": instant(booking.start),
        "end": instant(booking.end),
        "minutesDuration": int((booking.end - booking.start).total_seconds() // 60),
        "participant": [
            {"actor": ref("Patient", booking.patient_id), "required": "required", "status": status},
            {
                "type": [{"coding": [{"system": PARTICIPATION_TYPE, "code": "PPRF"}]}],
                "actor": ref(
                    "Practitioner", booking.practitioner_id, booking.practitioner.display_name
                ),
                "required": "required",
                "status": status,
            },
            {
                "actor": ref("Location", booking.location_id, booking.location.name),
                "required": "required",
                "status": status,
            },
        ],
    }
    if booking.status == AppointmentStatus.CANCELLED and booking.cancelled_by:
        by = CancelledBy(booking.cancelled_by).label.lower()
        late = ", late" if booking.late_cancellation else ""
        resource["cancelationReason"] = {"text": f"Cancelled by the {by}{late}"}
    return resource


def patient(person: Patient) -> Resource:
    given = [person.first_name]
    name: Resource = {"use": "official", "family": person.last_name, "given": given}
    names = [name]
    if person.preferred_name:
        names.append({"use": "usual", "given": [person.preferred_name]})
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": str(person.pk)}],
        "name": names,
        "birthDate": day(person.date_of_birth),
    }
    telecom = []
    if person.phone:
        telecom.append({"system": "phone", "value": person.phone})
    if person.email:
        telecom.append({"system": "email", "value": person.email})
    if telecom:
        resource["telecom"] = telecom
    if person.street_address or person.city:
        address: Resource = {"country": "CA"}
        if person.street_address:
            address["line"] = [person.street_address]
        for key, value in (
            ("city", person.city),
            ("state", person.province),
            ("postalCode", person.postal_code),
        ):
            if value:
                address[key] = value
        resource["address"] = [address]
    if person.preferred_language:
        resource["communication"] = [
            {"language": {"text": person.preferred_language}, "preferred": True}
        ]
    return resource


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def observation(result: MeasureResult) -> Resource:
    local, loinc, label = MEASURE_CODES[result.instrument]
    coding = [{"system": OUTCOME_MEASURES, "code": local, "display": label}]
    if loinc is not None:
        coding.insert(0, {"system": LOINC, "code": loinc})
    resource: Resource = {
        "resourceType": "Observation",
        "id": str(result.pk),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": coding, "text": label},
        "subject": ref("Patient", result.patient_id),
        "effectiveDateTime": instant(result.taken_at),
    }
    if result.score is not None:
        resource["valueQuantity"] = {
            "value": _number(result.score),
            "system": UCUM,
            "code": "{score}",
        }
    else:
        resource["dataAbsentReason"] = {"text": "Not scored"}
    if result.band:
        resource["interpretation"] = [{"text": result.band}]
    return resource
