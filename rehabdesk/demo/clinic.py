"""The demo clinic: two locations, fourteen practitioners, every service the clinic's
page names. Built through the same services a manager's screens use, so the demo obeys
every rule the product enforces.

Names, addresses, phone numbers (555) and e-mail addresses (.example) are sample data.
Registration dates are set relative to the day the demo is loaded, so the "expiring
registrations" page always has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.choices import PatientEligibility, ServiceKind
from rehabdesk.clinic.holidays import ontario_holidays
from rehabdesk.clinic.models import (
    Authorization,
    Clinic,
    Closure,
    Discipline,
    Location,
    PageText,
    Practitioner,
    Registration,
    RegistrationClass,
    Regulator,
    Resource,
    ResourceKind,
    Service,
    ServiceGroup,
    TaxCategory,
    TimeOff,
    WorkingHours,
)
from rehabdesk.demo.history import FUTURE_DAYS, HISTORY_DAYS, book_family_visits, load_history
from rehabdesk.demo.patients import PATIENTS, load_demo_patients
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment

CLINIC_SLUG = "pro-fusion-rehab"
DEMO_PASSWORD = "rehabdesk-demo"  # noqa: S105 - printed by `make run` on purpose
EMAIL_DOMAIN = "profusion.example"

MON, TUE, WED, THU, FRI, SAT = range(6)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


@dataclass(frozen=True)
class DemoLocation:
    slug: str
    name: str
    street_address: str
    postal_code: str
    phone: str
    saturday_closes: str
    resources: dict[str, list[str]]

    @property
    def hours(self) -> list[tuple[int, str, str]]:
        return [(d, "08:00", "20:00") for d in WEEKDAYS] + [(SAT, "09:00", self.saturday_closes)]


LOCATIONS = [
    DemoLocation(
        slug="pickering",
        name="Pickering",
        street_address="1450 Sample Road, Unit 4",
        postal_code="L1V 0A1",
        phone="905-555-0142",
        saturday_closes="15:00",
        resources={
            "treatment-room": [f"Treatment room {n}" for n in range(1, 5)],
            "massage-room": ["Massage room 1", "Massage room 2"],
            "pelvic-health-room": ["Pelvic-health room"],
            "gym": ["Gym"],
            "electrotherapy-unit": ["Electrotherapy unit A", "Electrotherapy unit B"],
        },
    ),
    DemoLocation(
        slug="milton",
        name="Milton",
        street_address="300 Example Street, Suite 2",
        postal_code="L9T 0A2",
        phone="905-555-0188",
        saturday_closes="14:00",
        resources={
            "treatment-room": [f"Treatment room {n}" for n in range(1, 4)],
            "massage-room": ["Massage room 1", "Massage room 2"],
            "pelvic-health-room": ["Pelvic-health room"],
            "gym": ["Gym"],
            "electrotherapy-unit": ["Electrotherapy unit A"],
        },
    ),
]
TRAVEL_MINUTES = 60  # Pickering to Milton by the 407, door to door.


@dataclass(frozen=True)
class Shift:
    location: str
    weekdays: tuple[int, ...]
    starts: str
    ends: str
    lunch: tuple[str, str] | None = None


@dataclass(frozen=True)
class Licence:
    college: str
    number: str
    class_name: str
    # Days relative to today; None means no end date on file.
    from_days: int
    until_days: int | None
    rosters: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoPractitioner:
    first: str
    last: str
    pronouns: str
    designation: str
    disciplines: tuple[str, ...]
    languages: str
    bio: str
    licences: tuple[Licence, ...]
    shifts: tuple[Shift, ...]
    time_off: tuple[tuple[int, int, str], ...] = field(default=())  # (from day, days, reason)

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}, {self.designation}"

    @property
    def email(self) -> str:
        return f"{self.first.lower()}.{self.last.lower()}@{EMAIL_DOMAIN}"


PT, RMT, AC = ("physiotherapy",), ("massage-therapy",), ("acupuncture",)
LUNCH = ("12:00", "12:30")
LATE_BREAK = ("16:00", "16:30")

PRACTITIONERS = [
    DemoPractitioner(
        "Priya",
        "Raman",
        "she/her",
        "PT",
        PT + AC,
        "English, Tamil",
        "Priya treats sports and work injuries and is rostered with the College of "
        "Physiotherapists of Ontario to perform acupuncture and dry needling.",
        (Licence("cpo", "DEMO-PT-10425", "Independent Practice", -2900, 280, ("acupuncture",)),),
        (
            Shift("pickering", (MON, WED, FRI), "08:00", "16:00", LUNCH),
            Shift("milton", (TUE, THU), "10:00", "18:00", ("13:00", "13:30")),
        ),
    ),
    DemoPractitioner(
        "Sofia",
        "Martins",
        "she/her",
        "PT",
        PT,
        "English, Portuguese",
        "Sofia focuses on pelvic floor rehabilitation before and after pregnancy and is "
        "rostered for internal pelvic examination.",
        (
            Licence(
                "cpo", "DEMO-PT-11873", "Independent Practice", -2100, 280, ("internal-pelvic",)
            ),
        ),
        (
            Shift("pickering", (MON, TUE, THU), "09:00", "17:00", ("12:30", "13:00")),
            Shift("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    DemoPractitioner(
        "Marc",
        "Tremblay",
        "he/him",
        "PT",
        PT,
        "English, French",
        "Marc helps people back to work and sport after fractures and surgery.",
        (
            Licence(
                "cpo", "DEMO-PT-09311", "Independent Practice", -4000, 280, ("spinal-manipulation",)
            ),
        ),
        (
            Shift("milton", (MON, WED, FRI), "08:00", "16:00", LUNCH),
            Shift("pickering", (TUE, THU), "12:00", "20:00", LATE_BREAK),
        ),
        time_off=((24, 7, "Vacation"),),
    ),
    DemoPractitioner(
        "Aisha",
        "Siddiqui",
        "she/her",
        "PT",
        PT,
        "English, Urdu, Hindi",
        "Aisha works with arthritis, age-related joint problems and neurological "
        "conditions such as multiple sclerosis.",
        (Licence("cpo", "DEMO-PT-12650", "Independent Practice", -1500, 280),),
        (Shift("milton", (MON, TUE, WED, THU), "12:00", "20:00", LATE_BREAK),),
    ),
    DemoPractitioner(
        "Kevin",
        "Zhang",
        "he/him",
        "PT",
        PT,
        "English, Mandarin",
        "Kevin joined after completing his clinical exam; he treats back and neck pain.",
        (
            Licence("cpo", "DEMO-PT-14022", "Provisional Practice", -200, -30),
            Licence("cpo", "DEMO-PT-14022", "Independent Practice", -29, 280),
        ),
        (Shift("pickering", WEEKDAYS, "12:00", "20:00", LATE_BREAK),),
    ),
    DemoPractitioner(
        "Hannah",
        "Fischer",
        "she/her",
        "PT",
        PT,
        "English, German",
        "Hannah leads the active rehabilitation programme in the gym.",
        (Licence("cpo", "DEMO-PT-10987", "Independent Practice", -1800, 40),),
        (
            Shift("milton", (TUE, THU), "08:00", "16:00", LUNCH),
            Shift("milton", (FRI,), "12:00", "20:00", LATE_BREAK),
            Shift("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    DemoPractitioner(
        "Daniel",
        "Okafor",
        "he/him",
        "PT",
        PT,
        "English",
        "Daniel treats running injuries and uses electrotherapy alongside exercise.",
        (Licence("cpo", "DEMO-PT-13356", "Independent Practice", -900, 280),),
        # Mondays at both locations: the hour between covers the 60-minute drive.
        (
            Shift("pickering", (MON,), "08:00", "12:00"),
            Shift("milton", (MON,), "13:30", "17:30"),
            Shift("pickering", (WED, FRI), "08:00", "14:00"),
        ),
    ),
    DemoPractitioner(
        "Olivia",
        "Bennett",
        "she/her",
        "RMT",
        RMT,
        "English",
        "Olivia offers Swedish and deep-tissue massage and works with athletes in training.",
        (Licence("cmto", "DEMO-RMT-20431", "General", -2500, 21),),
        (Shift("pickering", (MON, WED, FRI), "10:00", "18:00", ("13:30", "14:00")),),
        time_off=((10, 1, "Continuing education course"),),
    ),
    DemoPractitioner(
        "Jordan",
        "Lee",
        "they/them",
        "RMT",
        RMT,
        "English, Korean",
        "Jordan treats tension from stress and overuse, and headaches from the neck.",
        (Licence("cmto", "DEMO-RMT-21877", "General", -1300, 300),),
        (
            Shift("pickering", (TUE, THU), "12:00", "20:00", LATE_BREAK),
            Shift("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    DemoPractitioner(
        "Gabriel",
        "Silva",
        "he/him",
        "RMT",
        RMT,
        "English, Spanish, Portuguese",
        "Gabriel works with recovery after sport and with long-standing muscle pain.",
        (Licence("cmto", "DEMO-RMT-19002", "General", -3300, 300),),
        (Shift("milton", (MON, WED, FRI), "12:00", "20:00", LATE_BREAK),),
    ),
    DemoPractitioner(
        "Emily",
        "Nowak",
        "she/her",
        "RMT",
        RMT,
        "English, Polish",
        "Emily offers prenatal massage and relaxation massage.",
        (Licence("cmto", "DEMO-RMT-22745", "General", -700, 300),),
        (
            Shift("pickering", (MON, TUE), "15:00", "20:00"),
            Shift("pickering", (SAT,), "09:00", "15:00"),
            Shift("milton", (THU,), "12:00", "20:00", LATE_BREAK),
        ),
    ),
    DemoPractitioner(
        "Tariq",
        "Haddad",
        "he/him",
        "RMT",
        RMT,
        "English, Arabic",
        "Tariq works with office workers' neck and shoulder pain.",
        (Licence("cmto", "DEMO-RMT-20988", "General", -2000, 300),),
        (
            Shift("milton", (TUE, THU), "08:00", "16:00", LUNCH),
            Shift("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    DemoPractitioner(
        "Nadia",
        "Petrova",
        "she/her",
        "RMT",
        RMT,
        "English, Russian",
        "Nadia treats chronic pain and tension with deep-tissue massage.",
        # Her renewal is already on file, so she is not listed as expiring.
        (
            Licence("cmto", "DEMO-RMT-18120", "General", -335, 30),
            Licence("cmto", "DEMO-RMT-18120", "General", 31, 396),
        ),
        (Shift("pickering", (WED, THU, FRI), "14:00", "20:00"),),
    ),
    DemoPractitioner(
        "Mei",
        "Chen",
        "she/her",
        "R. Ac",
        AC,
        "English, Mandarin, Cantonese",
        "Mei is a registered acupuncturist treating pain, stress and sleep problems.",
        (Licence("ctcmpao", "DEMO-AC-3309", "General", -2600, 250),),
        (
            Shift("pickering", (TUE, THU), "09:00", "17:00", LUNCH),
            Shift("milton", (WED, FRI), "09:00", "17:00", LUNCH),
        ),
    ),
]


@dataclass(frozen=True)
class DemoService:
    discipline: str
    name: str
    kind: ServiceKind
    minutes: int
    buffer: int
    price: str
    tax: str
    resources: tuple[str, ...]
    qualifications: tuple[tuple[str, tuple[str, ...]], ...]
    eligibility: PatientEligibility = PatientEligibility.ANYONE
    online: bool = True
    description: str = ""


PHYSIO = (("cpo", ()),)
MASSAGE = (("cmto", ()),)
PELVIC = (("cpo", ("internal-pelvic",)),)
ACUPUNCTURE = (("cpo", ("acupuncture",)), ("ctcmpao", ()))
EXISTING = PatientEligibility.EXISTING_ONLY
# What each kind of visit asks patients to bring (other kinds: the clinic's general advice).
WHAT_TO_BRING = {
    ServiceKind.INITIAL_ASSESSMENT: (
        "Your health card, your benefits card if you plan to claim, any referral, imaging "
        "or test results, and a list of your medications. Wear comfortable clothing."
    ),
    ServiceKind.FITTING: "Your prescription or referral, and the shoes you wear most days.",
}

SERVICES = [
    DemoService(
        "physiotherapy",
        "Physiotherapy initial assessment",
        ServiceKind.INITIAL_ASSESSMENT,
        60,
        10,
        "120.00",
        "physiotherapy",
        ("treatment-room",),
        PHYSIO,
        description="Your first visit: history, examination, and a plan made with you.",
    ),
    DemoService(
        "physiotherapy",
        "Physiotherapy follow-up, 30 minutes",
        ServiceKind.FOLLOW_UP,
        30,
        5,
        "85.00",
        "physiotherapy",
        ("treatment-room",),
        PHYSIO,
        EXISTING,
    ),
    DemoService(
        "physiotherapy",
        "Physiotherapy follow-up, 45 minutes",
        ServiceKind.FOLLOW_UP,
        45,
        5,
        "100.00",
        "physiotherapy",
        ("treatment-room",),
        PHYSIO,
        EXISTING,
    ),
    DemoService(
        "physiotherapy",
        "Active rehabilitation in the gym",
        ServiceKind.TREATMENT,
        45,
        5,
        "90.00",
        "physiotherapy",
        ("gym",),
        PHYSIO,
        EXISTING,
        description="Functional training and therapeutic exercise, supervised.",
    ),
    DemoService(
        "physiotherapy",
        "Electrotherapy",
        ServiceKind.TREATMENT,
        30,
        5,
        "60.00",
        "physiotherapy",
        ("treatment-room", "electrotherapy-unit"),
        PHYSIO,
        EXISTING,
        description="TENS, interferential current or ultrasound as part of your plan.",
    ),
    DemoService(
        "physiotherapy",
        "Pelvic floor rehabilitation assessment",
        ServiceKind.INITIAL_ASSESSMENT,
        60,
        10,
        "150.00",
        "physiotherapy",
        ("pelvic-health-room",),
        PELVIC,
        description="Before or after pregnancy, with a physiotherapist rostered for "
        "internal pelvic examination.",
    ),
    DemoService(
        "physiotherapy",
        "Pelvic floor rehabilitation follow-up",
        ServiceKind.FOLLOW_UP,
        45,
        5,
        "115.00",
        "physiotherapy",
        ("pelvic-health-room",),
        PELVIC,
        EXISTING,
    ),
    DemoService(
        "physiotherapy",
        "Custom joint brace fitting",
        ServiceKind.FITTING,
        45,
        10,
        "650.00",
        "made-to-order-device",
        ("treatment-room",),
        PHYSIO,
        online=False,
        description="Assessment, measurement and fitting of a made-to-order knee or "
        "joint brace. Call us to book.",
    ),
    DemoService(
        "massage-therapy",
        "Massage therapy, 30 minutes",
        ServiceKind.TREATMENT,
        30,
        10,
        "65.00",
        "massage-therapy",
        ("massage-room",),
        MASSAGE,
    ),
    DemoService(
        "massage-therapy",
        "Massage therapy, 45 minutes",
        ServiceKind.TREATMENT,
        45,
        10,
        "90.00",
        "massage-therapy",
        ("massage-room",),
        MASSAGE,
    ),
    DemoService(
        "massage-therapy",
        "Massage therapy, 60 minutes",
        ServiceKind.TREATMENT,
        60,
        10,
        "110.00",
        "massage-therapy",
        ("massage-room",),
        MASSAGE,
    ),
    DemoService(
        "massage-therapy",
        "Massage therapy, 90 minutes",
        ServiceKind.TREATMENT,
        90,
        10,
        "155.00",
        "massage-therapy",
        ("massage-room",),
        MASSAGE,
    ),
    DemoService(
        "acupuncture",
        "Acupuncture initial treatment",
        ServiceKind.INITIAL_ASSESSMENT,
        60,
        10,
        "100.00",
        "acupuncture",
        ("treatment-room",),
        ACUPUNCTURE,
    ),
    DemoService(
        "acupuncture",
        "Acupuncture treatment",
        ServiceKind.TREATMENT,
        45,
        10,
        "85.00",
        "acupuncture",
        ("treatment-room",),
        ACUPUNCTURE,
        EXISTING,
    ),
]


@dataclass(frozen=True)
class DemoGroup:
    slug: str
    name: str
    summary: str
    who_it_helps: str
    what_to_expect: str


# The public pages, in our own words from the clinic's page and domain-reference.md.
SERVICE_GROUPS = [
    DemoGroup(
        "physiotherapy",
        "Physiotherapy",
        "A registered physiotherapist finds out how you move, what hurts and what you "
        "need to get back to, then leads a plan made for you. The plan mixes functional "
        "training, therapeutic exercise, hands-on (manual) therapy and, when they help, "
        "modalities such as electrotherapy or acupuncture.",
        "People recovering from surgery or a fracture; work and sports injuries; back and "
        "neck pain; arthritis and joint problems that come with age; and conditions such as "
        "multiple sclerosis that limit how you move. The aim is less pain, more movement, "
        "and keeping an injury from turning into a lasting disability.",
        "Your first visit is an assessment: your history, a physical examination and a "
        "plan agreed with you, with goals you can measure. Follow-up visits are shorter and "
        "move the plan forward. Wear clothes you can move in. You will usually leave with "
        "exercises to do at home.",
    ),
    DemoGroup(
        "massage-therapy",
        "Massage therapy",
        "A registered massage therapist works on your muscles and soft tissue to ease "
        "stiffness, soreness and spasm, using kneading, friction, gliding, vibration, "
        "compression and active or passive stretching. If you are new to massage, Swedish "
        "or deep-tissue massage is a good start.",
        "Muscle tension from stress or overuse, long-standing muscle pain, recovery from "
        "hard training or an event, and headaches that start in the neck. Many people also "
        "find it helps them relax. Massage is not right for everyone: your therapist asks "
        "about your health first and will say if it should wait or if you should see a "
        "doctor.",
        "Before the first treatment your therapist goes through a short health history "
        "with you and asks for your consent. You choose the length of the session; you stay "
        "covered with a sheet except for the area being treated, and you can ask for less or "
        "more pressure, or to stop, at any time.",
    ),
    DemoGroup(
        "acupuncture",
        "Acupuncture",
        "Fine, sterile, single-use needles are placed at chosen points to ease pain and "
        "muscle tension. At our clinic it is given by a registered acupuncturist or by a "
        "physiotherapist rostered with their college to perform acupuncture.",
        "People with muscle and joint pain, tension and stress, often alongside exercise "
        "in a physiotherapy plan.",
        "Your practitioner asks about your health first: some conditions and medicines "
        "(for example blood thinners, a pacemaker with electro-acupuncture, or pregnancy) "
        "change what is safe. The needles stay in for a short while as you rest.",
    ),
    DemoGroup(
        "electrotherapy",
        "Electrotherapy",
        "Gentle electrical current (such as TENS or interferential current) or therapeutic "
        "ultrasound, used by a physiotherapist as one part of your plan, never on its own.",
        "People with pain or muscle weakness after an injury or surgery, who are already "
        "working with one of our physiotherapists.",
        "Your physiotherapist checks first that it is safe for you (for example it is not "
        "used if you have a pacemaker, or over the belly during pregnancy), explains the settings "
        "and stays close by. It usually feels like tingling; tell us if it is uncomfortable.",
    ),
    DemoGroup(
        "pelvic-floor-rehabilitation",
        "Pelvic floor rehabilitation",
        "Physiotherapy for the muscles of the pelvic floor, before and after pregnancy and "
        "at any other time they cause trouble, given by a physiotherapist rostered with "
        "their college for internal pelvic examination.",
        "People preparing for birth or recovering after it, and anyone with leaking, "
        "pelvic pain or pressure, or pain during sex.",
        "The first visit is a private, unhurried conversation and assessment in a "
        "separate room. An internal examination is offered only when it will help, is "
        "explained first, and happens only with your consent; you can say no or stop at any "
        "time.",
    ),
    DemoGroup(
        "custom-joint-braces",
        "Custom joint braces",
        "A brace made to measure for your knee or another joint, chosen, measured and "
        "fitted by a physiotherapist, and adjusted as you use it.",
        "People with an unstable or painful joint, for example after a ligament injury or "
        "with arthritis, for whom an off-the-shelf brace is not enough.",
        "The fitting visit includes an assessment and measurements; the brace is made to "
        "order and fitted at a second visit. Made-to-order braces are zero-rated for HST. "
        "Call us to book a fitting.",
    ),
]

GROUP_OF_SERVICE = {
    "Electrotherapy": "electrotherapy",
    "Pelvic floor rehabilitation assessment": "pelvic-floor-rehabilitation",
    "Pelvic floor rehabilitation follow-up": "pelvic-floor-rehabilitation",
    "Custom joint brace fitting": "custom-joint-braces",
}

PAGE_TEXTS = [
    (
        "physio-or-massage",
        "Physiotherapy or massage therapy?",
        "Both can ease pain and help you move more freely, but they are not the same "
        "treatment, and one is often a better first step than the other.\n\n"
        "Choose physiotherapy when something stops you doing what you need to do: an "
        "injury at work or in sport, pain after surgery or a fracture, a back or neck "
        "problem, arthritis, or a condition such as multiple sclerosis. A physiotherapist "
        "assesses you, finds the cause and leads a plan of exercise, hands-on treatment and "
        "other care. Physiotherapy is exempt from HST.\n\n"
        "Choose massage therapy when your muscles are tight, sore or in spasm from stress, "
        "overuse or training, and you want them to let go. A massage therapist treats the "
        "muscles and soft tissue directly. Massage therapy in Ontario carries 13 % HST.\n\n"
        "Many people use both: physiotherapy to fix the problem, massage to keep muscles "
        "relaxed along the way. Whichever you choose, make sure the person treating you is "
        "registered with their college; each of ours is, and their registration numbers "
        "are on the team page. If you have new numbness, weakness, trouble with bladder or "
        "bowel control, fever, or pain after a fall or accident, see a doctor first.",
    ),
]

STAFF = [
    ("manager", "Morgan", "Reid", [Role.MANAGER]),
    ("frontdesk.pickering", "Sam", "Clarke", [Role.FRONT_DESK]),
    ("frontdesk.milton", "Alex", "Ng", [Role.FRONT_DESK]),
]


@dataclass
class DemoSummary:
    created: bool
    locations: int = 0
    practitioners: int = 0
    services: int = 0
    patients: int = 0
    appointments: int = 0
    sign_ins: list[tuple[str, str]] = field(default_factory=list)


def demo_sign_ins() -> list[tuple[str, str]]:
    """(what, e-mail) for the accounts `make run` prints."""
    rows = [
        (" ".join(role.value for role in roles), f"{local}@{EMAIL_DOMAIN}")
        for local, _, _, roles in STAFF
    ]
    rows.append(("Practitioner", PRACTITIONERS[0].email))
    rows.append(("Patient (a parent)", PATIENTS[0].address))
    return rows


def load_demo(
    *, now: datetime, history_days: int = HISTORY_DAYS, future_days: int = FUTURE_DAYS
) -> DemoSummary:
    """Create the demo clinic unless it is there already (then change nothing): the
    clinic as of `now`'s local date, `history_days` of past visits and `future_days` of
    bookings ahead (by default two years and 90 days)."""
    if Clinic.objects.filter(slug=CLINIC_SLUG).exists():
        return DemoSummary(created=False, sign_ins=demo_sign_ins())
    with transaction.atomic():
        staff = _build(timezone.localdate(now))
        if history_days or future_days:
            load_history(
                front_desk=staff["frontdesk.pickering"],
                now=now,
                days_back=history_days,
                days_ahead=future_days,
            )
            book_family_visits(front_desk=staff["frontdesk.pickering"], now=now)
    return DemoSummary(
        created=True,
        locations=Location.objects.count(),
        practitioners=Practitioner.objects.count(),
        services=Service.objects.count(),
        patients=Patient.objects.count(),
        appointments=Appointment.objects.count(),
        sign_ins=demo_sign_ins(),
    )


def _t(text: str) -> time:
    return time.fromisoformat(text)


def _build(today: date) -> dict[str, User]:
    clinic = services.configuration_save(
        instance=Clinic(
            name="Pro Fusion Rehab",
            slug=CLINIC_SLUG,
            phone="905-555-0100",
            email=f"hello@{EMAIL_DOMAIN}",
        )
    )
    staff = {
        local: user_create(
            email=f"{local}@{EMAIL_DOMAIN}",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            roles=roles,
        )
        for local, first, last, roles in STAFF
    }
    locations = _build_locations(clinic, today)
    practitioners = [
        _build_practitioner(data, locations, verifier=staff["manager"], today=today)
        for data in PRACTITIONERS
    ]
    for person, practitioner in zip(PRACTITIONERS, practitioners, strict=True):
        _build_hours(person, practitioner, locations)
    groups = _build_public_texts()
    for service in SERVICES:
        _build_service(service, today, groups)
    load_demo_patients(front_desk=staff["frontdesk.pickering"], password=DEMO_PASSWORD)
    return staff


def _build_locations(clinic: Clinic, today: date) -> dict[str, Location]:
    kinds = {kind.slug: kind for kind in ResourceKind.objects.all()}
    locations: dict[str, Location] = {}
    for data in LOCATIONS:
        location = services.location_save(
            location=Location(
                clinic=clinic,
                slug=data.slug,
                name=data.name,
                street_address=data.street_address,
                city=data.name,
                postal_code=data.postal_code,
                phone=data.phone,
                email=f"{data.slug}@{EMAIL_DOMAIN}",
            )
        )
        services.location_set_opening_hours(
            location=location,
            hours=[services.WeeklySpan(d, _t(o), _t(c)) for d, o, c in data.hours],
            today=today,
        )
        for kind_slug, names in data.resources.items():
            for name in names:
                services.configuration_save(
                    instance=Resource(location=location, kind=kinds[kind_slug], name=name)
                )
        # Holidays over the demo's history too: nobody was booked on Canada Day.
        for year in range(today.year - 2, today.year + 2):
            for day, holiday in ontario_holidays(year):
                if today - timedelta(days=HISTORY_DAYS) <= day:
                    services.closure_save(
                        closure=Closure(
                            location=location, first_day=day, last_day=day, name=holiday
                        )
                    )
        locations[data.slug] = location
    services.travel_time_set(
        location_a=locations["pickering"],
        location_b=locations["milton"],
        minutes=TRAVEL_MINUTES,
        today=today,
    )
    return locations


def _build_practitioner(
    data: DemoPractitioner, locations: dict[str, Location], *, verifier: User, today: date
) -> Practitioner:
    user = user_create(
        email=data.email,
        password=DEMO_PASSWORD,
        first_name=data.first,
        last_name=data.last,
        roles=[Role.PRACTITIONER],
    )
    practitioner = services.practitioner_save(
        practitioner=Practitioner(
            user=user,
            display_name=data.display_name,
            slug=f"{data.first}-{data.last}".lower(),
            pronouns=data.pronouns,
            bio=data.bio,
            languages=data.languages,
        ),
        disciplines=Discipline.objects.filter(slug__in=data.disciplines),
    )
    for licence in data.licences:
        regulator = Regulator.objects.get(slug=licence.college)
        registration = Registration(
            practitioner=practitioner,
            regulator=regulator,
            registration_number=licence.number,
            registration_class=RegistrationClass.objects.get(
                regulator=regulator, name=licence.class_name
            ),
            valid_from=today + timedelta(days=licence.from_days),
            valid_until=None
            if licence.until_days is None
            else today + timedelta(days=licence.until_days),
        )
        if licence.from_days <= 0:
            registration.verified_on = today - timedelta(days=min(-licence.from_days, 20))
            registration.verified_by = verifier
        services.registration_save(
            registration=registration,
            authorizations=Authorization.objects.filter(
                regulator=regulator, code__in=licence.rosters
            ),
        )
    zone = ZoneInfo("America/Toronto")
    for from_day, days, reason in data.time_off:
        start = datetime.combine(today + timedelta(days=from_day), time(0), tzinfo=zone)
        services.time_off_save(
            time_off=TimeOff(
                practitioner=practitioner,
                starts_at=start,
                ends_at=datetime.combine(start.date() + timedelta(days=days), time(0), tzinfo=zone),
                reason=reason,
            )
        )
    return practitioner


def _build_hours(
    data: DemoPractitioner, practitioner: Practitioner, locations: dict[str, Location]
) -> None:
    # Regular hours started with the clinic's current schedule, a year back.
    effective_from = date(2025, 1, 6)
    for shift in data.shifts:
        for weekday in shift.weekdays:
            services.working_hours_save(
                working_hours=WorkingHours(
                    practitioner=practitioner,
                    location=locations[shift.location],
                    weekday=weekday,
                    starts=_t(shift.starts),
                    ends=_t(shift.ends),
                    effective_from=effective_from,
                ),
                breaks=[services.TimeSpan(_t(shift.lunch[0]), _t(shift.lunch[1]))]
                if shift.lunch
                else [],
            )


def _build_public_texts() -> dict[str, ServiceGroup]:
    groups = {
        data.slug: services.configuration_save(
            instance=ServiceGroup(
                slug=data.slug,
                name=data.name,
                summary=data.summary,
                who_it_helps=data.who_it_helps,
                what_to_expect=data.what_to_expect,
                display_order=order,
            )
        )
        for order, data in enumerate(SERVICE_GROUPS)
    }
    for slug, title, body in PAGE_TEXTS:
        services.configuration_save(instance=PageText(slug=slug, title=title, body=body))
    return groups


def _build_service(data: DemoService, today: date, groups: dict[str, ServiceGroup]) -> Service:
    regulators = {r.slug: r for r in Regulator.objects.all()}
    return services.service_save(
        service=Service(
            discipline=Discipline.objects.get(slug=data.discipline),
            group=groups[GROUP_OF_SERVICE.get(data.name, data.discipline)],
            name=data.name,
            slug=slugify(data.name),
            kind=data.kind,
            public_description=data.description,
            what_to_bring=WHAT_TO_BRING.get(data.kind, ""),
            duration_minutes=data.minutes,
            buffer_after_minutes=data.buffer,
            price=Decimal(data.price),
            tax_category=TaxCategory.objects.get(code=data.tax),
            online_bookable=data.online,
            patient_eligibility=data.eligibility,
            display_order=SERVICES.index(data),
        ),
        on=today,
        resource_kinds=ResourceKind.objects.filter(slug__in=data.resources),
        qualifications=[
            services.QualificationSpec(
                regulators[college],
                frozenset(
                    Authorization.objects.filter(regulator=regulators[college], code__in=rosters)
                ),
            )
            for college, rosters in data.qualifications
        ],
    )
