from django.db import models


class NoteKind(models.TextChoices):
    """What a clinical entry records. A visit note belongs to an appointment; the others
    stand alone (a phone consult, a letter), or record a missed appointment, which the
    College of Physiotherapists expects documented as an encounter."""

    VISIT = "visit", "Visit"
    PHONE = "phone", "Phone or video consult"
    LETTER = "letter", "Letter or report"
    MISSED = "missed", "Missed appointment"


class VisitType(models.TextChoices):
    """Which kind of visit a template is written for."""

    INITIAL = "initial", "Initial assessment"
    FOLLOW_UP = "follow_up", "Follow-up"
    DISCHARGE = "discharge", "Discharge"
    OTHER = "other", "Other entry"


class NoteStatus(models.TextChoices):
    """A note is a draft until its author signs it; signed, it never changes (the
    database refuses, care/guards.py)."""

    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class NoteRelation(models.TextChoices):
    """How a correction relates to the signed note it corrects (FHIR
    Composition.relatesTo): an amendment replaces it (the original is shown struck
    through), an addendum adds to it, "entered in error" withdraws a note written on the
    wrong patient (kept, and hidden from the chart's normal view)."""

    AMENDS = "amends", "Amendment"
    APPENDS = "appends", "Addendum"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class NoteState(models.TextChoices):
    """What a practitioner's day says about a visit's note."""

    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class DocumentKind(models.TextChoices):
    """What an uploaded document is."""

    REFERRAL = "referral", "Referral"
    IMAGING = "imaging", "Imaging report"
    REPORT = "report", "Report or letter"
    CONSENT = "consent", "Signed form"
    OTHER = "other", "Other"


class CopyPurpose(models.TextChoices):
    """Who a printed copy of the chart is for: recorded with the export on the audit
    trail, and printed on the copy's first page."""

    PATIENT = "patient", "The patient (their own request)"
    INSURER = "insurer", "An insurer"
    LAWYER = "lawyer", "A lawyer"
    OTHER = "other", "Another recipient, with the patient's consent"
