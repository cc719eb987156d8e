"""Migration scheduling 0005 puts the patient's guard in place on a database that
already holds overlapping visits of one patient (booked before the rule, as the demo's
invented calendars were): it does not fail; it gives the later of each pair a reason
saying so, which the guard leaves alone, and guards every visit booked from then on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from rehabdesk.core import database
from rehabdesk.scheduling import guards
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("scheduling", "0004_hold_before_patient")
AFTER = ("scheduling", "0005_patient_no_overlap")


def migrate(target: tuple[str, str]) -> None:
    call_command("migrate", *target, verbosity=0)


def visit(appointments, world, start, practitioner, service, **fields) -> int:
    """A visit of patient A, written as the database stood before the migration."""
    minutes = service.duration_minutes
    values = {
        "patient_id": world.patient.pk,
        "practitioner_id": practitioner.pk,
        "service_id": service.pk,
        "location_id": world.pickering.pk,
        "start": start,
        "end": start + timedelta(minutes=minutes),
        "busy_until": start + timedelta(minutes=minutes + 10),
        "status": AppointmentStatus.BOOKED,
        "channel": Channel.STAFF,
    }
    row = appointments.objects.create(**(values | fields))
    return int(row.pk)


@pytest.fixture
def every_migration_after(world):
    """Going back to BEFORE unapplies every later migration, other apps' included (the
    clinical record depends on a later scheduling migration): all of them are applied
    again once the test is done, before the tables are emptied for the next test."""
    yield
    call_command("migrate", verbosity=0)


def test_overlaps_booked_before_the_rule_are_kept_with_a_reason_and_new_ones_refused(
    world, every_migration_after
):
    migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        appointments = old.get_model("scheduling", "Appointment")
        follow_up, massage = world.follow_up, world.massage
        first = visit(appointments, world, at(10, 9), world.physio, follow_up)
        paired = visit(appointments, world, at(10, 9), world.massage_therapist, massage)
        # Back to back with the massage, and cancelled over it: neither overlaps.
        after = visit(appointments, world, at(10, 10), world.physio, follow_up)
        gone = visit(
            appointments,
            world,
            at(10, 9, 15),
            world.physio,
            follow_up,
            status=AppointmentStatus.CANCELLED,
        )
    finally:
        migrate(AFTER)
    reasons = dict(Appointment.objects.values_list("pk", "overlap_reason"))
    assert reasons == {
        first: "",
        paired: "Booked before a patient's overlapping visits were refused",
        after: "",
        gone: "",
    }
    assert database.missing_guards(guards.GUARDS) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=paired).update(overlap_reason="")
