"""Who a STOP reply took off text messages is kept on the record (`sms_stopped_at`), so
START undoes that and nothing else: the database refuses a record both stopped and
texted, a change of the box on a form forgets the STOP, and the migration finds the
STOPs replied before the field existed on the audit trail."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_texts_start, patient_texts_stop, patient_update

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
MOBILE = "+14165550199"


def texted(patient: Patient) -> Patient:
    patient.phone, patient.contact_by_sms = MOBILE, True
    return patient_update(actor=None, patient=patient)


def fresh(patient: Patient) -> Patient:
    return Patient.objects.get(pk=patient.pk)


def test_stop_dates_the_opt_out_and_start_clears_it(personas):
    patient = texted(personas.patient_a)
    assert patient_texts_stop(number=MOBILE, now=NOW) == [patient.pk]
    assert (fresh(patient).contact_by_sms, fresh(patient).sms_stopped_at) == (False, NOW)
    assert patient_texts_start(number=MOBILE, now=NOW) == [patient.pk]
    assert (fresh(patient).contact_by_sms, fresh(patient).sms_stopped_at) == (True, None)


def test_the_database_refuses_a_record_both_stopped_and_texted(personas):
    patient = texted(personas.patient_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.filter(pk=patient.pk).update(sms_stopped_at=NOW)


def test_ticking_the_box_on_a_form_after_a_stop_forgets_the_stop(personas):
    patient = texted(personas.patient_a)
    patient_texts_stop(number=MOBILE, now=NOW)
    patient = fresh(patient)
    patient.contact_by_sms = True
    patient_update(actor=None, patient=patient)
    assert (fresh(patient).contact_by_sms, fresh(patient).sms_stopped_at) == (True, None)
    summary = AuditEvent.objects.filter(object_id=str(patient.pk)).latest("pk").summary
    assert summary == "patient record: contact_by_sms"  # the hidden field is not named


def test_the_migration_finds_the_stops_replied_before_the_field_existed(personas):
    migration = importlib.import_module("rehabdesk.patients.migrations.0002_patient_sms_stopped_at")
    replied = texted(personas.patient_a)
    changed_mind = texted(personas.patient_b)
    patient_texts_stop(number=MOBILE, now=NOW)
    changed_mind = fresh(changed_mind)
    changed_mind.contact_by_sms = True
    patient_update(actor=None, patient=changed_mind)
    changed_mind.contact_by_sms = False
    patient_update(actor=None, patient=changed_mind)
    Patient.objects.update(sms_stopped_at=None)  # as every record was before 0002
    migration.stopped_by_reply(apps, None)
    stop = AuditEvent.objects.filter(
        object_id=str(replied.pk), summary__contains="replied STOP"
    ).get()
    assert fresh(replied).sms_stopped_at == stop.occurred_at
    assert fresh(changed_mind).sms_stopped_at is None
