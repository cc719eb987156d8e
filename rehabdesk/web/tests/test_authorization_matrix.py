"""Every route, every method, every persona: the outcome docs/authorization-matrix.csv
promises. A route without a row fails here, so none ships without a decision."""

from __future__ import annotations

import copy
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rehabdesk.billing.choices import PayerKind, PaymentMethod
from rehabdesk.billing.models import Invoice, PackageOffer, Payer, Payment, Product
from rehabdesk.billing.services import ProductLine, invoice_for_sale, payment_record
from rehabdesk.care.choices import NoteKind
from rehabdesk.care.models import Document, NoteTemplate, VisitNote
from rehabdesk.care.services import document_upload, note_start
from rehabdesk.care.testing import pdf_bytes, uploaded
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import ReminderChannel, Weekday
from rehabdesk.clinic.models import (
    Closure,
    Location,
    PageText,
    ReminderRule,
    Resource,
    ResourceKind,
    Service,
    ServiceGroup,
    TaxCategory,
    TimeOff,
)
from rehabdesk.clinic.testing import make_service, make_shift, png_bytes
from rehabdesk.consents.choices import (
    ConsentChannel,
    ConsentMethod,
    DirectiveMode,
    DirectiveScope,
    OverrideKind,
    TreatmentTopic,
)
from rehabdesk.consents.lockbox import directive_set, override_open
from rehabdesk.consents.models import ConsentRecord, TreatmentConsent
from rehabdesk.consents.selectors import privacy_notice_current, treatment_texts_current
from rehabdesk.consents.services import consent_record, treatment_consent_give
from rehabdesk.exercises.models import Program, ProgramSession
from rehabdesk.exercises.services import session_tick
from rehabdesk.exercises.testing import program_build
from rehabdesk.online.csp_reports import csp_violations_count, violation_from
from rehabdesk.outcomes.models import MeasureRequest
from rehabdesk.outcomes.services import measure_request_send
from rehabdesk.outcomes.testing import request_make, wording_enter
from rehabdesk.patients.models import CareAssignment, FamilyLink
from rehabdesk.plans.inputs import CourseInput, GoalInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_create
from rehabdesk.privacy.services import (
    access_request_create,
    breach_record,
    correction_request_create,
)
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.services import alert_add
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, FeedKind, FreedKind
from rehabdesk.scheduling.manage_links import manage_token
from rehabdesk.scheduling.models import Appointment, FreedTime, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.services import (
    BookingRequest,
    Wish,
    appointment_book,
    appointment_hold,
    calendar_feed_create,
    waitlist_add,
)
from rehabdesk.testing.authorization import (
    Route,
    Row,
    all_routes,
    build_path,
    load_rows,
    missing_rows,
    outcome_of,
    rows_for,
)
from rehabdesk.testing.personas import Personas
from rehabdesk.web.tests.measure_world import link_of as measure_link_of
from rehabdesk.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: Personas) -> Personas:
    """The personas, plus one of every kind of configuration row the admin lists."""
    today = timezone.localdate()
    clinic_services.travel_time_set(
        location_a=personas.pickering, location_b=personas.milton, minutes=60, today=today
    )
    clinic_services.configuration_save(
        instance=Resource(
            location=personas.pickering,
            kind=ResourceKind.objects.get(slug="treatment-room"),
            name="Room 1",
        )
    )
    clinic_services.closure_save(
        closure=Closure(location=personas.pickering, first_day=today, last_day=today, name="Storm")
    )
    service = make_service("Physiotherapy follow-up")
    clinic_services.configuration_save(
        instance=ServiceGroup(name="Physiotherapy", slug="physiotherapy", summary="Movement.")
    )
    clinic_services.configuration_save(
        instance=PageText(slug="physio-or-massage", title="Physio or massage?", body="Both.")
    )
    clinic_services.configuration_save(
        instance=ReminderRule(
            clinic=personas.pickering.clinic, channel=ReminderChannel.SMS, hours_before=24
        )
    )
    make_shift(personas.physio, personas.pickering, Weekday.MONDAY, "09:00", "17:00")
    next_monday = today + timedelta(days=7 - today.weekday())
    appointment_book(
        request=BookingRequest(
            patient=personas.patient_a,
            practitioner=personas.physio,
            service=service,
            location=Location.objects.select_related("clinic").get(pk=personas.pickering.pk),
            start=datetime.combine(next_monday, time(10), tzinfo=personas.pickering.zone),
            channel=Channel.STAFF,
        ),
        actor=personas.front_desk,
        now=timezone.now(),
    )
    # The day after the booking, so that the booking stays inside the practitioner's hours
    # whatever day of the week the tests run on (on a Sunday, "now until tomorrow" covered it).
    day_off = datetime.combine(
        next_monday + timedelta(days=1), time(0), tzinfo=personas.pickering.zone
    )
    clinic_services.time_off_save(
        time_off=TimeOff(
            practitioner=personas.physio, starts_at=day_off, ends_at=day_off + timedelta(days=1)
        )
    )
    entry = waitlist_add(
        wish=Wish(
            patient=personas.patient_a,
            service=service,
            practitioner=None,
            locations=[personas.pickering],
            weekdays=[],
            day_parts=[],
            valid_until=next_monday + timedelta(days=30),
        ),
        actor=personas.front_desk,
        now=timezone.now(),
    )
    hold = appointment_hold(
        request=BookingRequest(
            patient=personas.patient_a,
            practitioner=personas.physio,
            service=service,
            location=Location.objects.select_related("clinic").get(pk=personas.pickering.pk),
            start=datetime.combine(next_monday, time(14), tzinfo=personas.pickering.zone),
            channel=Channel.STAFF,
        ),
        actor=None,
        now=timezone.now(),
        hold_for=timedelta(hours=2),
    )
    freed = FreedTime.objects.create(
        practitioner=personas.physio,
        location=personas.pickering,
        kind=FreedKind.RELEASED,
        start=hold.start,
        end=hold.busy_until,
        created_at=timezone.now(),
        processed_at=timezone.now(),
    )
    WaitlistOffer.objects.create(
        entry=entry,
        appointment=hold,
        freed=freed,
        expires_at=timezone.now() + timedelta(hours=2),
        created_at=timezone.now(),
    )
    # What the Content-Security-Policy blocked, counted for the managers' admin list.
    csp_violations_count(
        violations=[
            violation_from(
                directive="script-src-elem", blocked="https://cdn.example/x.js", route="home"
            )
        ],
        client_ip="192.0.2.1",
        now=timezone.now(),
    )
    # Patient A's safety record: an alert added by hand and a red flag to decide.
    alert_add(
        patient=personas.patient_a,
        level="note",
        modalities=[],
        reason="Prefers to be told before each technique",
        actor=personas.physio.user,
        now=timezone.now(),
    )
    RedFlagReview.objects.create(
        patient=personas.patient_a,
        rule="night_pain",
        urgency="doctor_first",
        clinician_text="Constant night pain",
        answers={"rf_night_pain": "yes"},
        ruleset_version=1,
        source="intake",
        created_at=timezone.now(),
    )
    # The physio's draft of a phone consult with patient A (a general entry).
    note_start(
        actor=personas.physio.user,
        template=NoteTemplate.objects.get(code="general-entry", current=True),
        patient=personas.patient_a,
        kind=NoteKind.PHONE,
        encounter_at=timezone.now() - timedelta(hours=1),
        now=timezone.now(),
    )
    # A referral on patient A's record.
    document_upload(
        actor=personas.physio.user,
        patient=personas.patient_a,
        kind="referral",
        title="Referral",
        received_on=today,
        file=uploaded("referral.pdf", pdf_bytes()),
        now=timezone.now(),
    )
    # The clinic's wording of the ODI, which the admin lists.
    wording_enter(instrument="odi", manager=personas.manager, now=timezone.now())
    # A treatment consent and a privacy consent of the child, given by the guardian.
    treatment_consent_give(
        patient=personas.child,
        text=treatment_texts_current()[TreatmentTopic.MASSAGE_THERAPY],
        method=ConsentMethod.ONLINE,
        agreed=True,
        actor=personas.guardian.user,
        now=timezone.now(),
    )
    notice = privacy_notice_current()
    assert notice is not None
    consent_record(
        patient=personas.child,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=personas.guardian.user,
        now=timezone.now(),
    )
    billing_rows(personas, service)
    exercise_rows(personas)
    # A questionnaire asked of the child (answered in the portal) and of patient A (by link).
    for patient in (personas.child, personas.patient_a):
        request_make(patient=patient, now=timezone.now())
    # The physio's treatment plan for patient A: twice a week for six weeks.
    plan_create(
        patient=personas.patient_a,
        practitioner=personas.physio,
        problems=["Knee pain on stairs"],
        goals=[GoalInput(text="Stairs without pain", target_on=today + timedelta(weeks=6))],
        courses=[
            CourseInput(
                discipline_id=service.discipline_id,
                service_id=service.pk,
                practitioner_id=personas.physio.pk,
                location_id=personas.pickering.pk,
                visits=2,
                weeks=6,
            )
        ],
        measures=[],
        starts_on=today,
        reassess_on=today + timedelta(weeks=3),
        reassess_after_visits=None,
        discharge_criteria="",
        user=personas.physio.user,
        now=timezone.now(),
    )
    return personas


def exercise_rows(personas: Personas) -> None:
    """Patient A's home program from the physio, with today's first session ticked."""
    program = program_build(personas, now=timezone.now())
    session_tick(
        program=program,
        day=timezone.localdate(),
        number=1,
        pain=None,
        user=personas.patient_a.user,
        now=timezone.now(),
    )


def billing_rows(personas: Personas, service: Service) -> None:
    """A payer, a product and a package offer (the admin lists them), and patient A's
    invoice for a brace with part of it paid in cash."""
    clinic = personas.pickering.clinic
    Payer.objects.create(clinic=clinic, name="Sun Life", kind=PayerKind.EXTENDED_HEALTH)
    brace = Product.objects.create(
        clinic=clinic,
        name="Knee brace",
        price=Decimal("40.00"),
        tax_category=TaxCategory.objects.get(code="general-taxable"),
    )
    PackageOffer.objects.create(
        clinic=clinic, name="Five follow-ups", service=service, visits=5, price=Decimal("400.00")
    )
    pickering = Location.objects.select_related("clinic").get(pk=personas.pickering.pk)
    invoice = invoice_for_sale(
        patient=personas.patient_a,
        location=pickering,
        products=[ProductLine(product=brace)],
        by=personas.front_desk,
        now=timezone.now(),
    )
    payment_record(
        patient=personas.patient_a,
        location=pickering,
        amount=Decimal("10.00"),
        method=PaymentMethod.CASH,
        by=personas.front_desk,
        now=timezone.now(),
        invoices=[invoice],
    )


def kwargs_for(route: Route, target: str, world: Personas) -> dict[str, str]:
    if target == "-":
        return {}
    if target == "object":
        return admin_kwargs(route, world)
    if target == "fhir":
        return {"resource_type": "Location", "resource_id": str(world.pickering.pk)}
    if target == "appointment":
        booked = Appointment.objects.get(patient=world.patient_a, status=AppointmentStatus.BOOKED)
        return {"appointment_id": str(booked.pk)}
    if target == "schedule":
        return {"location": world.pickering.slug, "day": timezone.localdate().isoformat()}
    if target == "week":
        return {"practitioner_id": str(world.physio.pk), "day": timezone.localdate().isoformat()}
    if target == "entry":
        return {"entry_id": str(WaitlistEntry.objects.get(patient=world.patient_a).pk)}
    if target == "offer":
        return {"offer_id": str(WaitlistOffer.objects.get(entry__patient=world.patient_a).pk)}
    if target == "alert":
        return {"alert_id": str(Alert.objects.get(patient=world.patient_a).pk)}
    if target == "review":
        return {"review_id": str(RedFlagReview.objects.get(patient=world.patient_a).pk)}
    if target == "note":
        return {"note_id": str(VisitNote.objects.filter(patient=world.patient_a).earliest("pk").pk)}
    if target == "plan":
        plan = TreatmentPlan.objects.get(patient=world.patient_a)
        return {"patient_id": str(world.patient_a.pk), "plan_id": str(plan.pk)}
    if target == "document":
        return {"document_id": str(Document.objects.get(patient=world.patient_a).pk)}
    if target == "invoice":
        return {"invoice_id": str(Invoice.objects.get(patient=world.patient_a).pk)}
    if target == "payment":
        return {"payment_id": str(Payment.objects.get(patient=world.patient_a).pk)}
    if target in ("program", "session"):
        program = Program.objects.get(patient=world.patient_a)
        if target == "session":
            session = ProgramSession.objects.get(program=program)
            return {"program_id": str(program.pk), "session_id": str(session.pk)}
        return {"program_id": str(program.pk)}
    if target in ("access-request", "correction", "breach"):
        return privacy_kwargs(target, world)
    if target == "practitioner":
        return {"practitioner_id": str(world.physio.pk)}
    if target == "hold":
        return {"token": "not-a-hold-of-this-session"}
    if target == "service-group":
        return {"slug": "physiotherapy"}
    if target == "location":
        return {"slug": world.pickering.slug}
    if target == "picture":
        photo = clinic_services.picture_set(
            owner=world.physio, data=png_bytes(), now=timezone.now()
        )
        return {"sha256": photo}
    if target == "manage-link":
        booked = Appointment.objects.get(patient=world.patient_a, status=AppointmentStatus.BOOKED)
        return {"token": manage_token(booked)}
    if target == "measure-request":
        return {"request_id": str(MeasureRequest.objects.get(patient=world.child).pk)}
    if target == "measure-link":
        request = MeasureRequest.objects.get(patient=world.patient_a)
        measure_request_send(request=request, now=timezone.now())
        return {"token": measure_link_of(request).split("/")[-2]}
    if target == "treatment-consent":
        return {"consent_id": str(TreatmentConsent.objects.get(patient=world.child).pk)}
    if target == "privacy-consent":
        return {"consent_id": str(ConsentRecord.objects.get(patient=world.child).pk)}
    if target == "opening":
        # The lockbox: an emergency opening of patient A's record, lapsed already, so
        # that it lets nobody in on the rows that follow (this one stays).
        opening = override_open(
            patient=world.patient_a,
            practitioner=world.massage_therapist,
            kind=OverrideKind.EMERGENCY,
            reason="Collapsed in the waiting room",
            actor=world.massage_therapist.user,
            now=timezone.now() - timedelta(days=1),
        )
        return {"opening_id": str(opening.pk)}
    if target == "directive":  # the lockbox: the child's record withheld from the physio
        guardian = world.guardian.user
        assert guardian is not None, "the guardian signs in"
        directive = directive_set(
            patient=world.child,
            scope=DirectiveScope.RECORD,
            mode=DirectiveMode.FROM_NAMED,
            practitioner_ids=[world.physio.pk],
            channel=ConsentChannel.ONLINE,
            actor=guardian,
            now=timezone.now(),
        )
        return {"directive_id": str(directive.pk)}
    if target in ("feed-secret", "practitioner-feed"):
        # The physio's calendar feed: its secret address, or its id for the manager.
        made = calendar_feed_create(
            owner=world.physio.user,
            kind=FeedKind.PRACTITIONER,
            actor=world.physio.user,
            now=timezone.now(),
        )
        if target == "feed-secret":
            return {"secret": made.secret}
        return {"feed_id": str(made.feed.pk)}
    if target == "webhook":
        registered = endpoint_create(
            url="http://127.0.0.1:9/hook",
            description="matrix",
            event_types=["patient.created"],
            actor=world.manager,
            now=timezone.now(),
        )
        return {"endpoint_id": str(registered.endpoint.pk)}
    if target == "password-link":
        # Patient A's account, with a token that is not the one e-mailed.
        uidb64 = urlsafe_base64_encode(force_bytes(world.patient_a.user_id))
        return {"uidb64": uidb64, "token": "not-a-valid-token"}
    name, _, part = target.partition("/")
    patient = getattr(world, name)
    kwargs = {"patient_id": str(patient.pk)}
    if part == "care":
        assignment = CareAssignment.objects.get(patient=patient, ended_at__isnull=True)
        kwargs["assignment_id"] = str(assignment.pk)
    elif part == "family":
        kwargs["link_id"] = str(FamilyLink.objects.get(dependent=patient, ended_at__isnull=True).pk)
    elif part == "coverage":
        kwargs["coverage_id"] = str(patient.coverages.get().pk)
    elif part == "topic":
        kwargs["topic"] = "physiotherapy"
    elif part == "program":
        kwargs["program_id"] = str(Program.objects.get(patient=patient).pk)
    return kwargs


def privacy_kwargs(target: str, world: Personas) -> dict[str, str]:
    """Patient A's request for their record, their correction request and a breach of
    their record, each made for the request (the personas hold no privacy officer)."""
    now = timezone.now()
    if target == "access-request":
        request = access_request_create(
            actor=world.patient_a.user, patient=world.patient_a, details="", now=now
        )
        return {"request_id": str(request.pk)}
    if target == "correction":
        correction = correction_request_create(
            actor=world.patient_a.user,
            patient=world.patient_a,
            note=None,
            wrong="My phone number",
            should_say="905-555-0199",
            now=now,
        )
        return {"correction_id": str(correction.pk)}
    breach = breach_record(
        actor=world.manager,
        what="A day sheet left at the front desk",
        cause="lost",
        occurred_on=timezone.localdate(),
        found_on=timezone.localdate(),
        contained="Put away",
        patient_ids=[world.patient_a.pk],
        now=now,
    )
    return {"breach_id": str(breach.pk)}


def admin_kwargs(route: Route, world: Personas) -> dict[str, str]:
    """Parameters for an admin route: an existing object of the route's model."""
    location = world.pickering
    kwargs = {
        "app_label": "clinic",
        "url": "clinic/not-a-page/",
        "content_type_id": str(ContentType.objects.get_for_model(Location).pk),
        "object_id": str(location.pk),
    }
    parts = route.pattern.split("/")
    if len(parts) > 3 and parts[0] == "admin" and "<" in route.pattern:
        try:
            model = apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return kwargs
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"the matrix needs a {model.__name__} to open {route.key}"
        kwargs["object_id"] = kwargs["id"] = str(first.pk)
    return kwargs


def clients(world: Personas) -> dict[str, Client]:
    signed_in = {}
    for name in Personas.EVERYONE:
        client = Client()
        user = world.user(name)
        if user is not None:
            client.force_login(user)
        signed_in[name] = client
    return signed_in


def outcomes(
    route: Route, row: Row, world: Personas, by_persona: dict[str, Client]
) -> dict[str, str]:
    # A page of the health form: its first section.
    path = build_path(route, {**kwargs_for(route, row.target, world), "section": "contact"})
    seen = {}
    for name, client in by_persona.items():
        # Each request's changes are rolled back, and its cookies forgotten (signing out
        # must not sign the persona out of the rows that follow).
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic():
            response = client.generic(row.method, path)
            transaction.set_rollback(True)
        client.cookies = cookies
        seen[name] = outcome_of(response)
    return seen


def test_every_route_has_a_row_and_every_persona_gets_its_outcome(world):
    rows = load_rows()
    routes = all_routes()
    assert missing_rows(routes, rows) == []
    by_persona = clients(world)
    wrong = []
    for route in routes:
        for method, row in sorted(rows_for(route, rows).items()):
            seen = outcomes(route, row, world, by_persona)
            for persona, expected in row.expected.items():
                if seen[persona] != expected:
                    wrong.append(
                        f"{route.key} {method} as {persona}: {seen[persona]}, not {expected}"
                    )
    assert not wrong, f"{len(wrong)} outcomes differ from the matrix:\n" + "\n".join(wrong)


def test_the_harness_fails_a_route_without_a_row():
    rows = load_rows()
    unplanned = Route("patient-export", "staff/patients/<int:patient_id>/export/")
    assert missing_rows([*all_routes(), unplanned], rows) == ["patient-export"]


def test_the_harness_picks_the_most_specific_row():
    everyone_ok = dict.fromkeys(Personas.EVERYONE, "ok")
    general = Row("admin:*", "GET", "object", everyone_ok)
    specific = Row("admin:clinic_service_delete", "GET", "object", everyone_ok)
    route = Route("admin:clinic_service_delete", "admin/clinic/service/<path:object_id>/delete/")
    assert rows_for(route, [general, specific]) == {"GET": specific}
    assert rows_for(route, [specific, general]) == {"GET": specific}


def test_the_harness_notices_a_wrong_outcome(world):
    route = next(route for route in all_routes() if route.key == "patient-detail")
    lenient = Row("patient-detail", "GET", "patient_a", dict.fromkeys(Personas.EVERYONE, "ok"))
    seen = outcomes(route, lenient, world, clients(world))
    assert seen["patient_b"] == "404"
    assert seen["anonymous"] == "signin"
