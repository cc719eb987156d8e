"""The access report: who looked at a patient's record, and when.

- The patient's own (the portal, /my/privacy/access-log/): each time a member of staff
  saw or changed their information, or a dependent's they manage — the person's name
  and role (never an id or an e-mail address), the time in the location's zone, and
  what kind of information.
- The privacy officer's (/staff/privacy/access/, Capability.OVERSEE_PRIVACY): the same
  across patients, over the last 7, 30 or 90 days, narrowed to one member of staff and
  to what deserves a look: after hours (outside the location's opening hours, or on a
  day it is closed), a practitioner looking without an appointment with the patient
  that day or ever, and emergency openings (AuditAction.EMERGENCY, break-glass).

Reading the trail is itself put on file: one VIEW event per page shown, linking the
patients on it. Built on the audit trail's own reads (audit.selectors.patient_accesses);
the manager's per-patient access log (web/staff/patient_views.py) stays as it is.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator

from rehabdesk.access.accessors import User, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Capability, person_for
from rehabdesk.accounts.roles import Role
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEventPatient
from rehabdesk.audit.selectors import patient_accesses
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Closure, Location, OpeningHours, Practitioner
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import patient_exists, patients_by_ids
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

PER_PAGE = 50
# Rows the officer's after-hours and no-appointment filters look through at most (the
# newest first): the window is at most 90 days; the page says when it stopped short.
SCAN_LIMIT = 20_000
STAFF_ROLES = (Role.MANAGER, Role.FRONT_DESK, Role.PRACTITIONER, Role.PRIVACY_OFFICER)
WINDOWS = (7, 30, 90)
# An appointment that took place or was to: a booking that stood.
KEPT = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)
OWN_LOG = "audit.access_log"
CLINIC_REPORT = "audit.access_report"
# A calendar feed's fetch: a calendar program reading on its owner's behalf, at hours it
# picks, listing weeks of visits. On the trail, but never a concern by itself: it would
# flag every night and every patient without a visit that day.
CALENDAR_FEED = "scheduling.calendarfeed"


class Concern(StrEnum):
    """What the privacy officer's report narrows to."""

    ALL = ""
    AFTER_HOURS = "after_hours"
    NO_VISIT_THAT_DAY = "no_visit_day"
    NO_VISIT_EVER = "no_visit_ever"
    EMERGENCY = "emergency"


CONCERN_LABELS = {
    Concern.ALL: "Every access",
    Concern.AFTER_HOURS: "After hours",
    Concern.NO_VISIT_THAT_DAY: "No appointment that day (practitioners)",
    Concern.NO_VISIT_EVER: "No appointment ever (practitioners)",
    Concern.EMERGENCY: "Emergency openings (break-glass)",
}


@dataclass(frozen=True)
class Entry:
    """One look at one patient's information, as the report shows it."""

    when: datetime  # in the location's zone
    who: str
    role: str
    what: str
    action: str
    outcome: str
    patient: Patient | None
    location: str
    after_hours: bool = False
    no_visit_that_day: bool = False
    no_visit_ever: bool = False
    emergency: bool = False


@dataclass
class Report:
    entries: list[Entry]
    page: Page
    scanned_all: bool = True
    staff: list[tuple[int, str]] = field(default_factory=list)


# The patient's own ---------------------------------------------------------------------


def own_access_log_for(*, user: User, patient_id: int, page: int, now: datetime) -> Report:
    """Who among staff saw or changed this patient's information, newest first, if
    `user` is the patient or manages their bookings; the page shown is on file."""
    person = person_for(user)
    if Role.PATIENT not in person.roles or patient_id not in person.managed_patient_ids:
        found = patient_exists(patient_id=patient_id)
        raise AccessDenied(
            object_type=OWN_LOG,
            object_id=str(patient_id),
            patient_ids=[patient_id] if found else [],
            summary="access log",
            found=found,
        )
    staff = _staff()
    rows = patient_accesses(patient_ids=[patient_id], actor_ids=list(staff))
    shown = Paginator(rows, PER_PAGE).get_page(page)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=OWN_LOG,
        object_id=str(patient_id),
        patient_ids=[patient_id],
        summary="access log",
        now=now,
    )
    return Report(_entries(list(shown.object_list), staff, patients={}), shown)


# The privacy officer's -------------------------------------------------------------------


def clinic_access_report_for(
    *,
    user: User,
    concern: Concern,
    staff_id: int | None,
    days: int,
    page: int,
    now: datetime,
) -> Report:
    """Accesses to patients' information over the last `days` days, narrowed to
    `concern` and to one member of staff; refused (404) without OVERSEE_PRIVACY. The
    page shown is on file, linking its patients."""
    require(user=user, capability=Capability.OVERSEE_PRIVACY)
    staff = _staff()
    actors = [staff_id] if staff_id is not None else list(staff)
    rows = patient_accesses(
        since=now - timedelta(days=days),
        actor_ids=actors if staff_id is None or staff_id in staff else [],
        actions=[AuditAction.EMERGENCY] if concern == Concern.EMERGENCY else None,
    )
    scanned_all = True
    if concern in (Concern.AFTER_HOURS, Concern.NO_VISIT_THAT_DAY, Concern.NO_VISIT_EVER):
        window = list(rows[: SCAN_LIMIT + 1])
        scanned_all = len(window) <= SCAN_LIMIT
        flags = _Flags(window[:SCAN_LIMIT])
        matching: Sequence[AuditEventPatient] = [
            row for row in window[:SCAN_LIMIT] if flags.concerns(row, concern)
        ]
        shown = Paginator(matching, PER_PAGE).get_page(page)
    else:
        shown = Paginator(rows, PER_PAGE).get_page(page)
    on_page: list[AuditEventPatient] = list(shown.object_list)
    patients = {p.pk: p for p in patients_by_ids(ids={row.patient_id for row in on_page})}
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        object_type=CLINIC_REPORT,
        object_id=str(concern) or "all",
        patient_ids=list(patients),
        summary="access report",
        now=now,
    )
    staff_choices = sorted(((pk, who) for pk, (who, _) in staff.items()), key=lambda s: s[1])
    return Report(_entries(on_page, staff, patients), shown, scanned_all, staff_choices)


# Shared ------------------------------------------------------------------------------------


def _staff() -> dict[int, tuple[str, str]]:
    """Every member of staff: id -> (name, roles), as the report names them. A
    practitioner by the name patients book them by."""
    users = (
        get_user_model()
        .objects.filter(groups__name__in=[str(role) for role in STAFF_ROLES])
        .prefetch_related("groups")
        .distinct()
    )
    practitioners = dict(Practitioner.objects.values_list("user_id", "display_name"))
    staff = {}
    for user in users:
        held = {group.name for group in user.groups.all()}
        roles = ", ".join(str(role) for role in STAFF_ROLES if str(role) in held)
        name = practitioners.get(user.pk) or user.get_full_name() or "A member of staff"
        staff[user.pk] = (name, roles)
    return staff


class _Flags:
    """What deserves a look in a set of rows: after hours at their location, and a
    practitioner without an appointment with the patient (that day, or ever). Reads
    the locations' hours and the appointments concerned once (three queries)."""

    def __init__(self, rows: Sequence[AuditEventPatient]) -> None:
        self.locations = _locations()
        self.default = next(iter(self.locations.values()), None)
        practitioners = dict(
            Practitioner.objects.filter(
                user_id__in={row.event.actor_id for row in rows}
            ).values_list("user_id", "pk")
        )
        self.practitioner_of = practitioners
        visits = Appointment.objects.filter(
            practitioner_id__in=set(practitioners.values()),
            patient_id__in={row.patient_id for row in rows},
            status__in=KEPT,
        ).values_list("practitioner_id", "patient_id", "start", "location_id")
        self.ever: set[tuple[int, int]] = set()
        self.days: set[tuple[int, int, date]] = set()
        for practitioner_id, patient_id, start, location_id in visits:
            self.ever.add((practitioner_id, patient_id))
            zone = self._zone(location_id)
            self.days.add((practitioner_id, patient_id, start.astimezone(zone).date()))

    def _site(self, location_id: int | None) -> _Site | None:
        return self.locations.get(location_id or 0, self.default)

    def _zone(self, location_id: int | None) -> zoneinfo.ZoneInfo:
        site = self._site(location_id)
        return site.zone if site else zoneinfo.ZoneInfo("UTC")

    def after_hours(self, row: AuditEventPatient) -> bool:
        site = self._site(row.event.location_id)
        return site is not None and site.closed_at(row.event.occurred_at)

    def no_visit_ever(self, row: AuditEventPatient) -> bool:
        practitioner = self.practitioner_of.get(row.event.actor_id or 0)
        return practitioner is not None and (practitioner, row.patient_id) not in self.ever

    def no_visit_that_day(self, row: AuditEventPatient) -> bool:
        practitioner = self.practitioner_of.get(row.event.actor_id or 0)
        if practitioner is None:
            return False
        day = row.event.occurred_at.astimezone(self._zone(row.event.location_id)).date()
        return (practitioner, row.patient_id, day) not in self.days

    def concerns(self, row: AuditEventPatient, concern: Concern) -> bool:
        if row.event.object_type == CALENDAR_FEED:
            return False
        if concern == Concern.AFTER_HOURS:
            return self.after_hours(row)
        if concern == Concern.NO_VISIT_THAT_DAY:
            return self.no_visit_that_day(row)
        if concern == Concern.NO_VISIT_EVER:
            return self.no_visit_ever(row)
        return True


@dataclass
class _Site:
    name: str
    zone: zoneinfo.ZoneInfo
    spans: dict[int, list[tuple[object, object]]]
    closures: list[tuple[date, date]]

    def closed_at(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        day, time = local.date(), local.time().replace(tzinfo=None)
        if any(first <= day <= last for first, last in self.closures):
            return True
        return not any(
            opens <= time < closes  # type: ignore[operator]
            for opens, closes in self.spans.get(day.weekday(), [])
        )


def _locations() -> dict[int, _Site]:
    """Every location, active first then by name, with its hours and closures (three
    queries)."""
    sites = {
        location.pk: _Site(location.name, location.zone, {}, [])
        for location in Location.objects.order_by("-active", "name")
    }
    for location_id, weekday, opens, closes in OpeningHours.objects.values_list(
        "location_id", "weekday", "opens", "closes"
    ):
        sites[location_id].spans.setdefault(weekday, []).append((opens, closes))
    for location_id, first, last in Closure.objects.values_list(
        "location_id", "first_day", "last_day"
    ):
        sites[location_id].closures.append((first, last))
    return sites


def _entries(
    rows: Collection[AuditEventPatient],
    staff: dict[int, tuple[str, str]],
    patients: dict[int, Patient],
) -> list[Entry]:
    flags = _Flags(list(rows))
    entries = []
    for row in rows:
        event = row.event
        who, role = staff.get(event.actor_id or 0, ("A former member of staff", ""))
        site = flags._site(event.location_id)
        entries.append(
            Entry(
                when=event.occurred_at.astimezone(flags._zone(event.location_id)),
                who=who,
                role=role,
                what=event.summary or "record",
                action=event.get_action_display(),
                outcome=event.get_outcome_display(),
                patient=patients.get(row.patient_id),
                location=site.name if site else "",
                after_hours=flags.after_hours(row),
                no_visit_that_day=flags.no_visit_that_day(row),
                no_visit_ever=flags.no_visit_ever(row),
                emergency=event.action == AuditAction.EMERGENCY,
            )
        )
    return entries
