"""A plan's booking as proposed: for each course not booked yet, the weekly pattern
(weekday and wall-clock time), and each visit's wanted time with the time to book
instead when it is not free. Plain data, nothing written (plans.services.booking).

It holds times, people, services and places only — no clinical content — so the front
desk, who confirms a booking with MANAGE_BOOKINGS, may see it whole. Between the page
that shows it and the POST that books it, it travels signed (`proposal_sign`,
`proposal_read`): what is booked is what was shown, or PROPOSAL_CHANGED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.core import signing

from rehabdesk.availability.types import Reason
from rehabdesk.plans.errors import PlanError, PlanErrorCode

SALT = "rehabdesk.plans.proposal"
# A proposal shown longer ago than this is proposed again rather than booked.
PROPOSAL_KEEPS = timedelta(hours=2)


class WhyNotFree(StrEnum):
    """Why a wanted time is not booked as it is: the engine's reasons, and the plan's own."""

    BEYOND_HORIZON = Reason.BEYOND_HORIZON.value
    NOBODY_QUALIFIED = Reason.NOBODY_QUALIFIED.value
    CLOSED = Reason.CLOSED.value
    NO_RESOURCES = Reason.NO_RESOURCES.value
    TOO_SOON = Reason.TOO_SOON.value
    FULLY_BOOKED = Reason.FULLY_BOOKED.value
    NOT_OFFERED = "not_offered"  # not a start the calendar offers (another location's time)
    PATIENT_BUSY = "patient_busy"  # the patient has another booking then
    PLAN_VISIT = "plan_visit"  # another visit of this plan is then


WHY_TEXT: Mapping[WhyNotFree, str] = {
    WhyNotFree.BEYOND_HORIZON: "Bookings are not open that far ahead yet.",
    WhyNotFree.NOBODY_QUALIFIED: "The practitioner may not deliver this service then.",
    WhyNotFree.CLOSED: "The practitioner does not work then (hours, time off or a closure).",
    WhyNotFree.NO_RESOURCES: "The location lacks a room or equipment this service needs.",
    WhyNotFree.TOO_SOON: "It is too soon to book that time.",
    WhyNotFree.FULLY_BOOKED: "That time is taken.",
    WhyNotFree.NOT_OFFERED: "That time is not one the calendar offers.",
    WhyNotFree.PATIENT_BUSY: "The patient has another booking then.",
    WhyNotFree.PLAN_VISIT: "Another visit of this plan is then.",
}


@dataclass(frozen=True)
class ProposedVisit:
    """One visit of a course: `wanted` is the pattern's time that day (an instant in
    UTC); `start` the time to book — `wanted` when free, else the nearest free time
    (±3 days, at `location_id`), None when there is none; `why` says why `wanted` is
    not free ("" when it is)."""

    course_id: int
    number: int  # 1, 2, ... in the course
    wanted: datetime
    start: datetime | None
    location_id: int
    why: str = ""

    @property
    def key(self) -> str:
        """Names the visit in a form (`leave_out`)."""
        return f"{self.course_id}-{self.number}"

    @property
    def free(self) -> bool:
        return not self.why

    @property
    def why_text(self) -> str:
        return WHY_TEXT[WhyNotFree(self.why)] if self.why else ""


@dataclass(frozen=True)
class CourseProposal:
    """A course's visits: `pattern` its weekdays (0 is Monday) and wall-clock times at
    its location, from the patient's usual times with the practitioner (`usual`) or the
    practitioner's first free times; `short` visits the pattern could not place (the
    practitioner works on fewer days a week than the course asks)."""

    course_id: int
    practitioner_id: int
    practitioner_name: str
    service_id: int
    service_name: str
    location_id: int
    pattern: tuple[tuple[int, time], ...]
    usual: bool
    first_day: date
    visits: tuple[ProposedVisit, ...]
    short: int = 0


@dataclass(frozen=True)
class Proposal:
    """The plan's booking as proposed at `revision`, made at `made_at`. Courses already
    booked are left out (`booked_course_ids`)."""

    plan_id: int
    revision: int
    both_locations: bool
    made_at: datetime
    courses: tuple[CourseProposal, ...]
    booked_course_ids: tuple[int, ...] = ()
    # Every location a visit may be at: id -> name.
    location_names: Mapping[int, str] | None = None

    @property
    def visits(self) -> list[ProposedVisit]:
        return sorted(
            (visit for course in self.courses for visit in course.visits),
            key=lambda v: (v.start or v.wanted, v.course_id),
        )

    @property
    def bookable(self) -> list[ProposedVisit]:
        return [visit for visit in self.visits if visit.start is not None]

    @property
    def conflicts(self) -> list[ProposedVisit]:
        return [visit for visit in self.visits if not visit.free]


def proposal_sign(proposal: Proposal) -> str:
    """The proposal as a signed text for a form's hidden field (times and ids only)."""
    return signing.dumps(_as_data(proposal), salt=SALT, compress=True)


def proposal_read(text: str, *, plan_id: int, now: datetime) -> Proposal:
    """The proposal `proposal_sign` wrote, for this plan: INVALID when the text was
    changed or is for another plan, PROPOSAL_CHANGED when it is too old to book."""
    try:
        data = signing.loads(text, salt=SALT)
        proposal = _from_data(data)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PlanError(
            PlanErrorCode.INVALID, "This booking form was changed: propose again."
        ) from None
    if proposal.plan_id != plan_id:
        raise PlanError(PlanErrorCode.INVALID, "This booking is for another plan.")
    if now - proposal.made_at > PROPOSAL_KEEPS:
        raise PlanError(
            PlanErrorCode.PROPOSAL_CHANGED,
            "This proposal is more than two hours old: look at the times again.",
        )
    return proposal


def _as_data(proposal: Proposal) -> dict[str, Any]:
    return {
        "plan": proposal.plan_id,
        "revision": proposal.revision,
        "both": proposal.both_locations,
        "made": proposal.made_at.isoformat(),
        "booked": list(proposal.booked_course_ids),
        "locations": [[k, v] for k, v in (proposal.location_names or {}).items()],
        "courses": [
            {
                "course": c.course_id,
                "practitioner": [c.practitioner_id, c.practitioner_name],
                "service": [c.service_id, c.service_name],
                "location": c.location_id,
                "pattern": [[day, moment.isoformat()] for day, moment in c.pattern],
                "usual": c.usual,
                "first": c.first_day.isoformat(),
                "short": c.short,
                "visits": [
                    [
                        v.number,
                        v.wanted.isoformat(),
                        v.start.isoformat() if v.start else None,
                        v.location_id,
                        v.why,
                    ]
                    for v in c.visits
                ],
            }
            for c in proposal.courses
        ],
    }


def _from_data(data: dict[str, Any]) -> Proposal:
    return Proposal(
        plan_id=int(data["plan"]),
        revision=int(data["revision"]),
        both_locations=bool(data["both"]),
        made_at=_instant(data["made"]),
        booked_course_ids=tuple(int(i) for i in data["booked"]),
        location_names={int(k): str(v) for k, v in data["locations"]},
        courses=tuple(
            CourseProposal(
                course_id=int(c["course"]),
                practitioner_id=int(c["practitioner"][0]),
                practitioner_name=str(c["practitioner"][1]),
                service_id=int(c["service"][0]),
                service_name=str(c["service"][1]),
                location_id=int(c["location"]),
                pattern=tuple(
                    (int(day), time.fromisoformat(moment)) for day, moment in c["pattern"]
                ),
                usual=bool(c["usual"]),
                first_day=date.fromisoformat(c["first"]),
                short=int(c["short"]),
                visits=tuple(
                    ProposedVisit(
                        course_id=int(c["course"]),
                        number=int(number),
                        wanted=_instant(wanted),
                        start=_instant(start) if start else None,
                        location_id=int(location),
                        why=WhyNotFree(why).value if why else "",
                    )
                    for number, wanted, start, location, why in c["visits"]
                ),
            )
            for c in data["courses"]
        ),
    )


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a proposal's times carry their offset")
    return moment
