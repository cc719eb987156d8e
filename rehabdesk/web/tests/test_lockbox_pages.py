"""The lockbox's pages: the patient withholds in the portal, the chart says only
"withheld at the patient's request", an opening asks a reason and lets the chart in,
break-glass outside one's care by exact name and date of birth, the desk records a
directive given on paper, the privacy officer reviews each opening."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_set_roles
from rehabdesk.audit.models import AuditEvent
from rehabdesk.consents.choices import ConsentChannel, DirectiveMode, DirectiveScope, OverrideKind
from rehabdesk.consents.lockbox import directive_set, override_open
from rehabdesk.consents.models import ConsentDirective, LockboxOverride
from rehabdesk.web.tests.chart_record import entry


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def withhold(personas):
    return directive_set(
        patient=personas.patient_a,
        scope=DirectiveScope.RECORD,
        mode=DirectiveMode.FROM_NAMED,
        practitioner_ids=[personas.physio.pk],
        channel=ConsentChannel.ONLINE,
        actor=personas.patient_a.user,
        now=timezone.now(),
    )


def test_the_patient_withholds_their_record_and_withdraws_it(personas):
    client = client_of(personas.patient_a.user)
    page = client.get(reverse("my-lockbox"))
    assert page.status_code == 200
    assert "Nothing is withheld" in page.text
    assert "Priya Physio" in page.text  # a practitioner to choose
    done = client.post(
        reverse("my-lockbox"),
        {
            "patient": personas.patient_a.pk,
            "scope": "record",
            "mode": "from_named",
            "practitioners": [personas.physio.pk],
        },
    )
    assert done.status_code == 302
    directive = ConsentDirective.objects.get(patient=personas.patient_a)
    assert directive.channel == ConsentChannel.ONLINE
    page = client.get(reverse("my-lockbox"))
    assert "withheld from" in page.text
    client.post(reverse("my-lockbox-withdraw", args=[directive.pk]))
    assert ConsentDirective.objects.get(pk=directive.pk).withdrawn_at is not None


def test_naming_no_one_is_a_form_error_not_a_500(personas):
    client = client_of(personas.patient_a.user)
    page = client.post(
        reverse("my-lockbox"),
        {"patient": personas.patient_a.pk, "scope": "record", "mode": "from_named"},
    )
    assert page.status_code == 200
    assert "Name at least one practitioner" in page.text
    assert not ConsentDirective.objects.exists()


def test_a_patient_cannot_set_someone_elses_lockbox(personas):
    client = client_of(personas.patient_b.user)
    page = client.post(
        reverse("my-lockbox"),
        {
            "patient": personas.patient_a.pk,
            "scope": "record",
            "mode": "all_but_named",
        },
    )
    assert page.status_code == 200  # not among their choices
    assert not ConsentDirective.objects.exists()


def test_the_withheld_chart_says_so_and_nothing_else_then_opens(personas):
    entry(personas.physio, personas.patient_a, "Sore knee after skiing", days_ago=1)
    withhold(personas)
    client = client_of(personas.physio.user)
    chart = reverse("patient-chart", args=[personas.patient_a.pk])
    page = client.get(chart)
    assert page.status_code == 403
    assert "Withheld at the patient's request" in page.text
    assert "Sore knee" not in page.text
    assert "Anders" not in page.text
    denied = AuditEvent.objects.latest("pk")
    assert (denied.action, denied.outcome) == ("deny", "denied")
    opening = reverse("record-open", args=[personas.patient_a.pk])
    assert client.post(opening, {"kind": "consent", "reason": ""}).status_code == 200
    done = client.post(opening, {"kind": "consent", "reason": "Agreed at today's visit"})
    assert done.status_code == 302
    assert done["Location"] == chart
    assert "Sore knee" in client.get(chart).text


def test_break_glass_outside_ones_care_by_exact_name_and_birth_date(personas):
    client = client_of(personas.massage_therapist.user)
    lookup = reverse("emergency-lookup")
    wrong = client.post(
        lookup, {"first_name": "Alice", "last_name": "Ander", "born_on": "1980-04-02"}
    )
    assert wrong.status_code == 200
    assert "No single patient matches" in wrong.text
    found = client.post(
        lookup, {"first_name": "alice", "last_name": "ANDERS", "born_on": "1980-04-02"}
    )
    assert found.status_code == 302
    form = client.get(found["Location"])
    assert "not in your care" in form.text
    assert "Alice" not in form.text  # the chart number only, until opened
    done = client.post(found["Location"], {"kind": "consent", "reason": "Pretend consent"})
    assert done.status_code == 200  # outside one's care: an emergency only
    done = client.post(found["Location"], {"kind": "emergency", "reason": "Collapsed"})
    assert done.status_code == 302
    opening = LockboxOverride.objects.get()
    assert (opening.kind, opening.practitioner) == (
        OverrideKind.EMERGENCY,
        personas.massage_therapist,
    )
    assert AuditEvent.objects.filter(action="emergency").count() == 1


def test_the_desk_records_a_directive_given_on_paper(personas):
    client = client_of(personas.front_desk)
    url = reverse("desk-lockbox", args=[personas.patient_a.pk])
    assert client.get(url).status_code == 200
    done = client.post(
        url,
        {
            "patient": personas.patient_a.pk,
            "scope": "record",
            "mode": "all_but_named",
            "practitioners": [personas.massage_therapist.pk],
            "channel": "paper",
        },
    )
    assert done.status_code == 302
    directive = ConsentDirective.objects.get()
    assert (directive.channel, directive.recorded_by) == ("paper", personas.front_desk)


def test_the_privacy_officer_reviews_an_opening(personas):
    override_open(
        patient=personas.patient_a,
        practitioner=personas.massage_therapist,
        kind=OverrideKind.EMERGENCY,
        reason="Collapsed in the waiting room",
        actor=personas.massage_therapist.user,
        now=timezone.now(),
    )
    officer = personas.front_desk
    client = client_of(officer)
    assert client.get(reverse("privacy-emergency")).status_code == 404
    user_set_roles(user=officer, roles=[Role.FRONT_DESK, Role.PRIVACY_OFFICER])
    client = client_of(type(officer).objects.get(pk=officer.pk))
    page = client.get(reverse("privacy-emergency"))
    assert page.status_code == 200
    assert "Olivia Massage" in page.text
    assert "Emergency" in page.text
    opening = LockboxOverride.objects.get()
    url = reverse("privacy-emergency-review", args=[opening.pk])
    assert "Collapsed in the waiting room" in client.get(url).text
    assert client.post(url, {"review": "justified", "note": ""}).status_code == 200
    done = client.post(url, {"review": "justified", "note": "Ambulance called"})
    assert done.status_code == 302
    assert LockboxOverride.objects.get().reviewed_by == officer
    assert "Nothing to review" in client.get(reverse("privacy-emergency")).text


def test_the_patient_sees_who_opened_it_and_why(personas):
    withhold(personas)
    override_open(
        patient=personas.patient_a,
        practitioner=personas.physio,
        kind=OverrideKind.EMERGENCY,
        reason="Chest pain during treatment",
        actor=personas.physio.user,
        now=timezone.now(),
    )
    page = client_of(personas.patient_a.user).get(reverse("my-lockbox"))
    assert "Chest pain during treatment" in page.text
    assert "in an emergency" in page.text


def test_lookup_does_not_list_or_guess(personas):
    # Two patients of the same name and birth date: none chosen.
    from rehabdesk.patients.models import Patient

    Patient.objects.create(
        first_name="Alice", last_name="Anders", date_of_birth=date(1980, 4, 2), phone="1"
    )
    client = client_of(personas.massage_therapist.user)
    page = client.post(
        reverse("emergency-lookup"),
        {"first_name": "Alice", "last_name": "Anders", "born_on": "1980-04-02"},
    )
    assert page.status_code == 200
