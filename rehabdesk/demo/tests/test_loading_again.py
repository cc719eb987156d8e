"""Loading the demo again changes nothing, in any table, whichever way it is asked:
`make run` loads it every time it starts.

One demo, loaded as of NOW, is shared by the module; loading again writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from rehabdesk.demo.clinic import load_demo
from rehabdesk.demo.tests.shared import NOW, rows_in_every_table

pytestmark = pytest.mark.django_db


def test_the_command_run_again_says_so_and_changes_no_table(shared_demo, capsys):
    before = rows_in_every_table()

    call_command("load_demo")

    assert capsys.readouterr().out == "Demo clinic already loaded; nothing changed.\n"
    assert rows_in_every_table() == before


@pytest.mark.parametrize("days_later", [0, 1, 400])
def test_loading_it_later_or_with_other_windows_changes_no_table(shared_demo, days_later):
    before = rows_in_every_table()

    again = load_demo(now=NOW + timedelta(days=days_later), history_days=30, future_days=5)

    assert not again.created
    assert again.sign_ins == shared_demo.sign_ins
    assert rows_in_every_table() == before


def test_the_first_load_reports_what_it_made(shared_demo):
    counts = rows_in_every_table()

    assert shared_demo.created
    assert (
        shared_demo.locations,
        shared_demo.practitioners,
        shared_demo.services,
        shared_demo.patients,
        shared_demo.appointments,
    ) == (
        counts["clinic.Location"],
        counts["clinic.Practitioner"],
        counts["clinic.Service"],
        counts["patients.Patient"],
        counts["scheduling.Appointment"],
    )
