from django.db import models


class ConsentChannel(models.TextChoices):
    """Where the patient gave their consent."""

    ONLINE = "online", "Online booking"
    STAFF = "staff", "At the front desk"
    PAPER = "paper", "On paper"


class TreatmentTopic(models.TextChoices):
    """What a treatment consent is about. Which topics a service needs follows from its
    discipline and the rosters its qualifications require (selectors.topics_for_services;
    docs/domain/consents.md)."""

    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    MASSAGE_THERAPY = "massage_therapy", "Massage therapy"
    SENSITIVE_AREAS = "sensitive_areas", "Massage of sensitive areas"
    ACUPUNCTURE = "acupuncture", "Acupuncture"
    INTERNAL_PELVIC = "internal_pelvic", "Internal pelvic examination"


class ConsentMethod(models.TextChoices):
    """How a treatment consent was given."""

    ONLINE = "online", "Online, in the patient portal"
    TABLET = "tablet", "At the clinic, signed on the tablet"
    VERBAL = "verbal", "Verbally, recorded by the practitioner"


class SensitiveArea(models.TextChoices):
    """Areas a massage therapist treats only with the client's written consent, given
    each time (⚠ the College of Massage Therapists of Ontario's rule text was not
    retrieved: this list is a default the clinic confirms)."""

    CHEST_WALL = "chest_wall", "Chest wall"
    BREAST = "breast", "Breast tissue"
    UPPER_INNER_THIGH = "upper_inner_thigh", "Upper inner thigh"
    GLUTEAL = "gluteal", "Buttocks (gluteal muscles)"


class DirectiveScope(models.TextChoices):
    """What a lockbox directive withholds."""

    RECORD = "record", "My whole health record"
    VISIT = "visit", "One visit: its notes and measures"


class DirectiveMode(models.TextChoices):
    """Whom a lockbox directive withholds it from."""

    FROM_NAMED = "from_named", "From the practitioners I name"
    ALL_BUT_NAMED = "all_but_named", "From every practitioner except those I name"


class OverrideKind(models.TextChoices):
    """Why a practitioner opened a record past the patient's lockbox, or outside their
    care (break-glass)."""

    CONSENT = "consent", "With the patient's express consent"
    EMERGENCY = "emergency", "In an emergency"


class OverrideReview(models.TextChoices):
    """The privacy officer's finding on an opening."""

    JUSTIFIED = "justified", "Justified"
    FOLLOW_UP = "follow_up", "Not justified: followed up"
