"""The demo's consents: some patients agreed to the privacy notice online, some gave
treatment consents in each of the three ways, one was withdrawn, and the rest have none,
so "my day" shows both "on file" and "missing"."""

from __future__ import annotations

from datetime import datetime, timedelta

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner
from rehabdesk.consents.choices import ConsentChannel, ConsentMethod, TreatmentTopic
from rehabdesk.consents.selectors import privacy_notice_current, treatment_texts_current
from rehabdesk.consents.services import (
    consent_record,
    treatment_consent_give,
    treatment_consent_record_verbal,
    treatment_consent_withdraw,
)
from rehabdesk.patients.models import Patient

PRIVACY_ONLINE = ("sara", "grace", "raj", "fatima", "tom")
# (patient, topic, who gave it: a guardian's key, or None for the patient themselves)
ONLINE = [
    ("sara", TreatmentTopic.PHYSIOTHERAPY, None),
    ("charlie", TreatmentTopic.PHYSIOTHERAPY, "grace"),
    ("tom", TreatmentTopic.MASSAGE_THERAPY, None),
]
# (patient, topic, practitioner slug, note)
VERBAL = [
    (
        "raj",
        TreatmentTopic.PHYSIOTHERAPY,
        "marc-tremblay",
        "Went through the assessment and exercise plan after his knee surgery; agreed.",
    ),
    (
        "fatima",
        TreatmentTopic.INTERNAL_PELVIC,
        "sofia-martins",
        "Explained the purpose of an internal exam and the alternatives; she may stop at "
        "any time. Agreed.",
    ),
]


def load_demo_consents(*, patients: dict[str, Patient], front_desk: User, now: datetime) -> None:
    notice = privacy_notice_current()
    texts = treatment_texts_current()
    earlier = now - timedelta(days=30)
    if notice is not None:
        for key in PRIVACY_ONLINE:
            consent_record(
                patient=patients[key],
                notice=notice,
                channel=ConsentChannel.ONLINE,
                actor=patients[key].user,
                now=earlier,
            )
    given = {}
    for key, topic, by in ONLINE:
        given[key] = treatment_consent_give(
            patient=patients[key],
            text=texts[topic],
            method=ConsentMethod.ONLINE,
            agreed=True,
            actor=patients[by or key].user,
            now=earlier,
        )
    treatment_consent_give(
        patient=patients["fatima"],
        text=texts[TreatmentTopic.PHYSIOTHERAPY],
        method=ConsentMethod.TABLET,
        agreed=True,
        signed_name="Fatima " + patients["fatima"].last_name,
        actor=front_desk,
        now=earlier,
    )
    for key, topic, slug, note in VERBAL:
        treatment_consent_record_verbal(
            patient=patients[key],
            text=texts[topic],
            note=note,
            actor=Practitioner.objects.get(slug=slug).user,
            now=earlier,
        )
    # Tom stopped massage therapy and said so in the portal.
    treatment_consent_withdraw(
        consent=given["tom"], actor=patients["tom"].user, now=now - timedelta(days=3)
    )
