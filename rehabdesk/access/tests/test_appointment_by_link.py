"""The accessor behind the e-mailed manage link: it hands over the appointment the token
names, only while it still belongs to the patient the token was made for, and puts
the look on file without a user (the link was the credential)."""

from __future__ import annotations

import pytest
from django.core import signing

from rehabdesk.access.accessors import appointment_by_link
from rehabdesk.access.errors import AccessDenied
from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.manage_links import SALT, manage_token
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def test_a_link_to_another_patients_appointment_is_refused_and_put_on_file(world):
    theirs = appointment_book(
        request=world.request(at(10, 10), patient=world.other_patient), actor=None, now=NOW
    )
    forged = signing.dumps([theirs.pk, world.patient.pk, int(theirs.start.timestamp())], salt=SALT)
    with pytest.raises(AccessDenied) as refused:
        appointment_by_link(token=forged, now=NOW)
    assert refused.value.patient_ids == []  # nothing about them on the refusal either
    assert appointment_by_link(token=manage_token(theirs), now=NOW) == theirs
    viewed = AuditEvent.objects.get(summary="appointment (manage link)")
    assert viewed.actor is None
    assert list(viewed.patient_links.values_list("patient_id", flat=True)) == [
        world.other_patient.pk
    ]
