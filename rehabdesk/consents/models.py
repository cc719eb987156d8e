"""The clinic's privacy notice and its treatment consent texts, version by version, and
each patient's consent to them.

Ontario's Personal Health Information Protection Act (PHIPA) lets the clinic rely on
implied consent for care, but a patient booking online is asked to read the privacy
notice and agree to it; the record keeps which version they read and when. A
withdrawal is recorded on the row (`withdrawn_at`), never by deleting it.

Informed consent to treatment is a separate matter, asked per topic (physiotherapy,
massage therapy, massage of sensitive areas, acupuncture, internal pelvic examination):
each topic's text is versioned like the notice, and a patient's consent keeps the
version they agreed to (docs/domain/consents.md).
"""

from __future__ import annotations

from django.db import models

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner
from rehabdesk.consents.choices import (
    ConsentChannel,
    ConsentMethod,
    DirectiveMode,
    DirectiveScope,
    OverrideKind,
    OverrideReview,
    SensitiveArea,
    TreatmentTopic,
)
from rehabdesk.patients.models import Patient


class PrivacyNotice(models.Model):
    """One published version of the privacy notice. The latest published one is the
    one shown; earlier versions stay, because consents refer to the text they read."""

    version = models.PositiveIntegerField(unique=True, editable=False)
    body = models.TextField(help_text="Plain language; blank lines separate paragraphs.")
    published_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Privacy notice, version {self.version}"


class ConsentRecord(models.Model):
    """A patient agreed to a version of the privacy notice (and perhaps later withdrew)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "accepted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("accepted_at")),
                name="consents_withdrawn_after_accepted",
            )
        ]

    def __str__(self) -> str:
        return f"Consent to notice v{self.notice.version}"


class TreatmentConsentText(models.Model):
    """One published version of what a patient reads before consenting to a kind of
    treatment. A change is a new version; earlier consents keep the text they agreed to."""

    topic = models.CharField(max_length=20, choices=TreatmentTopic.choices, editable=False)
    version = models.PositiveIntegerField(editable=False)
    body = models.TextField(help_text="Plain language; blank lines separate paragraphs.")
    published_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["topic", "-version"]
        verbose_name = "treatment consent text"
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "version"], name="consents_treatment_text_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} consent, version {self.version}"


class TreatmentConsent(models.Model):
    """A patient's informed consent to a kind of treatment: the text version they
    agreed to, when, how (online, signed on the clinic's tablet with their typed name,
    or verbally, recorded by the practitioner with a note) and who put it on file.

    It stays on file until withdrawn; a withdrawal is recorded on the row (when, by
    whom), never by deleting it. Consent to massage of sensitive areas names the areas
    and holds for the day it is given only (`visit_date`): it is asked each time.
    """

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="treatment_consents"
    )
    text = models.ForeignKey(
        TreatmentConsentText, on_delete=models.PROTECT, related_name="consents"
    )
    topic = models.CharField(
        max_length=20,
        choices=TreatmentTopic.choices,
        help_text="The text's topic, kept on the row to find a patient's consents by topic.",
    )
    given_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    signed_name = models.CharField(
        max_length=200, blank=True, help_text="The name typed to sign on the tablet."
    )
    note = models.TextField(blank=True, help_text="The practitioner's note of a verbal consent.")
    areas = models.JSONField(
        default=list, blank=True, help_text="Sensitive areas consented to (SensitiveArea codes)."
    )
    visit_date = models.DateField(
        null=True, blank=True, help_text="For consents asked each visit: the day it holds for."
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["patient", "topic"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consents_treatment_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=~models.Q(method=ConsentMethod.VERBAL) | ~models.Q(note=""),
                name="consents_treatment_verbal_has_note",
            ),
            models.CheckConstraint(
                condition=~models.Q(method=ConsentMethod.TABLET) | ~models.Q(signed_name=""),
                name="consents_treatment_tablet_signed",
            ),
            models.CheckConstraint(
                condition=~models.Q(topic=TreatmentTopic.SENSITIVE_AREAS)
                | (models.Q(visit_date__isnull=False) & ~models.Q(method=ConsentMethod.VERBAL)),
                name="consents_sensitive_areas_written_for_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to {self.get_topic_display().lower()} (v{self.text.version})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def area_labels(self) -> list[str]:
        return [SensitiveArea(area).label for area in self.areas]


class ConsentDirective(models.Model):
    """The patient's lockbox: they withhold their whole record, or one visit (its notes
    and measures), from the practitioners they name, or from all but those they name (PHIPA's
    "consent directive"). The access policy applies it to every reader of clinical
    content (access/lockbox.py). Set by the patient in the portal, or recorded by the
    desk from what the patient said or signed (`channel`, `recorded_by`); withdrawn by
    recording when, never deleted."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="consent_directives"
    )
    scope = models.CharField(max_length=10, choices=DirectiveScope.choices)
    # Named by the model's label, not imported: scheduling sits above consents in the
    # layers; the access layer joins them (access/lockbox.py).
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a visit's notes: the visit.",
    )
    mode = models.CharField(max_length=15, choices=DirectiveMode.choices)
    practitioners = models.ManyToManyField(Practitioner, blank=True, related_name="+")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["patient", "withdrawn_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope=DirectiveScope.RECORD, appointment__isnull=True)
                | models.Q(scope=DirectiveScope.VISIT, appointment__isnull=False),
                name="consents_directive_visit_named",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("recorded_at")),
                name="consents_directive_withdrawn_after_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Lockbox directive #{self.pk} ({self.get_scope_display().lower()})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class LockboxOverride(models.Model):
    """A practitioner opened a patient's record past their lockbox, or outside their
    care, with the patient's express consent or in an emergency (break-glass): with a
    reason, for a limited time (`expires_at`). The patient is told; the privacy officer
    reviews each one (reviewed by, when, the finding and a note)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=OverrideKind.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(max_length=10, choices=OverrideReview.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["patient", "practitioner", "expires_at"]),
            models.Index(fields=["reviewed_at", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("starts_at")),
                name="consents_override_expires_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="consents_override_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True, review="")
                | (models.Q(reviewed_at__isnull=False) & ~models.Q(review="")),
                name="consents_override_review_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"Lockbox opening #{self.pk} ({self.get_kind_display().lower()})"
