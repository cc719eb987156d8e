from __future__ import annotations

from collections.abc import Sequence


class AccessDenied(Exception):
    """A request for a record the person may not see, or that does not exist.

    The two are answered alike — 404 — so nobody learns which records exist; the
    middleware records the attempt in the audit trail. The message holds no
    personal information: it may reach a debug page or a log.
    """

    def __init__(
        self,
        *,
        object_type: str,
        object_id: str,
        patient_ids: Sequence[int] = (),
        summary: str = "",
        found: bool = True,
    ) -> None:
        super().__init__(f"No {object_type} {object_id} for this user.")
        self.object_type = object_type
        self.object_id = object_id
        self.patient_ids = list(patient_ids)
        self.summary = summary
        self.found = found


class RecordWithheld(AccessDenied):
    """A practitioner in the patient's care asked for the clinical record the patient's
    lockbox withholds from them. Refused like any AccessDenied (and on file), but the
    chart may say so — "withheld at the patient's request" — and offer the openings
    (the patient's express consent, an emergency); nothing else of the record."""
