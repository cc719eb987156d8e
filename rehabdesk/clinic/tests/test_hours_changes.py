"""A manager changes a shift from a chosen day: the days before keep the old hours, the
old shift ends the day before and the new one starts that day, in one transaction; a
shift not yet begun is replaced; no change reaches a day before today."""

from datetime import date, timedelta

import pytest

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import WorkingHours
from rehabdesk.clinic.testing import TODAY, hm, make_practitioner, make_shift

pytestmark = pytest.mark.django_db
MON = Weekday.MONDAY
NEXT_MONDAY = date(2027, 3, 15)
LAST_YEAR = date(2026, 1, 5)


@pytest.fixture
def marc():
    return make_practitioner("Marc Tremblay")


def edited(shift: WorkingHours, *, starts: str, ends: str, from_day: date) -> WorkingHours:
    """The stored shift as a form fills it: same row, new values."""
    shift = WorkingHours.objects.get(pk=shift.pk)
    shift.starts, shift.ends, shift.effective_from = hm(starts), hm(ends), from_day
    return shift


def hours_of(marc) -> list[tuple[str, str, date, date | None]]:
    return [
        (f"{s.starts:%H:%M}", f"{s.ends:%H:%M}", s.effective_from, s.effective_until)
        for s in WorkingHours.objects.filter(practitioner=marc).order_by("effective_from")
    ]


def test_a_change_from_next_monday_keeps_the_weeks_before_as_they_were(marc, pickering):
    shift = make_shift(
        marc,
        pickering,
        MON,
        "08:00",
        "16:00",
        effective_from=LAST_YEAR,
        breaks=[("12:00", "12:30")],
    )
    new = services.working_hours_change(
        working_hours=edited(shift, starts="10:00", ends="18:00", from_day=NEXT_MONDAY),
        breaks=[services.TimeSpan(hm("13:00"), hm("13:30"))],
        today=TODAY,
    )
    assert hours_of(marc) == [
        ("08:00", "16:00", LAST_YEAR, NEXT_MONDAY - timedelta(days=1)),
        ("10:00", "18:00", NEXT_MONDAY, None),
    ]
    assert new.pk != shift.pk
    assert [str(b) for b in shift.breaks.all()] == ["12:00 PM–12:30 PM"]
    assert [str(b) for b in new.breaks.all()] == ["1:00 PM–1:30 PM"]


def test_a_change_to_a_shift_not_yet_begun_replaces_it(marc, pickering):
    later = NEXT_MONDAY + timedelta(days=7)
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", effective_from=later)
    new = services.working_hours_change(
        working_hours=edited(shift, starts="09:00", ends="17:00", from_day=NEXT_MONDAY),
        breaks=[],
        today=TODAY,
    )
    assert new.pk == shift.pk
    assert hours_of(marc) == [("09:00", "17:00", NEXT_MONDAY, None)]


def test_a_change_before_today_is_refused_and_nothing_changes(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", effective_from=LAST_YEAR)
    with pytest.raises(ClinicError) as refused:
        services.working_hours_change(
            working_hours=edited(
                shift, starts="10:00", ends="18:00", from_day=TODAY - timedelta(1)
            ),
            breaks=[],
            today=TODAY,
        )
    assert refused.value.code == ClinicErrorCode.PAST_DAYS
    assert refused.value.field == "effective_from"
    assert "from today (March 10) on" in refused.value.message
    assert hours_of(marc) == [("08:00", "16:00", LAST_YEAR, None)]


def test_a_new_shift_cannot_start_before_today_either(marc, pickering):
    shift = WorkingHours(
        practitioner=marc,
        location=pickering,
        weekday=MON,
        starts=hm("08:00"),
        ends=hm("12:00"),
        effective_from=LAST_YEAR,
    )
    with pytest.raises(ClinicError) as refused:
        services.working_hours_change(working_hours=shift, breaks=[], today=TODAY)
    assert refused.value.code == ClinicErrorCode.PAST_DAYS
    assert not WorkingHours.objects.exists()


def test_a_change_after_the_shift_has_ended_is_refused(marc, pickering):
    ends = NEXT_MONDAY + timedelta(days=6)
    shift = make_shift(
        marc, pickering, MON, "08:00", "16:00", effective_from=LAST_YEAR, effective_until=ends
    )
    with pytest.raises(ClinicError) as refused:
        services.working_hours_change(
            working_hours=edited(shift, starts="10:00", ends="18:00", from_day=ends + timedelta(1)),
            breaks=[],
            today=TODAY,
        )
    assert refused.value.code == ClinicErrorCode.SHIFT_ENDED
    assert "ends on March 21, 2027" in refused.value.message


def test_a_refused_new_shift_leaves_the_old_one_whole(marc, pickering):
    """The new hours fall outside opening hours: the old shift is not cut short."""
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", effective_from=LAST_YEAR)
    with pytest.raises(ClinicError) as refused:
        services.working_hours_change(
            working_hours=edited(shift, starts="06:00", ends="18:00", from_day=NEXT_MONDAY),
            breaks=[],
            today=TODAY,
        )
    assert refused.value.code == ClinicErrorCode.OUTSIDE_OPENING_HOURS
    assert hours_of(marc) == [("08:00", "16:00", LAST_YEAR, None)]


def test_removing_a_shift_from_a_day_ends_it_the_day_before(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", effective_from=LAST_YEAR)
    services.working_hours_end(working_hours=shift, from_day=NEXT_MONDAY, today=TODAY)
    assert hours_of(marc) == [("08:00", "16:00", LAST_YEAR, NEXT_MONDAY - timedelta(days=1))]


def test_removing_a_shift_not_yet_begun_deletes_it(marc, pickering):
    shift = make_shift(marc, pickering, MON, "08:00", "16:00", effective_from=NEXT_MONDAY)
    services.working_hours_end(working_hours=shift, from_day=TODAY, today=TODAY)
    assert hours_of(marc) == []
