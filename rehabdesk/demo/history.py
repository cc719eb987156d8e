"""Two years of past visits and the next 90 days, about 70 % booked, for the demo
clinic: planned from the availability engine's slots and inserted in bulk under the
database's double-booking guards (demo/calendars.py). Patients are invented."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.demo.calendars import Offering, appointments_import, plan_calendar
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patients_import
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment, WaitlistEntry
from rehabdesk.scheduling.selectors import availability_search
from rehabdesk.scheduling.services import BookingRequest, Wish, appointment_book, waitlist_add

HISTORY_DAYS = 730
FUTURE_DAYS = 90
OCCUPANCY = 0.93  # of candidate times taken: about 70 % of working time ends up booked
PATIENTS = 2500
PANEL = 180

FIRST = [
    "Ava",
    "Liam",
    "Noah",
    "Emma",
    "Olivia",
    "Lucas",
    "Mia",
    "Ethan",
    "Amelia",
    "Leo",
    "Chloe",
    "Arjun",
    "Zara",
    "Mateo",
    "Aaliyah",
    "Jacob",
    "Sofia",
    "Wei",
    "Hiro",
    "Nadia",
    "Omar",
    "Isla",
    "Priyanka",
    "Daniel",
    "Fatima",
    "Samuel",
    "Grace",
    "Ibrahim",
    "Maya",
    "Theo",
    "Anika",
    "Gabriel",
    "Leila",
    "Marcus",
    "Ingrid",
    "Kofi",
    "Elena",
    "Yusuf",
]
LAST = [
    "Smith",
    "Brown",
    "Tremblay",
    "Martin",
    "Roy",
    "Wilson",
    "Macdonald",
    "Gagnon",
    "Johnson",
    "Taylor",
    "Singh",
    "Patel",
    "Chen",
    "Wong",
    "Nguyen",
    "Kim",
    "Ali",
    "Khan",
    "Lee",
    "Campbell",
    "Anderson",
    "Santos",
    "Kowalski",
    "Haddad",
    "Okafor",
    "Silva",
    "Fischer",
    "Rossi",
    "Morin",
    "Li",
    "Sharma",
    "Murphy",
    "Das",
    "Ivanova",
    "Mensah",
]
AREA = ["905", "289", "416", "647"]

# Service slug -> weight, for whoever may deliver it (the engine leaves out the rest).
MIX = {
    "physiotherapy": {
        "physiotherapy-follow-up-30-minutes": 5,
        "physiotherapy-follow-up-45-minutes": 3,
        "physiotherapy-initial-assessment": 2,
        "active-rehabilitation-in-the-gym": 1,
        "electrotherapy": 1,
        "pelvic-floor-rehabilitation-follow-up": 2,
        "pelvic-floor-rehabilitation-assessment": 1,
        "acupuncture-treatment": 1,
    },
    "massage-therapy": {
        "massage-therapy-30-minutes": 1,
        "massage-therapy-45-minutes": 3,
        "massage-therapy-60-minutes": 4,
        "massage-therapy-90-minutes": 1,
    },
    "acupuncture": {"acupuncture-initial-treatment": 1, "acupuncture-treatment": 4},
}


def load_history(
    *,
    front_desk: User,
    now: datetime,
    days_back: int = HISTORY_DAYS,
    days_ahead: int = FUTURE_DAYS,
    seed: int = 2027,
) -> int:
    """Create the history patients and their appointments; returns the appointments."""
    rng = random.Random(seed)
    pool = [p.pk for p in patients_import(actor=front_desk, patients=_patients(rng, now.date()))]
    services = {service.slug: service for service in Service.objects.all()}
    practitioners = list(Practitioner.objects.prefetch_related("disciplines"))
    offerings = {
        practitioner.pk: [
            Offering(services[slug], weight)
            for discipline in practitioner.disciplines.all()
            for slug, weight in MIX.get(discipline.slug, {}).items()
            if slug in services
        ]
        for practitioner in practitioners
    }
    panels = {practitioner.pk: rng.sample(pool, PANEL) for practitioner in practitioners}
    today = now.date()
    total = 0
    for location in Location.objects.select_related("clinic"):
        planned = plan_calendar(
            location=location,
            offerings=offerings,
            patients=panels,
            first_day=today - timedelta(days=days_back),
            last_day=today + timedelta(days=days_ahead),
            now=now,
            occupancy=OCCUPANCY,
            rng=rng,
        )
        total += appointments_import(planned=planned, now=now, actor=front_desk)
    return total


# The demo family's next visits (the portal's sign-in is Grace's) start this far ahead:
# outside the cancellation notice, so they can be moved or cancelled online.
FAMILY_VISITS_FROM = timedelta(days=3)


def book_family_visits(*, front_desk: User, now: datetime) -> list[Appointment]:
    """Book Grace and her son Charlie into the first free initial assessments at
    Pickering, through the booking service like any phone booking. Each confirmation, with its
    manage link, is e-mailed to Grace: Charlie has no address of his own, and his
    mother manages his bookings."""
    service = Service.objects.get(slug="physiotherapy-initial-assessment")
    location = Location.objects.select_related("clinic").get(slug="pickering")
    grace = Patient.objects.get(email="grace.green@mail.example")
    charlie = Patient.objects.get(first_name="Charlie", last_name="Green")
    booked = []
    start = now + FAMILY_VISITS_FROM
    for patient in (grace, charlie):
        result = availability_search(
            service_id=service.pk,
            location_ids=[location.pk],
            start=start,
            end=start + timedelta(days=14),
            now=now,
            channel=Channel.PHONE,
            limit=1,
        )
        if not result.slots:
            continue
        slot = result.slots[0]
        booked.append(
            appointment_book(
                request=BookingRequest(
                    patient=patient,
                    practitioner=Practitioner.objects.get(pk=slot.practitioner_id),
                    service=service,
                    location=location,
                    start=slot.start,
                    channel=Channel.PHONE,
                ),
                actor=front_desk,
                now=now,
            )
        )
        start = slot.start + timedelta(days=1)
    return booked


def _patients(rng: random.Random, today: date) -> list[Patient]:
    patients = []
    for index in range(PATIENTS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = today - timedelta(days=rng.randint(6 * 365, 88 * 365))
        patients.append(
            Patient(
                first_name=first,
                last_name=last,
                date_of_birth=born,
                phone=f"{rng.choice(AREA)}-555-01{index % 100:02d}",
                email=f"{first.lower()}.{last.lower()}.{index}@mail.example",
                city=rng.choice(["Pickering", "Ajax", "Whitby", "Milton", "Oakville"]),
                # A third agreed to text messages: their reminders land in var/sms/.
                contact_by_sms=index % 3 == 0,
            )
        )
    return patients


# Patients waiting for an earlier time, so the desk's waitlist page has people on it:
# (service, location slug, weekdays, parts of the day, days on the list already).
WAITING = (
    ("physiotherapy-follow-up-30-minutes", "pickering", (0, 2, 4), ("morning",), 9),
    ("massage-therapy-60-minutes", "pickering", (1, 3), ("evening",), 6),
    ("physiotherapy-follow-up-45-minutes", "pickering", (0, 1, 2, 3, 4), ("afternoon",), 4),
    ("acupuncture-treatment", "pickering", (5,), ("morning",), 2),
    ("massage-therapy-60-minutes", "milton", (0, 2), ("morning", "afternoon"), 8),
    ("physiotherapy-follow-up-30-minutes", "milton", (1, 3), ("evening",), 5),
    ("massage-therapy-90-minutes", "milton", (4, 5), ("morning",), 1),
)


def load_waitlist(*, front_desk: User, now: datetime) -> list[WaitlistEntry]:
    """Put a few of the demo's patients on the waitlist, through the waitlist service as
    the desk would, each as if added some days before `now`."""
    rng = random.Random(20)  # noqa: S311 - sample data, not security
    candidates = list(
        Patient.objects.filter(active=True).exclude(last_name="Green").order_by("pk")[:400]
    )
    entries = []
    for slug, location_slug, weekdays, parts, days_waiting in WAITING:
        location = Location.objects.get(slug=location_slug)
        added = now - timedelta(days=days_waiting, hours=rng.randint(0, 8))
        wish = Wish(
            patient=rng.choice(candidates),
            service=Service.objects.get(slug=slug),
            practitioner=None,
            locations=[location],
            weekdays=weekdays,
            day_parts=parts,
            valid_until=(now + timedelta(days=30)).astimezone(location.zone).date(),
        )
        entries.append(waitlist_add(wish=wish, actor=front_desk, now=added))
    return entries
