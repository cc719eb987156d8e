"""Each FHIR resource type served: how one is read and how a search runs, and the
search parameters it takes (the CapabilityStatement is made from this table, so it
lists what is really served). Reads go through rehabdesk.access.fhir, which applies
the access policy and audits patient data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model
from django.utils import timezone

from rehabdesk.access import fhir as access
from rehabdesk.availability.types import Slot as FreeSlot
from rehabdesk.clinic.calendar_configuration import CalendarConfiguration, calendar_configuration
from rehabdesk.fhir import mappers
from rehabdesk.fhir.answers import FhirError, IssueCode
from rehabdesk.fhir.params import Search, bounds_of, ids_of, role_of, slot_of, token_code
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.selectors import availability_search

User = AbstractBaseUser | AnonymousUser
Resource = dict[str, Any]

SLOT_DAYS = 14
MAX_SLOT_DAYS = 92
# Appointment.status codes of R4: a search may name any; ours are a subset.
R4_APPOINTMENT_STATUSES = frozenset(
    {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    }
)


@dataclass(frozen=True)
class Found:
    resources: list[Resource]
    total: int | None  # None: not counted (Slot: the engine finds as many as asked)
    more: bool


@dataclass(frozen=True)
class Served:
    read: Callable[[User, str], Resource]
    search: Callable[[User, Search], Found]
    parameters: dict[str, str]  # name -> FHIR search parameter type


def _not_found(resource_type: str) -> FhirError:
    return FhirError(404, IssueCode.NOT_FOUND, f"No such {resource_type}.")


def _pk(resource_id: str, resource_type: str) -> int:
    if not resource_id.isdigit() or len(resource_id) > 18:
        raise _not_found(resource_type)
    return int(resource_id)


def _paged(rows: list[Resource], search: Search) -> Found:
    page = rows[search.offset : search.offset + search.count]
    return Found(page, len(rows), search.offset + search.count < len(rows))


def _only_ids(rows: Iterable[Any], search: Search, resource_type: str) -> list[Any]:
    wanted = set(ids_of(search.listed("_id"), resource_type))
    return [row for row in rows if not wanted or row.pk in wanted]


def _named(rows: Iterable[Any], search: Search, attribute: str) -> list[Any]:
    name = (search.one("name") or "").casefold()
    return [row for row in rows if name in getattr(row, attribute).casefold()]


# The directory: locations, services, the team and their schedules.


Row = TypeVar("Row", bound=Model)


def _listed(rows: Iterable[Row], resource_id: str, resource_type: str) -> Row:
    """The directory row with this id (the directories are short lists), or 404."""
    pk = _pk(resource_id, resource_type)
    found = next((row for row in rows if row.pk == pk), None)
    if found is None:
        raise _not_found(resource_type)
    return found


def location_read(user: User, resource_id: str) -> Resource:
    return mappers.location(_listed(access.fhir_locations(), resource_id, "Location"))


def location_search(user: User, search: Search) -> Found:
    rows = _named(_only_ids(access.fhir_locations(), search, "Location"), search, "name")
    return _paged([mappers.location(row) for row in rows], search)


def service_read(user: User, resource_id: str) -> Resource:
    service = _listed(access.fhir_services(), resource_id, "HealthcareService")
    return mappers.healthcare_service(service)


def service_search(user: User, search: Search) -> Found:
    rows = _named(_only_ids(access.fhir_services(), search, "HealthcareService"), search, "name")
    return _paged([mappers.healthcare_service(row) for row in rows], search)


def practitioner_read(user: User, resource_id: str) -> Resource:
    practitioner = _listed(access.fhir_practitioners(), resource_id, "Practitioner")
    return mappers.practitioner(practitioner, list(practitioner.registrations.all()))


def practitioner_search(user: User, search: Search) -> Found:
    people = _only_ids(access.fhir_practitioners(), search, "Practitioner")
    rows = _named(people, search, "display_name")
    return _paged(
        [mappers.practitioner(row, list(row.registrations.all())) for row in rows], search
    )


def _roles(pairs: list[tuple[int, int]]) -> list[Resource]:
    people = {row.pk: row for row in access.fhir_practitioners()}
    services = [row for row in access.fhir_services() if row.active]
    roles = []
    for practitioner_id, location_id in pairs:
        person = people[practitioner_id]
        disciplines = {d.pk for d in person.disciplines.all()}
        offered = [s.pk for s in services if s.discipline_id in disciplines]
        roles.append(
            mappers.practitioner_role(
                person, location_id, list(person.registrations.all()), offered
            )
        )
    return roles


def role_read(user: User, resource_id: str) -> Resource:
    practitioner_id, location_id = _pair_of(resource_id, "PractitionerRole")
    return _roles([(practitioner_id, location_id)])[0]


def _pair_of(resource_id: str, resource_type: str) -> tuple[int, int]:
    try:
        pair = role_of(resource_id, resource_type)
    except FhirError:
        raise _not_found(resource_type) from None
    if pair not in access.fhir_schedule_pairs(practitioner_id=pair[0], location_id=pair[1]):
        raise _not_found(resource_type)
    return pair


def _pairs(search: Search, *, actor: bool) -> list[tuple[int, int]]:
    pairs = access.fhir_schedule_pairs()
    if search.values.get("_id"):
        wanted = {role_of(v, "PractitionerRole", "Schedule") for v in search.listed("_id")}
        pairs = [pair for pair in pairs if pair in wanted]
    people = set(ids_of(search.listed("practitioner"), "Practitioner"))
    places = set(ids_of(search.listed("location"), "Location"))
    for value in search.listed("actor") if actor else []:
        if value.startswith("Location/"):
            places |= set(ids_of([value], "Location"))
        elif value.startswith("Practitioner/"):
            people |= set(ids_of([value], "Practitioner"))
        else:
            wanted_role = role_of(value, "PractitionerRole")
            pairs = [pair for pair in pairs if pair == wanted_role]
    return [
        pair
        for pair in pairs
        if (not people or pair[0] in people) and (not places or pair[1] in places)
    ]


def role_search(user: User, search: Search) -> Found:
    pairs = _pairs(search, actor=False)
    page = pairs[search.offset : search.offset + search.count]
    return Found(_roles(page), len(pairs), search.offset + search.count < len(pairs))


def schedule_read(user: User, resource_id: str) -> Resource:
    return mappers.schedule(*_pair_of(resource_id, "Schedule"))


def schedule_search(user: User, search: Search) -> Found:
    pairs = _pairs(search, actor=True)
    return _paged([mappers.schedule(*pair) for pair in pairs], search)


def slot_read(user: User, resource_id: str) -> Resource:
    """A Slot by the id a search gave it, only while the engine still finds that time
    free: booked since, past, or out of hours answers 404 like an unknown id."""
    key = slot_of(resource_id)
    if key is None:
        raise _not_found("Slot")
    configuration = calendar_configuration()
    offered = configuration.services.get(key.service_id)
    place = configuration.locations.get(key.location_id)
    if offered is None or not offered.active or place is None or not place.active:
        raise _not_found("Slot")
    free = _free_times(
        user,
        service_id=key.service_id,
        practitioner_id=key.practitioner_id,
        location_id=key.location_id,
        start=key.start,
        end=key.start + timedelta(seconds=1),
        now=timezone.now(),
        limit=1,
        configuration=configuration,
    )
    if not free or free[0].start != key.start:
        raise FhirError(404, IssueCode.NOT_FOUND, "No such Slot: that time is not free.")
    return mappers.slot(free[0], key.service_id)


def slot_search(user: User, search: Search) -> Found:
    """Free times from the availability engine, for one Schedule and one service."""
    schedule = search.one("schedule")
    service = search.one("service-type")
    if schedule is None or service is None:
        raise FhirError(
            400,
            IssueCode.INVALID,
            "A Slot search needs schedule (Schedule/<practitioner>-<location>) and "
            "service-type (a HealthcareService id): free times depend on the service.",
        )
    practitioner_id, location_id = role_of(schedule, "Schedule")
    service_id = ids_of([token_code(service)], "HealthcareService")[0]
    if search.values.get("status") and search.listed("status") != ["free"]:
        return Found([], 0, False)
    configuration = calendar_configuration()
    offered = configuration.services.get(service_id)
    place = configuration.locations.get(location_id)
    if offered is None or not offered.active:
        raise FhirError(400, IssueCode.INVALID, "service-type: no such active service.")
    if place is None or not place.active:
        return Found([], 0, False)
    now = timezone.now()
    bounds = bounds_of(search.values.get("start", []), "start", place.zone)
    start = bounds.lower or now
    end = bounds.upper or start + timedelta(days=SLOT_DAYS)
    if end <= start:
        return Found([], 0, False)
    if end - start > timedelta(days=MAX_SLOT_DAYS):
        raise FhirError(400, IssueCode.INVALID, f"Search at most {MAX_SLOT_DAYS} days of slots.")
    wanted = search.offset + search.count
    free = _free_times(
        user,
        service_id=service_id,
        practitioner_id=practitioner_id,
        location_id=location_id,
        start=start,
        end=end,
        now=now,
        limit=wanted + 1,
        configuration=configuration,
    )
    page = free[search.offset : wanted]
    return Found([mappers.slot(slot, service_id) for slot in page], None, len(free) > wanted)


def _free_times(
    user: User,
    *,
    service_id: int,
    practitioner_id: int,
    location_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    limit: int,
    configuration: CalendarConfiguration,
) -> Sequence[FreeSlot]:
    """The engine's free starts in [start, end) — the one question a Slot search and a
    Slot read both ask, so a read finds exactly the times a search offers. Staff see
    the desk's times; anyone else the online ones (notice, horizon)."""
    return availability_search(
        service_id=service_id,
        location_ids=[location_id],
        start=start,
        end=end,
        now=now,
        channel=Channel.STAFF if access.fhir_reader(user) else Channel.ONLINE,
        practitioner_ids=[practitioner_id],
        limit=limit,
        configuration=configuration,
    ).slots


# Patient information.


def patient_read(user: User, resource_id: str) -> Resource:
    return mappers.patient(access.fhir_patient(user=user, patient_id=_pk(resource_id, "Patient")))


def patient_search(user: User, search: Search) -> Found:
    page = access.fhir_patients(
        user=user,
        ids=ids_of(search.listed("_id"), "Patient"),
        name=search.one("name") or "",
        offset=search.offset,
        count=search.count,
    )
    return _counted([mappers.patient(row) for row in page.rows], page.total, search)


def _counted(resources: list[Resource], total: int, search: Search) -> Found:
    return Found(resources, total, search.offset + search.count < total)


def appointment_read(user: User, resource_id: str) -> Resource:
    appointment_id = _pk(resource_id, "Appointment")
    return mappers.appointment(access.fhir_appointment(user=user, appointment_id=appointment_id))


def appointment_search(user: User, search: Search) -> Found:
    statuses = search.listed("status")
    unknown = [status for status in statuses if status not in R4_APPOINTMENT_STATUSES]
    if unknown:
        raise FhirError(400, IssueCode.INVALID, "status: not an Appointment status code.")
    bounds = bounds_of(search.values.get("date", []), "date", timezone.get_default_timezone())
    query = access.AppointmentQuery(
        start_from=bounds.lower,
        start_before=bounds.upper,
        location_ids=ids_of(search.listed("location"), "Location"),
        practitioner_ids=ids_of(search.listed("practitioner"), "Practitioner"),
        patient_ids=ids_of(search.listed("patient"), "Patient"),
        statuses=statuses,
    )
    page = access.fhir_appointments(
        user=user, query=query, offset=search.offset, count=search.count
    )
    return _counted([mappers.appointment(row) for row in page.rows], page.total, search)


def observation_read(user: User, resource_id: str) -> Resource:
    result_id = _pk(resource_id, "Observation")
    return mappers.observation(access.fhir_observation(user=user, result_id=result_id))


def observation_search(user: User, search: Search) -> Found:
    patients = ids_of(search.listed("patient") + search.listed("subject"), "Patient")
    page = access.fhir_observations(
        user=user, patient_ids=patients, offset=search.offset, count=search.count
    )
    return _counted([mappers.observation(row) for row in page.rows], page.total, search)


SERVED: dict[str, Served] = {
    "Location": Served(location_read, location_search, {"_id": "token", "name": "string"}),
    "HealthcareService": Served(service_read, service_search, {"_id": "token", "name": "string"}),
    "Practitioner": Served(
        practitioner_read, practitioner_search, {"_id": "token", "name": "string"}
    ),
    "PractitionerRole": Served(
        role_read,
        role_search,
        {"_id": "token", "practitioner": "reference", "location": "reference"},
    ),
    "Schedule": Served(schedule_read, schedule_search, {"_id": "token", "actor": "reference"}),
    "Slot": Served(
        slot_read,
        slot_search,
        {"schedule": "reference", "service-type": "token", "start": "date", "status": "token"},
    ),
    "Appointment": Served(
        appointment_read,
        appointment_search,
        {
            "date": "date",
            "practitioner": "reference",
            "patient": "reference",
            "location": "reference",
            "status": "token",
        },
    ),
    "Patient": Served(patient_read, patient_search, {"_id": "token", "name": "string"}),
    "Observation": Served(
        observation_read, observation_search, {"patient": "reference", "subject": "reference"}
    ),
}
