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
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Case, DateField, Exists, OuterRef, Q, QuerySet, When
from django.db.models.functions import TruncDate

from rehabdesk.access.accessors import User, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.opening_instants import open_intervals
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
    return Report(_entries(list(shown.object_list), staff, {}, _locations()), shown)


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
    sites = _locations()
    if concern in (Concern.AFTER_HOURS, Concern.NO_VISIT_THAT_DAY, Concern.NO_VISIT_EVER):
        rows = _narrowed(rows, concern, sites, since=now - timedelta(days=days), until=now)
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
    return Report(_entries(on_page, staff, patients, sites), shown, staff_choices)


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
    practitioner without an appointment with the patient (that day, or ever), for the
    rows of a page. Reads the appointments concerned once (two queries). The rules
    the database applies to a whole period (`_narrowed`) are these, row for row."""

    def __init__(self, rows: Sequence[AuditEventPatient], locations: dict[int, _Site]) -> None:
        self.locations = locations
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
    spans: dict[int, list[tuple[time, time]]]
    closures: list[tuple[date, date]]

    def closed_at(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        day, time = local.date(), local.time().replace(tzinfo=None)
        if any(first <= day <= last for first, last in self.closures):
            return True
        return not any(
            opens <= time < closes for opens, closes in self.spans.get(day.weekday(), [])
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
    sites: dict[int, _Site],
) -> list[Entry]:
    flags = _Flags(list(rows), sites)
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


# The same rules, asked of the database for a whole period -----------------------------


def _narrowed(
    rows: QuerySet[AuditEventPatient],
    concern: Concern,
    sites: dict[int, _Site],
    *,
    since: datetime,
    until: datetime,
) -> QuerySet[AuditEventPatient]:
    """`rows` narrowed to `concern` in the query itself, so the report is complete and
    paged by the database: the rules of `_Flags`, written as conditions."""
    if concern == Concern.AFTER_HOURS:
        return rows.filter(_after_hours(sites, since=since, until=until))
    practitioners = Practitioner.objects.filter(user_id=OuterRef("event__actor_id"))
    visits = Appointment.objects.filter(
        practitioner__user_id=OuterRef("event__actor_id"),
        patient_id=OuterRef("patient_id"),
        status__in=KEPT,
    )
    rows = rows.filter(Exists(practitioners))
    if concern == Concern.NO_VISIT_EVER:
        return rows.filter(~Exists(visits))
    # That day: the look's day on its location's clock, the visit's on the visit's.
    return rows.annotate(
        local_day=_local_day(sites, "event__location_id", "event__occurred_at")
    ).filter(
        ~Exists(
            visits.annotate(local_day=_local_day(sites, "location_id", "start")).filter(
                local_day=OuterRef("local_day")
            )
        )
    )


def _site_of(sites: dict[int, _Site], location_field: str) -> dict[int, Q]:
    """Each location's condition on `location_field`: its own id; the default (first)
    location also takes no location and one not (or no longer) on file."""
    conditions = {pk: Q(**{location_field: pk}) for pk in sites}
    default = next(iter(sites), None)
    if default is not None:
        others = [pk for pk in sites if pk != default]
        conditions[default] = Q(**{f"{location_field}__isnull": True}) | ~Q(
            **{f"{location_field}__in": others}
        )
    return conditions


def _after_hours(sites: dict[int, _Site], *, since: datetime, until: datetime) -> Q:
    """A look at a moment outside every opening interval of its location (its hours
    on each local day of the period, closures left out, as UTC instants)."""
    after = Q(pk__in=[])
    for pk, where in _site_of(sites, "event__location_id").items():
        site = sites[pk]
        opened = open_intervals(
            zone=site.zone,
            spans=site.spans,
            closures=site.closures,
            since=since - timedelta(days=1),
            until=until + timedelta(days=1),
        )
        in_hours = Q(pk__in=[])
        for start, end in opened:
            in_hours |= Q(event__occurred_at__gte=start, event__occurred_at__lt=end)
        after |= where & ~in_hours
    return after


def _local_day(sites: dict[int, _Site], location_field: str, time_field: str) -> Case:
    """The local date of `time_field` on the clock of its location (the default one's
    for none): the database reads the zone, one branch per zone."""
    default = next(iter(sites.values()), None)
    default_zone = default.zone if default else zoneinfo.ZoneInfo("UTC")
    by_zone: dict[str, list[int]] = {}
    for pk, site in sites.items():
        if site.zone.key != default_zone.key:
            by_zone.setdefault(site.zone.key, []).append(pk)
    return Case(
        *[
            When(
                **{f"{location_field}__in": ids},
                then=TruncDate(time_field, tzinfo=zoneinfo.ZoneInfo(key)),
            )
            for key, ids in by_zone.items()
        ],
        default=TruncDate(time_field, tzinfo=default_zone),
        output_field=DateField(),
    )
