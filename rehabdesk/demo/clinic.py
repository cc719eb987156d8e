"""The demo clinic: two locations, fourteen practitioners, every service the clinic's
page names — a description (clinic.description) loaded by the clinic's loader through
the same services a manager's screens use, so the demo obeys every rule the product
enforces. Then its patients, and two years of visits (demo/history.py).

Names, addresses, phone numbers (555) and e-mail addresses (.example) are sample data.
Registrations and time off are dated from the day the demo is loaded, so the "expiring
registrations" page always has something to show.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.clinic.choices import PatientEligibility, ServiceKind
from rehabdesk.clinic.description import (
    FRI,
    MON,
    SAT,
    THU,
    TUE,
    WED,
    WEEKDAYS,
    AccountSpec,
    ClinicSpec,
    Hours,
    LocationSpec,
    PageTextSpec,
    PractitionerSpec,
    RegisteredWith,
    RegistrationSpec,
    ServiceGroupSpec,
    ServiceSpec,
    ShiftSpec,
    TimeOffSpec,
    TravelSpec,
    resources,
)
from rehabdesk.clinic.loading import clinic_load
from rehabdesk.clinic.models import Location, Practitioner, Service
from rehabdesk.demo.billing import billing_setup, books_load
from rehabdesk.demo.care import load_demo_notes
from rehabdesk.demo.consents import load_demo_consents
from rehabdesk.demo.health import load_demo_health
from rehabdesk.demo.history import (
    FUTURE_DAYS,
    HISTORY_DAYS,
    book_family_visits,
    load_history,
    load_waitlist,
)
from rehabdesk.demo.patients import (
    PATIENTS,
    load_demo_patients,
    regular_patient_email,
    regular_patient_signs_in,
)
from rehabdesk.demo.privacy import load_demo_privacy
from rehabdesk.demo.progress import load_demo_progress
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment
from rehabdesk.security.factors import totp_set_known_secret

CLINIC_SLUG = "pro-fusion-rehab"
DEMO_PASSWORD = "rehabdesk-demo"  # noqa: S105 - printed by `make run` on purpose
# Every demo staff account's authenticator-app secret (base32, as apps take it): one
# known secret, printed by `make run` beside the password, so anyone can sign in with a
# second factor. Only the demo loader installs it.
DEMO_TOTP_SECRET = "REHABDESKDEMOTOTPSECRETFORSTAFF2"  # noqa: S105 - printed on purpose
EMAIL_DOMAIN = "profusion.example"
MANAGER = f"manager@{EMAIL_DOMAIN}"
FRONT_DESK = f"frontdesk.pickering@{EMAIL_DOMAIN}"
FRONT_DESK_MILTON = f"frontdesk.milton@{EMAIL_DOMAIN}"

ACCOUNTS = (
    AccountSpec(MANAGER, "Morgan", "Reid", (Role.MANAGER, Role.PRIVACY_OFFICER), DEMO_PASSWORD),
    AccountSpec(FRONT_DESK, "Sam", "Clarke", (Role.FRONT_DESK,), DEMO_PASSWORD, home="pickering"),
    AccountSpec(
        FRONT_DESK_MILTON,
        "Alex",
        "Ng",
        (Role.FRONT_DESK,),
        DEMO_PASSWORD,
        home="milton",
    ),
)


def _open(saturday_closes: str) -> tuple[Hours, ...]:
    return (Hours(WEEKDAYS, "08:00", "20:00"), Hours((SAT,), "09:00", saturday_closes))


LOCATIONS = (
    LocationSpec(
        slug="pickering",
        name="Pickering",
        street_address="1450 Sample Road, Unit 4",
        city="Pickering",
        postal_code="L1V 0A1",
        phone="905-555-0142",
        email=f"pickering@{EMAIL_DOMAIN}",
        hours=_open(saturday_closes="15:00"),
        resources=(
            *resources("treatment-room", *(f"Treatment room {n}" for n in range(1, 5))),
            *resources("massage-room", "Massage room 1", "Massage room 2"),
            *resources("pelvic-health-room", "Pelvic-health room"),
            *resources("gym", "Gym"),
            *resources("electrotherapy-unit", "Electrotherapy unit A", "Electrotherapy unit B"),
        ),
        # Holidays over the demo's history too: nobody was booked on Canada Day.
        holidays_from=-HISTORY_DAYS,
    ),
    LocationSpec(
        slug="milton",
        name="Milton",
        street_address="300 Example Street, Suite 2",
        city="Milton",
        postal_code="L9T 0A2",
        phone="905-555-0188",
        email=f"milton@{EMAIL_DOMAIN}",
        hours=_open(saturday_closes="14:00"),
        resources=(
            *resources("treatment-room", *(f"Treatment room {n}" for n in range(1, 4))),
            *resources("massage-room", "Massage room 1", "Massage room 2"),
            *resources("pelvic-health-room", "Pelvic-health room"),
            *resources("gym", "Gym"),
            *resources("electrotherapy-unit", "Electrotherapy unit A"),
        ),
        holidays_from=-HISTORY_DAYS,
    ),
)
# Pickering to Milton by the 407, door to door.
TRAVEL = (TravelSpec("pickering", "milton", 60),)

# Regular hours started with the clinic's current schedule.
HOURS_FROM = date(2025, 1, 6)


def _person(
    first: str,
    last: str,
    pronouns: str,
    designation: str,
    disciplines: tuple[str, ...],
    languages: str,
    bio: str,
    registrations: tuple[RegistrationSpec, ...],
    shifts: tuple[ShiftSpec, ...],
    time_off: tuple[TimeOffSpec, ...] = (),
) -> PractitionerSpec:
    return PractitionerSpec(
        slug=f"{first}-{last}".lower(),
        display_name=f"{first} {last}, {designation}",
        email=f"{first.lower()}.{last.lower()}@{EMAIL_DOMAIN}",
        first_name=first,
        last_name=last,
        password=DEMO_PASSWORD,
        disciplines=disciplines,
        pronouns=pronouns,
        bio=bio,
        languages=languages,
        registrations=registrations,
        shifts=shifts,
        time_off=time_off,
    )


def _licence(
    college: str,
    number: str,
    class_name: str,
    from_days: int,
    until_days: int,
    rosters: tuple[str, ...] = (),
) -> RegistrationSpec:
    """A registration in days from the day the demo is loaded; one already in force was
    checked on the college's register by the manager, at most 20 days ago."""
    current = from_days <= 0
    return RegistrationSpec(
        college,
        number,
        valid_from=from_days,
        valid_until=until_days,
        class_name=class_name,
        rosters=rosters,
        verified_on=-min(-from_days, 20) if current else None,
        verified_by=MANAGER if current else "",
    )


def _works(
    location: str, weekdays: tuple[int, ...], starts: str, ends: str, *breaks: tuple[str, str]
) -> ShiftSpec:
    return ShiftSpec(location, weekdays, starts, ends, breaks, effective_from=HOURS_FROM)


PT, RMT, AC = ("physiotherapy",), ("massage-therapy",), ("acupuncture",)
LUNCH = ("12:00", "12:30")
LATE_BREAK = ("16:00", "16:30")

PRACTITIONERS = (
    _person(
        "Priya",
        "Raman",
        "she/her",
        "PT",
        PT + AC,
        "English, Tamil",
        "Priya treats sports and work injuries and is rostered with the College of "
        "Physiotherapists of Ontario to perform acupuncture and dry needling.",
        (_licence("cpo", "DEMO-PT-10425", "Independent Practice", -2900, 280, ("acupuncture",)),),
        (
            _works("pickering", (MON, WED, FRI), "08:00", "16:00", LUNCH),
            _works("milton", (TUE, THU), "10:00", "18:00", ("13:00", "13:30")),
        ),
    ),
    _person(
        "Sofia",
        "Martins",
        "she/her",
        "PT",
        PT,
        "English, Portuguese",
        "Sofia focuses on pelvic floor rehabilitation before and after pregnancy and is "
        "rostered for internal pelvic examination.",
        (
            _licence(
                "cpo", "DEMO-PT-11873", "Independent Practice", -2100, 280, ("internal-pelvic",)
            ),
        ),
        (
            _works("pickering", (MON, TUE, THU), "09:00", "17:00", ("12:30", "13:00")),
            _works("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    _person(
        "Marc",
        "Tremblay",
        "he/him",
        "PT",
        PT,
        "English, French",
        "Marc helps people back to work and sport after fractures and surgery.",
        (
            _licence(
                "cpo", "DEMO-PT-09311", "Independent Practice", -4000, 280, ("spinal-manipulation",)
            ),
        ),
        (
            _works("milton", (MON, WED, FRI), "08:00", "16:00", LUNCH),
            _works("pickering", (TUE, THU), "12:00", "20:00", LATE_BREAK),
        ),
        time_off=(TimeOffSpec(24, 7, "Vacation"),),
    ),
    _person(
        "Aisha",
        "Siddiqui",
        "she/her",
        "PT",
        PT,
        "English, Urdu, Hindi",
        "Aisha works with arthritis, age-related joint problems and neurological "
        "conditions such as multiple sclerosis.",
        (_licence("cpo", "DEMO-PT-12650", "Independent Practice", -1500, 280),),
        (_works("milton", (MON, TUE, WED, THU), "12:00", "20:00", LATE_BREAK),),
    ),
    _person(
        "Kevin",
        "Zhang",
        "he/him",
        "PT",
        PT,
        "English, Mandarin",
        "Kevin joined after completing his clinical exam; he treats back and neck pain.",
        (
            _licence("cpo", "DEMO-PT-14022", "Provisional Practice", -200, -30),
            _licence("cpo", "DEMO-PT-14022", "Independent Practice", -29, 280),
        ),
        (_works("pickering", WEEKDAYS, "12:00", "20:00", LATE_BREAK),),
    ),
    _person(
        "Hannah",
        "Fischer",
        "she/her",
        "PT",
        PT,
        "English, German",
        "Hannah leads the active rehabilitation programme in the gym.",
        (_licence("cpo", "DEMO-PT-10987", "Independent Practice", -1800, 40),),
        (
            _works("milton", (TUE, THU), "08:00", "16:00", LUNCH),
            _works("milton", (FRI,), "12:00", "20:00", LATE_BREAK),
            _works("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    _person(
        "Daniel",
        "Okafor",
        "he/him",
        "PT",
        PT,
        "English",
        "Daniel treats running injuries and uses electrotherapy alongside exercise.",
        (_licence("cpo", "DEMO-PT-13356", "Independent Practice", -900, 280),),
        # Mondays at both locations: the hour between covers the 60-minute drive.
        (
            _works("pickering", (MON,), "08:00", "12:00"),
            _works("milton", (MON,), "13:30", "17:30"),
            _works("pickering", (WED, FRI), "08:00", "14:00"),
        ),
    ),
    _person(
        "Olivia",
        "Bennett",
        "she/her",
        "RMT",
        RMT,
        "English",
        "Olivia offers Swedish and deep-tissue massage and works with athletes in training.",
        (_licence("cmto", "DEMO-RMT-20431", "General", -2500, 21),),
        (_works("pickering", (MON, WED, FRI), "10:00", "18:00", ("13:30", "14:00")),),
        time_off=(TimeOffSpec(10, 1, "Continuing education course"),),
    ),
    _person(
        "Jordan",
        "Lee",
        "they/them",
        "RMT",
        RMT,
        "English, Korean",
        "Jordan treats tension from stress and overuse, and headaches from the neck.",
        (_licence("cmto", "DEMO-RMT-21877", "General", -1300, 300),),
        (
            _works("pickering", (TUE, THU), "12:00", "20:00", LATE_BREAK),
            _works("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    _person(
        "Gabriel",
        "Silva",
        "he/him",
        "RMT",
        RMT,
        "English, Spanish, Portuguese",
        "Gabriel works with recovery after sport and with long-standing muscle pain.",
        (_licence("cmto", "DEMO-RMT-19002", "General", -3300, 300),),
        (_works("milton", (MON, WED, FRI), "12:00", "20:00", LATE_BREAK),),
    ),
    _person(
        "Emily",
        "Nowak",
        "she/her",
        "RMT",
        RMT,
        "English, Polish",
        "Emily offers prenatal massage and relaxation massage.",
        (_licence("cmto", "DEMO-RMT-22745", "General", -700, 300),),
        (
            _works("pickering", (MON, TUE), "15:00", "20:00"),
            _works("pickering", (SAT,), "09:00", "15:00"),
            _works("milton", (THU,), "12:00", "20:00", LATE_BREAK),
        ),
    ),
    _person(
        "Tariq",
        "Haddad",
        "he/him",
        "RMT",
        RMT,
        "English, Arabic",
        "Tariq works with office workers' neck and shoulder pain.",
        (_licence("cmto", "DEMO-RMT-20988", "General", -2000, 300),),
        (
            _works("milton", (TUE, THU), "08:00", "16:00", LUNCH),
            _works("milton", (SAT,), "09:00", "14:00"),
        ),
    ),
    _person(
        "Nadia",
        "Petrova",
        "she/her",
        "RMT",
        RMT,
        "English, Russian",
        "Nadia treats chronic pain and tension with deep-tissue massage.",
        # Her renewal is already on file, so she is not listed as expiring.
        (
            _licence("cmto", "DEMO-RMT-18120", "General", -335, 30),
            _licence("cmto", "DEMO-RMT-18120", "General", 31, 396),
        ),
        (_works("pickering", (WED, THU, FRI), "14:00", "20:00"),),
    ),
    _person(
        "Mei",
        "Chen",
        "she/her",
        "R. Ac",
        AC,
        "English, Mandarin, Cantonese",
        "Mei is a registered acupuncturist treating pain, stress and sleep problems.",
        (_licence("ctcmpao", "DEMO-AC-3309", "General", -2600, 250),),
        (
            _works("pickering", (TUE, THU), "09:00", "17:00", LUNCH),
            _works("milton", (WED, FRI), "09:00", "17:00", LUNCH),
        ),
    ),
)

EXISTING = PatientEligibility.EXISTING_ONLY
ANYONE = PatientEligibility.ANYONE
PELVIC = (RegisteredWith("cpo", ("internal-pelvic",)),)
# What each kind of visit asks patients to bring (other kinds: the clinic's general advice).
BRING_TO_ASSESSMENT = (
    "Your health card, your benefits card if you plan to claim, any referral, imaging "
    "or test results, and a list of your medications. Wear comfortable clothing."
)
BRING_TO_FITTING = "Your prescription or referral, and the shoes you wear most days."

# Each service below is one of these, with what differs.
PHYSIO_FOLLOW_UP = ServiceSpec(
    "Physiotherapy follow-up, 30 minutes",
    "physiotherapy",
    ServiceKind.FOLLOW_UP,
    minutes=30,
    buffer=5,
    price="85.00",
    tax="physiotherapy",
    qualifications=(RegisteredWith("cpo"),),
    resource_kinds=("treatment-room",),
    eligibility=EXISTING,
    group="physiotherapy",
)
MASSAGE = ServiceSpec(
    "Massage therapy, 60 minutes",
    "massage-therapy",
    ServiceKind.TREATMENT,
    minutes=60,
    buffer=10,
    price="110.00",
    tax="massage-therapy",
    qualifications=(RegisteredWith("cmto"),),
    resource_kinds=("massage-room",),
    group="massage-therapy",
)
ACUPUNCTURE = ServiceSpec(
    "Acupuncture treatment",
    "acupuncture",
    ServiceKind.TREATMENT,
    minutes=45,
    buffer=10,
    price="85.00",
    tax="acupuncture",
    qualifications=(RegisteredWith("cpo", ("acupuncture",)), RegisteredWith("ctcmpao")),
    resource_kinds=("treatment-room",),
    eligibility=EXISTING,
    group="acupuncture",
)

# In the order the public pages list them.
SERVICES = (
    replace(
        PHYSIO_FOLLOW_UP,
        name="Physiotherapy initial assessment",
        kind=ServiceKind.INITIAL_ASSESSMENT,
        minutes=60,
        buffer=10,
        price="120.00",
        eligibility=ANYONE,
        description="Your first visit: history, examination, and a plan made with you.",
        what_to_bring=BRING_TO_ASSESSMENT,
    ),
    PHYSIO_FOLLOW_UP,
    replace(
        PHYSIO_FOLLOW_UP, name="Physiotherapy follow-up, 45 minutes", minutes=45, price="100.00"
    ),
    replace(
        PHYSIO_FOLLOW_UP,
        name="Active rehabilitation in the gym",
        kind=ServiceKind.TREATMENT,
        minutes=45,
        price="90.00",
        resource_kinds=("gym",),
        description="Functional training and therapeutic exercise, supervised.",
    ),
    replace(
        PHYSIO_FOLLOW_UP,
        name="Electrotherapy",
        kind=ServiceKind.TREATMENT,
        price="60.00",
        resource_kinds=("treatment-room", "electrotherapy-unit"),
        group="electrotherapy",
        description="TENS, interferential current or ultrasound as part of your plan.",
    ),
    replace(
        PHYSIO_FOLLOW_UP,
        name="Pelvic floor rehabilitation assessment",
        kind=ServiceKind.INITIAL_ASSESSMENT,
        minutes=60,
        buffer=10,
        price="150.00",
        qualifications=PELVIC,
        resource_kinds=("pelvic-health-room",),
        eligibility=ANYONE,
        group="pelvic-floor-rehabilitation",
        description="Before or after pregnancy, with a physiotherapist rostered for "
        "internal pelvic examination.",
        what_to_bring=BRING_TO_ASSESSMENT,
    ),
    replace(
        PHYSIO_FOLLOW_UP,
        name="Pelvic floor rehabilitation follow-up",
        minutes=45,
        price="115.00",
        qualifications=PELVIC,
        resource_kinds=("pelvic-health-room",),
        group="pelvic-floor-rehabilitation",
    ),
    replace(
        PHYSIO_FOLLOW_UP,
        name="Custom joint brace fitting",
        kind=ServiceKind.FITTING,
        minutes=45,
        buffer=10,
        price="650.00",
        tax="made-to-order-device",
        eligibility=ANYONE,
        online=False,
        group="custom-joint-braces",
        description="Assessment, measurement and fitting of a made-to-order knee or "
        "joint brace. Call us to book.",
        what_to_bring=BRING_TO_FITTING,
    ),
    replace(MASSAGE, name="Massage therapy, 30 minutes", minutes=30, price="65.00"),
    replace(MASSAGE, name="Massage therapy, 45 minutes", minutes=45, price="90.00"),
    MASSAGE,
    replace(MASSAGE, name="Massage therapy, 90 minutes", minutes=90, price="155.00"),
    replace(
        ACUPUNCTURE,
        name="Acupuncture initial treatment",
        kind=ServiceKind.INITIAL_ASSESSMENT,
        minutes=60,
        price="100.00",
        eligibility=ANYONE,
        what_to_bring=BRING_TO_ASSESSMENT,
    ),
    ACUPUNCTURE,
)


# The public pages, in our own words from the clinic's page and domain-reference.md.
SERVICE_GROUPS = (
    ServiceGroupSpec(
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
    ServiceGroupSpec(
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
    ServiceGroupSpec(
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
    ServiceGroupSpec(
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
    ServiceGroupSpec(
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
    ServiceGroupSpec(
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
)

PAGE_TEXTS = (
    PageTextSpec(
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
)


DEMO_CLINIC = ClinicSpec(
    name="Pro Fusion Rehab",
    slug=CLINIC_SLUG,
    phone="905-555-0100",
    email=f"hello@{EMAIL_DOMAIN}",
    accounts=ACCOUNTS,
    locations=LOCATIONS,
    travel=TRAVEL,
    practitioners=PRACTITIONERS,
    groups=SERVICE_GROUPS,
    page_texts=PAGE_TEXTS,
    services=SERVICES,
    # The usual policy: an e-mail two days ahead, a text message the day before.
    reminders=(("email", 48), ("sms", 24)),
)


@dataclass
class DemoSummary:
    created: bool
    locations: int = 0
    practitioners: int = 0
    services: int = 0
    patients: int = 0
    appointments: int = 0
    sign_ins: list[tuple[str, str]] = field(default_factory=list)


def demo_desks(locations: Mapping[str, Location], accounts: Mapping[str, User]) -> dict[int, User]:
    """Who takes the money at each location's desk (location id -> user)."""
    return {
        locations["pickering"].pk: accounts[FRONT_DESK],
        locations["milton"].pk: accounts[FRONT_DESK_MILTON],
    }


def _roles_in_words(roles: tuple[Role, ...]) -> str:
    """ "Manager and privacy officer"."""
    words = [role.value for role in roles[:1]] + [role.value.lower() for role in roles[1:]]
    return " and ".join(words)


def demo_sign_ins() -> list[tuple[str, str]]:
    """(what, e-mail) for the accounts `make run` prints."""
    rows = [(_roles_in_words(staff.roles), staff.email) for staff in ACCOUNTS]
    rows.append(("Practitioner", PRACTITIONERS[0].email))
    rows.append(("Patient (a parent)", PATIENTS[0].address))
    regular = regular_patient_email()
    if regular:
        rows.append(("Patient (exercises, receipts)", regular))
    return rows


def demo_staff_factors() -> None:
    """Every staff account of the demo (ACCOUNTS and the practitioners) gets an
    authenticator app holding DEMO_TOTP_SECRET."""
    secret_hex = base64.b32decode(DEMO_TOTP_SECRET).hex()
    emails = [account.email for account in ACCOUNTS] + [p.email for p in PRACTITIONERS]
    for user in User.objects.filter(email__in=emails):
        totp_set_known_secret(user=user, secret_hex=secret_hex)


def load_demo(
    *, now: datetime, history_days: int = HISTORY_DAYS, future_days: int = FUTURE_DAYS
) -> DemoSummary:
    """Create the demo clinic unless it is there already (then change nothing): the
    clinic as of `now`'s local date, its patients, `history_days` of past visits and
    `future_days` of bookings ahead (by default two years and 90 days)."""
    with transaction.atomic():
        loaded = clinic_load(clinic=DEMO_CLINIC, today=timezone.localdate(now))
        if loaded is None:
            return DemoSummary(created=False, sign_ins=demo_sign_ins())
        front_desk = loaded.accounts[FRONT_DESK]
        demo_staff_factors()
        # Every demo account shares the published password: its hash, as the clinic
        # loader made it for the staff, serves the patients who sign in too.
        shared_hash = front_desk.password
        patients = load_demo_patients(
            front_desk=front_desk, password=DEMO_PASSWORD, password_hash=shared_hash
        )
        load_demo_consents(patients=patients, front_desk=front_desk, now=now)
        billing_setup(clinic=loaded.clinic)
        if history_days or future_days:
            load_history(
                front_desk=front_desk, now=now, days_back=history_days, days_ahead=future_days
            )
            book_family_visits(front_desk=front_desk, now=now)
            load_waitlist(front_desk=front_desk, now=now)
            practitioner = Practitioner.objects.get(user__email=PRACTITIONERS[0].email)
            load_demo_health(practitioner=practitioner, front_desk=front_desk, now=now)
            load_demo_notes(practitioner=practitioner, now=now)
            books_load(
                clinic=loaded.clinic,
                now=now,
                desk=front_desk,
                desks=demo_desks(loaded.locations, loaded.accounts),
            )
            regular = regular_patient_signs_in(
                front_desk=front_desk, password=DEMO_PASSWORD, password_hash=shared_hash, now=now
            )
            # After the notes (whose stories the plans follow) and the regular patient's
            # sign-in (they follow a program and answer a questionnaire).
            load_demo_progress(
                practitioner=practitioner, front_desk=front_desk, regular=regular, now=now
            )
            load_demo_privacy(
                officer=loaded.accounts[MANAGER],
                regular=regular,
                practitioners=list(
                    Practitioner.objects.filter(
                        user__email__in=[p.email for p in PRACTITIONERS[1:]]
                    ).order_by("pk")
                ),
                now=now,
            )
    return DemoSummary(
        created=True,
        locations=Location.objects.count(),
        practitioners=Practitioner.objects.count(),
        services=Service.objects.count(),
        patients=Patient.objects.count(),
        appointments=Appointment.objects.count(),
        sign_ins=demo_sign_ins(),
    )
