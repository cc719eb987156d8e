"""The synthetic clinic used for timings gives sensible answers (its timings are printed by
`python -m rehabdesk.availability.tests.synthetic`, never asserted)."""

from datetime import timedelta

from rehabdesk.availability import find_slots
from rehabdesk.availability.tests import synthetic


def test_it_finds_the_same_first_slots_in_a_large_clinic_with_or_without_a_limit():
    q = synthetic.next_slot_among_everyone()
    everything = find_slots(q)
    assert len(everything.slots) > 100
    assert find_slots(q, limit=10).slots == everything.slots[:10]
    assert find_slots(synthetic.in_local_time(q), limit=10).slots == everything.slots[:10]


def test_it_finds_the_first_slot_after_weeks_booked_solid():
    q = synthetic.booked_solid()
    first = find_slots(q, limit=1).slots[0]
    assert first.start >= synthetic.NOW + timedelta(days=60)
    assert first == find_slots(q).slots[0]
