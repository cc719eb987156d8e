"""Which consents a visit needs — from its service's discipline and the rosters its
qualifications require, no list kept per service — and whether they are on file, for a
whole day of visits in two queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rehabdesk.clinic.testing import make_service, qualification
from rehabdesk.consents.choices import ConsentChannel, ConsentMethod, TreatmentTopic
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import ConsentRecord
from rehabdesk.consents.selectors import (
    ConsentQuestion,
    consent_status_for_visits,
    privacy_notice_current,
    topics_for_services,
    treatment_texts_current,
)
from rehabdesk.consents.services import (
    privacy_consent_record_at_desk,
    privacy_notice_publish,
    treatment_consent_give,
    treatment_consent_record_verbal,
    treatment_consent_withdraw,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
DAY = date(2027, 3, 10)
P, M, AC, SA, IP = (
    TreatmentTopic.PHYSIOTHERAPY,
    TreatmentTopic.MASSAGE_THERAPY,
    TreatmentTopic.ACUPUNCTURE,
    TreatmentTopic.SENSITIVE_AREAS,
    TreatmentTopic.INTERNAL_PELVIC,
)


@pytest.fixture
def catalogue():
    # Inactive: the derivation needs no qualified practitioner on the team.
    return {
        "physio": make_service("Physio follow-up", active=False),
        "massage": make_service(
            "Massage 60",
            discipline="massage-therapy",
            tax="massage-therapy",
            qualifications=[qualification("cmto")],
            active=False,
        ),
        "pelvic": make_service(
            "Pelvic floor assessment",
            qualifications=[qualification("cpo", "internal-pelvic")],
            active=False,
        ),
        "acupuncture": make_service(
            "Acupuncture",
            discipline="acupuncture",
            tax="acupuncture",
            qualifications=[qualification("cpo", "acupuncture"), qualification("ctcmpao")],
            active=False,
        ),
        "needling": make_service(
            "Physio with dry needling",
            qualifications=[qualification("cpo", "acupuncture")],
            active=False,
        ),
    }


def give(patient, topic, *, now=NOW, **extra):
    return treatment_consent_give(
        patient=patient,
        text=treatment_texts_current()[topic],
        method=ConsentMethod.ONLINE,
        agreed=True,
        actor=None,
        now=now,
        **extra,
    )


def test_it_derives_the_topics_from_the_discipline_and_the_rosters(
    catalogue, django_assert_num_queries
):
    ids = {name: service.pk for name, service in catalogue.items()}
    with django_assert_num_queries(1):
        topics = topics_for_services(service_ids=ids.values())
    assert topics == {
        ids["physio"]: {P},
        ids["massage"]: {M},
        ids["pelvic"]: {P, IP},
        ids["acupuncture"]: {AC},
        ids["needling"]: {P, AC},
    }


def test_a_visit_is_covered_when_every_topic_it_needs_is_on_file(personas, catalogue):
    give(personas.patient_a, P)
    status = consent_status_for_visits(
        visits=[
            ConsentQuestion(1, personas.patient_a.pk, catalogue["physio"].pk, DAY),
            ConsentQuestion(2, personas.patient_a.pk, catalogue["pelvic"].pk, DAY),
            ConsentQuestion(3, personas.patient_b.pk, catalogue["physio"].pk, DAY),
        ]
    )
    assert (status[1].on_file, status[1].missing) == (True, ())
    assert (status[2].on_file, status[2].needed, status[2].missing) == (False, (P, IP), (IP,))
    assert status[2].missing_labels == ["Internal pelvic examination"]
    assert (status[3].on_file, status[3].missing) == (False, (P,))


def test_any_version_counts_and_a_withdrawn_consent_does_not(personas, catalogue):
    physio = give(personas.patient_a, P)
    treatment_consent_record_verbal(
        patient=personas.patient_a,
        text=treatment_texts_current()[AC],
        note="Explained.",
        actor=personas.physio.user,
        now=NOW,
    )
    treatment_consent_withdraw(consent=physio, actor=None, now=NOW + timedelta(minutes=1))
    status = consent_status_for_visits(
        visits=[ConsentQuestion(1, personas.patient_a.pk, catalogue["needling"].pk, DAY)]
    )
    assert status[1].missing == (P,)


def test_sensitive_areas_are_offered_with_massage_and_count_for_their_day_only(personas, catalogue):
    give(personas.patient_a, M)
    give(personas.patient_a, SA, areas=["gluteal", "upper_inner_thigh"])
    massage = catalogue["massage"].pk
    status = consent_status_for_visits(
        visits=[
            ConsentQuestion(1, personas.patient_a.pk, massage, DAY),
            ConsentQuestion(2, personas.patient_a.pk, massage, DAY + timedelta(days=1)),
            ConsentQuestion(3, personas.patient_a.pk, catalogue["physio"].pk, DAY),
        ]
    )
    assert status[1].on_file
    assert status[1].offers_sensitive_areas
    assert status[1].sensitive_area_labels == ["Upper inner thigh", "Buttocks (gluteal muscles)"]
    assert status[2].sensitive_areas == ()
    assert status[2].on_file  # never required: asked on the day when needed
    assert not status[3].offers_sensitive_areas


def test_a_day_of_visits_is_answered_in_two_queries(personas, catalogue, django_assert_num_queries):
    for patient in (personas.patient_a, personas.patient_b, personas.child):
        give(patient, P)
    visits = [
        ConsentQuestion(n, patient.pk, service.pk, DAY)
        for n, (patient, service) in enumerate(
            (p, s)
            for p in (personas.patient_a, personas.patient_b, personas.child)
            for s in catalogue.values()
        )
    ]
    with django_assert_num_queries(2):
        status = consent_status_for_visits(visits=visits)
    assert len(status) == 15
    with django_assert_num_queries(0):
        assert consent_status_for_visits(visits=[]) == {}


def test_the_desk_records_a_privacy_consent_on_screen_or_paper_once(personas):
    record = privacy_consent_record_at_desk(
        patient=personas.patient_b,
        notice=privacy_notice_current(),
        channel=ConsentChannel.PAPER,
        actor=personas.front_desk,
        now=NOW,
    )
    assert (record.channel, record.notice.version) == ("paper", 1)
    with pytest.raises(ConsentError) as refused:
        privacy_consent_record_at_desk(
            patient=personas.patient_b,
            notice=privacy_notice_current(),
            channel=ConsentChannel.STAFF,
            actor=personas.front_desk,
            now=NOW,
        )
    assert refused.value.code == ConsentErrorCode.ALREADY_ON_FILE
    assert ConsentRecord.objects.filter(patient=personas.patient_b).count() == 1


def test_the_desk_cannot_record_a_privacy_consent_as_given_online(personas):
    with pytest.raises(ConsentError) as refused:
        privacy_consent_record_at_desk(
            patient=personas.patient_b,
            notice=privacy_notice_current(),
            channel=ConsentChannel.ONLINE,
            actor=personas.front_desk,
            now=NOW,
        )
    assert (refused.value.code, refused.value.field) == (ConsentErrorCode.WRONG_CHANNEL, "channel")
    assert not ConsentRecord.objects.filter(patient=personas.patient_b).exists()


def test_the_desk_records_the_version_read_or_asks_for_the_new_one(personas):
    read = privacy_notice_current()
    newer = privacy_notice_publish(body="Second wording.", now=NOW)
    with pytest.raises(ConsentError) as refused:
        privacy_consent_record_at_desk(
            patient=personas.patient_b,
            notice=read,
            channel=ConsentChannel.STAFF,
            actor=personas.front_desk,
            now=NOW,
        )
    assert refused.value.code == ConsentErrorCode.TEXT_CHANGED
    record = privacy_consent_record_at_desk(
        patient=personas.patient_b,
        notice=newer,
        channel=ConsentChannel.STAFF,
        actor=personas.front_desk,
        now=NOW,
    )
    assert record.notice.version == 2
