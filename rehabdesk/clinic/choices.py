from django.db import models


class Weekday(models.IntegerChoices):
    """Weekdays as Python's date.weekday() counts them: Monday is 0."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class ServiceKind(models.TextChoices):
    INITIAL_ASSESSMENT = "initial_assessment", "Initial assessment"
    FOLLOW_UP = "follow_up", "Follow-up"
    TREATMENT = "treatment", "Treatment"
    FITTING = "fitting", "Fitting"


class PatientEligibility(models.TextChoices):
    """Who may book a service: some visits are only for new patients, some only for
    patients the clinic already knows (a follow-up needs an assessment first)."""

    ANYONE = "anyone", "New and existing patients"
    NEW_ONLY = "new_only", "New patients only"
    EXISTING_ONLY = "existing_only", "Existing patients only"


class TaxTreatment(models.TextChoices):
    """How a supply is treated for GST/HST (Excise Tax Act): exempt supplies carry no
    tax and give no input tax credits; zero-rated ones are taxable at 0 %."""

    TAXABLE = "taxable", "Taxable"
    ZERO_RATED = "zero_rated", "Zero-rated"
    EXEMPT = "exempt", "Exempt"


class PictureType(models.TextChoices):
    """The image formats a manager may upload: those every browser shows, and none that
    can carry a script (SVG is refused)."""

    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"
    WEBP = "image/webp", "WebP"


class FeedPatientLabel(models.TextChoices):
    """How a practitioner's calendar feed names the patient of each visit. A feed is a
    secret address a calendar program fetches without signing in: the less it says, the
    less a leaked address gives away (THREAT_MODEL.md)."""

    INITIALS = "initials", "Initials (“Appointment — J.S.”)"
    FIRST_NAME = "first_name", "First name and initial (“Appointment — Jane S.”)"
    BOOKED = "booked", "No name (“Booked”)"


class ReminderChannel(models.TextChoices):
    """How an appointment reminder reaches the patient: the outbox's channels that
    reach a person (notifications.choices.MessageChannel shares these values)."""

    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
