"""A visit's note as the staff pages show it: its state (not started, draft, signed)
and the one way on — write it, continue the draft, view the signed note.

States are not clinical content, but they are shown only where the viewer's own work
or care is concerned: "my day" (the practitioner's own visits), the patient page's past
visits (practitioners in the patient's care), the appointment page (its own
practitioner). The notes themselves open through access.notes, which decides and audits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from rehabdesk.care.choices import NoteState
from rehabdesk.care.selectors import visit_notes_and_states
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

WITHHELD = "Withheld at the patient's request"
# The visits a note may be started for (care.services.note_start decides again); a
# no-show's note records the missed appointment. A booked visit only from its own day:
# a week of "Write note" buttons ahead helps nobody.
WRITABLE = frozenset(
    {
        AppointmentStatus.BOOKED,
        AppointmentStatus.ARRIVED,
        AppointmentStatus.FULFILLED,
        AppointmentStatus.NOSHOW,
    }
)


@dataclass(frozen=True)
class NoteLink:
    """One visit's note for one viewer. `mine`: the visit is the viewer's own, so its
    note is theirs to write and sign (only the visit's practitioner starts it)."""

    appointment_id: int
    state: NoteState
    note_id: int | None
    mine: bool
    status: str
    # The visit's day has come (its location's today or earlier).
    due: bool = True
    # The patient's lockbox withholds the visit from the viewer: said, never opened.
    withheld: bool = False

    @property
    def label(self) -> str:
        return WITHHELD if self.withheld else NoteState(self.state).label

    @property
    def expected(self) -> bool:
        """Whether the visit has a note, or needs one by now (a cancelled visit needs
        none; a visit on a later day, not yet); a withheld visit is said so."""
        return self.withheld or self.note_id is not None or (self.due and self.status in WRITABLE)

    @property
    def writable(self) -> bool:
        """Whether "Write note" is offered: the viewer's own visit, no note yet."""
        return (
            not self.withheld
            and self.mine
            and self.note_id is None
            and self.due
            and self.status in WRITABLE
        )

    @property
    def openable(self) -> bool:
        """Whether the note opens for the viewer: signed, or their own draft."""
        return (
            not self.withheld
            and self.note_id is not None
            and (self.state == NoteState.SIGNED or self.mine)
        )


def note_links(
    *,
    appointments: Sequence[Appointment],
    practitioner_id: int | None,
    now: datetime,
    withheld: frozenset[int] = frozenset(),
) -> dict[int, NoteLink]:
    """Each visit's note as `practitioner_id` (the viewer, None for a non-practitioner)
    sees it, by appointment id; the appointments come with their location; `withheld`:
    the visits the patients' lockboxes withhold from the viewer
    (access.notes.visits_withheld_among, the callers' one query). One query whatever
    the number of visits (none when there are none)."""
    ids = [a.pk for a in appointments]
    if not ids:
        return {}
    notes = visit_notes_and_states(appointment_ids=ids)
    return {
        a.pk: NoteLink(
            appointment_id=a.pk,
            state=notes[a.pk][1] if a.pk in notes else NoteState.NOT_STARTED,
            note_id=notes[a.pk][0] if a.pk in notes else None,
            mine=practitioner_id is not None and a.practitioner_id == practitioner_id,
            status=a.status,
            due=_day_of(a.start, a) <= _day_of(now, a),
            withheld=a.pk in withheld,
        )
        for a in appointments
    }


def _day_of(moment: datetime, appointment: Appointment) -> date:
    return moment.astimezone(appointment.location.zone).date()
