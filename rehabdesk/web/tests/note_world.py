"""What the note editor's page tests share: the booking world, the physio's visit with
patient A, and notes written on the clinic's shipped templates through the services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW as BOOKED_AT
from rehabdesk.scheduling.testing import BookingWorld, at, build_booking_world
from rehabdesk.testing.personas import Personas

# What the physiotherapy follow-up asks before signing, and a finding to copy forward.
SIGNABLE = {
    "progress": "Knee pain eased since last week; stairs easier.",
    "impression": "Patellofemoral pain, improving.",
    "interventions": "Exercise progression; education.",
}


@dataclass
class NoteWorld:
    personas: Personas
    booking: BookingWorld

    @property
    def physio(self) -> Any:
        return self.personas.physio.user

    def template(self, code: str = "physio-follow-up") -> NoteTemplate:
        return NoteTemplate.objects.get(code=code, current=True)

    def visit(self, start: datetime | None = None, **changes: Any) -> Appointment:
        """The physio's follow-up with patient A (9 March 2027, 10:00) unless told."""
        return appointment_book(
            request=self.booking.request(start or at(9, 10), **changes),
            actor=self.personas.front_desk,
            now=BOOKED_AT,
            tell=False,
        )

    def draft(
        self, content: Mapping[str, Any] | None = None, *, visit: Appointment | None = None
    ) -> VisitNote:
        note = note_start(
            actor=self.physio,
            template=self.template(),
            appointment=visit or self.visit(),
            now=timezone.now(),
        )
        if content:
            note = note_draft_save(
                actor=self.physio, note=note, content=content, revision=0, now=timezone.now()
            )
        return note

    def signed(self, content: Mapping[str, Any] = SIGNABLE, **kwargs: Any) -> VisitNote:
        return note_sign(actor=self.physio, note=self.draft(content, **kwargs), now=timezone.now())

    def client(self, persona: str = "physio") -> Client:
        user = self.personas.user(persona)
        assert user is not None, "a persona who signs in"
        client = Client()
        client.force_login(user)
        return client


def note_world(personas: Personas) -> NoteWorld:
    return NoteWorld(personas=personas, booking=build_booking_world(personas))
