"""The clinical record: visit notes written on the clinic's templates, signed and then
never changed, corrected only by amendments and addenda that keep the original; the
documents a patient brings (referrals, imaging reports); the templates and the phrase
snippets practitioners write with.

Notes and documents are health information: shown only to practitioners in the
patient's care (access.policy, VIEW_CLINICAL), written only by the patient's own
practitioners (CHANGE_CLINICAL and the services' author rules), every read and write
audited. Nothing here is ever deleted, and a signed note is refused any change by the
database itself (care/guards.py), whatever code asks. docs/algorithms/clinical-notes.md
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rehabdesk.care.choices import DocumentKind, NoteKind, NoteRelation, NoteStatus, VisitType
from rehabdesk.care.definition import Definition, definition_from_data
from rehabdesk.clinic.models import Discipline, Practitioner
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment


class NoteTemplate(models.Model):
    """One version of a note template: for a discipline (or any, for phone consults,
    letters and missed visits) and a kind of visit, its sections and fields as data
    (care/definition.py). A published version never changes; a manager's edit publishes
    the next version under the same `code`, and notes keep the version they were written
    on. `current` marks the version new notes are written on."""

    code = models.SlugField(
        max_length=60, help_text="The same for every version, e.g. physio-initial"
    )
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    discipline = models.ForeignKey(
        Discipline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: any discipline.",
    )
    visit_type = models.CharField(max_length=20, choices=VisitType.choices)
    definition = models.JSONField()
    current = models.BooleanField(default=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="care_template_version_once"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(current=True), name="care_template_one_current"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="care_template_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def parsed(self) -> Definition:
        """The definition, read and checked (once per instance)."""
        cached: Definition | None = self.__dict__.get("_parsed")
        if cached is None:
            cached = definition_from_data(self.definition)
            self.__dict__["_parsed"] = cached
        return cached


class Snippet(models.Model):
    """A phrase the clinic's practitioners insert while writing, by its shortcut:
    ";hep" -> "Home exercise program reviewed; patient demonstrated each exercise
    correctly." Kept by managers; for one discipline or all."""

    shortcut = models.SlugField(max_length=30, unique=True)
    text = models.TextField(max_length=2000)
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["shortcut"]

    def __str__(self) -> str:
        return f";{self.shortcut}"


class VisitNote(models.Model):
    """One entry of a patient's clinical record, by one practitioner: a visit's note
    (tied to its appointment), a phone consult, a letter, a missed appointment — or a
    correction of a signed entry (`corrects` and `relation`: an amendment, an addendum,
    "entered in error", with its `reason`).

    A draft is saved as the practitioner types (`revision` counts the saves, so a stale
    tab cannot overwrite a newer draft). Signing records who signed, when, and their
    designation and registration number as they were, the content's SHA-256, and
    whether it is a late entry (first written after the clinic's note deadline). From
    then on the database refuses any change to the row (care/guards.py).
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visit_notes")
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="notes")
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(NoteTemplate, on_delete=models.PROTECT, related_name="notes")
    # When the care happened (the appointment's start, the call's time); `created_at` is
    # when the entry was first written.
    encounter_at = models.DateTimeField()
    content = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    relation = models.CharField(max_length=20, choices=NoteRelation.choices, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # Set once, at signing.
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_name = models.CharField(max_length=120, blank=True)
    signer_designation = models.CharField(max_length=20, blank=True)
    signer_registration = models.CharField(max_length=60, blank=True)
    late_entry = models.BooleanField(default=False)
    # The guard's column: '' while a draft, the content's SHA-256 once signed.
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-encounter_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "encounter_at"]),
            models.Index(fields=["author", "status"]),
        ]
        constraints = [
            # One original note per visit; its corrections point at it instead.
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False, corrects__isnull=True),
                name="care_note_one_per_visit",
            ),
            models.CheckConstraint(
                condition=Q(kind=NoteKind.VISIT, appointment__isnull=False)
                | Q(corrects__isnull=False)
                | ~Q(kind=NoteKind.VISIT),
                name="care_note_visit_has_appointment",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, relation="", reason="")
                | (Q(corrects__isnull=False) & ~Q(relation="") & ~Q(reason="")),
                name="care_note_correction_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=NoteStatus.DRAFT, signed_at__isnull=True, content_sha256="")
                | (
                    Q(status=NoteStatus.SIGNED, signed_at__isnull=False)
                    & ~Q(content_sha256="")
                    & ~Q(signer_name="")
                ),
                name="care_note_signed_with_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} note #{self.pk}"

    @property
    def signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def signed_as(self) -> str:
        """The signer as the signature names them: "Priya Raman, PT". A name the clinic
        writes with its designation already ("Kevin Zhang, PT") does not repeat it."""
        name, designation = self.signer_name.strip(), self.signer_designation.strip()
        if not designation or name.endswith(designation):
            return name
        return f"{name}, {designation}"


class Document(models.Model):
    """A file on a patient's record: a referral, an imaging report, a letter. Kept
    outside the web root (settings.REHABDESK_DOCUMENTS_DIR) under its SHA-256 and served
    only through the access policy; its type is told from its bytes, never from its
    name. Never changed, never deleted (care/guards.py)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=120)
    file_name = models.CharField(max_length=120, help_text="As uploaded, for the download.")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_on = models.DateField(help_text="The document's date, or when it came in.")
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["patient", "received_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
