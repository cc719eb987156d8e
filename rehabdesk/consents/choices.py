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
