"""Book a treatment plan: its visits proposed as dates and times per course (the
patient's usual times with the practitioner, the nearest free time where one is
taken, at either location if the patient wants), then booked all at once.

The practitioner opens it from the plan, the front desk from the patient page: the
page shows the times only — the service, the practitioner, the place, the dates —
never the plan's problems or goals. What is booked is what was shown: the proposal
travels signed in the form (plans.proposal), and a time taken meanwhile books nothing
and shows the times as they are now.

HTTP only: rehabdesk.access.plans authorizes (MANAGE_BOOKINGS) and audits the look;
plans.services proposes (nothing written) and books (one transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.plans import PlanBooking, plan_booking_for
from rehabdesk.access.policy import Capability
from rehabdesk.clinic.choices import Weekday
from rehabdesk.core.clock import clock
from rehabdesk.plans.errors import PlanError
from rehabdesk.plans.proposal import (
    CourseProposal,
    Proposal,
    ProposedVisit,
    proposal_read,
    proposal_sign,
)
from rehabdesk.plans.services import plan_book, plan_booking_propose
from rehabdesk.web.refusals import page_status

BOOK = "book"  # each visit's box: ticked, it is booked
BOTH = "both"  # the switch: look at every location, not the course's own


@dataclass(frozen=True)
class VisitLine:
    """A proposed visit as the page lists it."""

    visit: ProposedVisit
    start: datetime | None  # local
    wanted: datetime  # local
    place: str  # the location's name when it is not the course's own, else ""

    @property
    def moved(self) -> bool:
        return not self.visit.free and self.start is not None


@dataclass(frozen=True)
class CourseLine:
    course: CourseProposal
    place: str
    pattern: str  # "Tuesdays and Thursdays at 9:00 AM"
    visits: list[VisitLine]


def _lines(proposal: Proposal) -> list[CourseLine]:
    names = proposal.location_names or {}
    zone = timezone.get_current_timezone()
    lines = []
    for course in proposal.courses:
        visits = [
            VisitLine(
                visit=visit,
                start=visit.start.astimezone(zone) if visit.start else None,
                wanted=visit.wanted.astimezone(zone),
                place=names.get(visit.location_id, "")
                if visit.location_id != course.location_id
                else "",
            )
            for visit in course.visits
        ]
        lines.append(
            CourseLine(
                course=course,
                place=names.get(course.location_id, ""),
                pattern=_pattern(course),
                visits=visits,
            )
        )
    return lines


def _pattern(course: CourseProposal) -> str:
    parts = [f"{Weekday(day).label}s at {clock(moment)}" for day, moment in course.pattern]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _page(
    request: HttpRequest,
    booking: PlanBooking,
    proposal: Proposal,
    *,
    refusal: PlanError | None = None,
    ticked: Iterable[str] | None = None,
) -> HttpResponse:
    chosen = {visit.key for visit in proposal.bookable} if ticked is None else set(ticked)
    return render(
        request,
        "web/plans/book.html",
        {
            "patient": booking.patient,
            "plan_id": booking.plan.pk,
            "may_read_plan": booking.may_read_plan,
            "proposal": proposal,
            "signed": proposal_sign(proposal),
            "courses": _lines(proposal),
            "chosen": chosen,
            "refusal": refusal,
            "book": BOOK,
        },
        status=page_status(refusal),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_book_page(request: HttpRequest, patient_id: int, plan_id: int) -> HttpResponse:
    """GET: the proposal (`?both=1` at every location). POST: book it as shown, less
    the visits unticked; a time taken meanwhile books nothing and proposes again."""
    require(user=request.user, capability=Capability.SEARCH_PATIENTS)
    booking = plan_booking_for(user=request.user, patient_id=patient_id, plan_id=plan_id)
    now = timezone.now()
    if request.method == "GET":
        return _proposed(request, booking, both=request.GET.get(BOTH) == "1", now=now)
    both = request.POST.get(BOTH) == "1"
    try:
        shown = proposal_read(request.POST.get("proposal", ""), plan_id=booking.plan.pk, now=now)
    except PlanError as error:
        return _proposed(request, booking, both=both, now=now, refusal=error)
    ticked = set(request.POST.getlist(BOOK))
    leave_out = [visit.key for visit in shown.bookable if visit.key not in ticked]
    if len(leave_out) == len(shown.bookable):
        messages.error(request, "Tick at least one visit to book.")
        return _page(request, booking, shown, ticked=ticked)
    try:
        booked = plan_book(
            plan=booking.plan, proposal=shown, actor=request.user, now=now, leave_out=leave_out
        )
    except PlanError as error:
        return _proposed(request, booking, both=shown.both_locations, now=now, refusal=error)
    count = len(booked)
    messages.success(request, f"Booked {count} visit{pluralize(count)} of the plan.")
    return _onward(booking)


def _proposed(
    request: HttpRequest,
    booking: PlanBooking,
    *,
    both: bool,
    now: datetime,
    refusal: PlanError | None = None,
) -> HttpResponse:
    """The plan's booking proposed as of now (after `refusal`, if a booking was
    refused: nothing was booked); a discharged plan has nothing to book."""
    try:
        proposal = plan_booking_propose(plan=booking.plan, both_locations=both, now=now)
    except PlanError as error:
        messages.error(request, error.message)
        return _onward(booking)
    return _page(request, booking, proposal, refusal=refusal)


def _onward(booking: PlanBooking) -> HttpResponse:
    """The plan for whoever may read it; the patient page for the desk."""
    if booking.may_read_plan:
        return redirect("plan-detail", patient_id=booking.patient.pk, plan_id=booking.plan.pk)
    return redirect("patient-detail", patient_id=booking.patient.pk)


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/plans/<int:plan_id>/book/",
        plan_book_page,
        name="plan-book",
    ),
]
