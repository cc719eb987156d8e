"""The staff schedules: a location's day (a column per practitioner, or per room), a
practitioner's week, and the printable day sheet. Reads scheduling.selectors.calendar; the layout
arithmetic here is only about drawing (which grid row a time falls on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from rehabdesk.access.accessors import patients_for, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.clinic.models import Location, Practitioner
from rehabdesk.clinic.selectors import (
    location_active_by_slug,
    location_home_among,
    locations_active,
)
from rehabdesk.core.bounds import day_within_bounds
from rehabdesk.core.clock import clock
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import Column, Day, location_day, practitioner_week
from rehabdesk.web.staff.schedule_cells import Cell, free_cells

# One grid row per five minutes.
ROW_MINUTES = 5


@dataclass(frozen=True)
class Grid:
    """Which grid row a wall-clock time falls on, for a day drawn from `first` to `last`."""

    first: time
    last: time

    @property
    def base(self) -> int:
        return self.first.hour * 60

    @property
    def rows(self) -> int:
        end = self.last.hour * 60 + self.last.minute
        return max(1, -(-(end - self.base) // ROW_MINUTES))

    def row(self, moment: time) -> int:
        minutes = moment.hour * 60 + moment.minute
        return min(max(1, (minutes - self.base) // ROW_MINUTES + 1), self.rows + 1)

    def place(self, starts: time, ends: time) -> str:
        first, last = self.row(starts), self.row(ends)
        return f"grid-row: {first} / {max(last, first + 1)}"

    def hours(self) -> list[tuple[str, str]]:
        """Hour labels and where they go."""
        return [
            (self.place(time(hour), time(hour)), clock(time(hour)))
            for hour in range(self.first.hour, min(self.last.hour + 1, 24))
        ]


def _grid(days: list[Day]) -> Grid:
    first = min(d.opens for d in days)
    last = max(d.closes for d in days)
    return Grid(time(first.hour), last)


def _drawn(
    column: Column, grid: Grid, day: Day, shown: set[int], cells: list[Cell] | None = None
) -> dict[str, object]:
    zone = day.location.zone
    blocks = []
    for appointment in column.appointments:
        starts = appointment.start.astimezone(zone)
        ends = appointment.end.astimezone(zone)
        local_end = ends.time() if ends.date() == day.day else time(23, 59)
        blocks.append(
            {
                "appointment": appointment,
                "starts": starts,
                "ends": ends,
                "style": grid.place(starts.time(), local_end),
                "named": appointment.patient_id in shown,
            }
        )
    return {
        "column": column,
        "working": [(grid.place(s.starts, s.ends), s) for s in column.working],
        "breaks": [(grid.place(s.starts, s.ends), s) for s in column.breaks],
        "away": [(grid.place(s.starts, s.ends), s) for s in column.away],
        "blocks": blocks,
        "cells": cells or [],
    }


def _cells(
    request: HttpRequest,
    column: Column,
    grid: Grid,
    day: Day,
    location_id: int | None,
    practitioner: Practitioner | None = None,
) -> list[Cell]:
    """The free cells of a practitioner's lane, for those who book (the desk, a
    manager, a practitioner on their own week). A week's lane has no one location:
    each shift says where."""
    practitioner_id = practitioner.pk if practitioner else column.practitioner_id
    name = practitioner.display_name if practitioner else column.title
    if practitioner_id is None or not can(person_for(request.user), Capability.SEARCH_PATIENTS):
        return []
    return free_cells(
        column,
        day=day.day,
        zone=day.location.zone,
        step=day.location.clinic.slot_step_minutes,
        now=timezone.now(),
        place=grid.place,
        practitioner_id=practitioner_id,
        practitioner_name=name,
        location_id=location_id,
    )


def _shown(request: HttpRequest, appointments: list[Appointment], summary: str) -> set[int]:
    """The patients whose names the person may see, each look put on file."""
    patients = {a.patient.pk: a.patient for a in appointments if a.patient is not None}
    visible = patients_for(
        user=request.user, patients=patients.values(), summary=summary, object_type="web.schedule"
    )
    return {patient.pk for patient in visible}


def _place(slug: str) -> Location:
    place = location_active_by_slug(slug=slug)
    if place is None:
        raise Http404("No such location.")
    return place


def _day(value: str) -> date:
    """The day in the address; a day out of range (core/bounds.py) is not there."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Http404("Not a date.") from None
    if not day_within_bounds(day):
        raise Http404("No schedule that day.")
    return day


def _now_marker(grid: Grid, day: date, location: Location) -> dict[str, str] | None:
    now = timezone.now().astimezone(location.zone)
    if now.date() != day or not grid.first <= now.time() <= grid.last:
        return None
    return {"style": grid.place(now.time(), now.time()), "label": clock(now)}


@require_GET
@login_required
def schedule_today(request: HttpRequest) -> HttpResponse:
    """Today where the user usually works (else the first location), or the location and
    day the jump form asks for."""
    require(user=request.user, capability=Capability.VIEW_SCHEDULES)
    location = location_active_by_slug(slug=request.GET.get("location", ""))
    if location is None:
        active = list(locations_active())
        if not active:
            raise Http404("No location.")
        location = location_home_among(user_id=request.user.pk, locations=active)
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    if day is None or not day_within_bounds(day):
        day = timezone.localdate(timezone.now(), location.zone)
    query = "?by=room" if request.GET.get("by") == "room" else ""
    return redirect(
        reverse("schedule-day", kwargs={"location": location.slug, "day": day.isoformat()}) + query
    )


@require_GET
@login_required
def schedule_day(request: HttpRequest, location: str, day: str) -> HttpResponse:
    require(user=request.user, capability=Capability.VIEW_SCHEDULES)
    place = _place(location)
    when = _day(day)
    by_resource = request.GET.get("by") == "room"
    drawn = location_day(location=place, day=when, by_resource=by_resource)
    grid = _grid([drawn])
    shown = _shown(request, drawn.appointments, "schedule")
    locations = list(locations_active())
    columns = [
        _drawn(column, grid, drawn, shown, _cells(request, column, grid, drawn, place.pk))
        for column in drawn.columns
    ]
    return render(
        request,
        "web/schedule/day.html",
        {
            "schedule": drawn,
            "grid": grid,
            "hours": grid.hours(),
            "rows": grid.rows,
            "columns": columns,
            "bookable": any(lane["cells"] for lane in columns),
            "by_resource": by_resource,
            "locations": locations,
            "next_location": _after(locations, place),
            "previous_day": when - timedelta(days=1),
            "next_day": when + timedelta(days=1),
            "today": timezone.localdate(timezone.now(), place.zone),
            "now": _now_marker(grid, when, place),
        },
    )


@require_GET
@login_required
def schedule_sheet(request: HttpRequest, location: str, day: str) -> HttpResponse:
    """The day on paper: each practitioner's appointments in a table."""
    require(user=request.user, capability=Capability.VIEW_SCHEDULES)
    place = _place(location)
    drawn = location_day(location=place, day=_day(day))
    shown = _shown(request, drawn.appointments, "day sheet")
    return render(
        request,
        "web/schedule/sheet.html",
        {"schedule": drawn, "shown": shown, "zone": place.zone},
    )


@require_GET
@login_required
def schedule_week(request: HttpRequest, practitioner_id: int, day: str) -> HttpResponse:
    """A practitioner's week: anyone who sees schedules, or the practitioner."""
    person = person_for(request.user)
    if not (can(person, Capability.VIEW_SCHEDULES) or person.practitioner_id == practitioner_id):
        raise AccessDenied(
            object_type="web.page",
            object_id="schedule-week",
            summary=str(Capability.VIEW_SCHEDULES),
        )
    practitioner = get_object_or_404(Practitioner, pk=practitioner_id)
    when = _day(day)
    monday = when - timedelta(days=when.weekday())
    week = practitioner_week(practitioner=practitioner, monday=monday)
    grid = _grid(week)
    appointments = [a for d in week for a in d.appointments]
    shown = _shown(request, appointments, "practitioner's week")
    columns = [
        _drawn(
            d.columns[0], grid, d, shown, _cells(request, d.columns[0], grid, d, None, practitioner)
        )
        for d in week
    ]
    return render(
        request,
        "web/schedule/week.html",
        {
            "practitioner": practitioner,
            "week": week,
            "grid": grid,
            "hours": grid.hours(),
            "rows": grid.rows,
            "columns": columns,
            "bookable": any(lane["cells"] for lane in columns),
            "monday": monday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


def _after(locations: list[Location], place: Location) -> Location:
    index = next(i for i, loc in enumerate(locations) if loc.pk == place.pk)
    return locations[(index + 1) % len(locations)]


urlpatterns: list[URLPattern] = [
    path("staff/schedule/", schedule_today, name="schedule-today"),
    path("staff/schedule/<slug:location>/<str:day>/", schedule_day, name="schedule-day"),
    path("staff/schedule/<slug:location>/<str:day>/sheet/", schedule_sheet, name="schedule-sheet"),
    path(
        "staff/practitioners/<int:practitioner_id>/week/<str:day>/",
        schedule_week,
        name="schedule-week",
    ),
]
