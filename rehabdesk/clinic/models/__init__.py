"""How a clinic is set up: where it works, what it offers, and who may deliver it.

Everything here is configuration a manager edits. Rules that span rows (hours that
overlap, a practitioner who cannot be at two locations at once, a service nobody is
qualified for) live in services/; rules about one row are field validators and
database constraints, so the database refuses what the forms would. The modules are
the areas: sites (the clinic, locations, hours, closures, travel, rooms), colleges
(disciplines, regulators, classes, rosters), catalogue (services, qualifications,
groups and page texts, tax), team (practitioners, registrations, hours, time off,
where staff usually work), pictures (the logo and practitioners' photos), stamp (the
configuration stamp), reminders (the reminder policy).
"""

from rehabdesk.clinic.models.catalogue import (
    PageText,
    Qualification,
    Service,
    ServiceGroup,
    TaxCategory,
    TaxRate,
)
from rehabdesk.clinic.models.colleges import Authorization, Discipline, RegistrationClass, Regulator
from rehabdesk.clinic.models.pictures import PICTURE_MAX_BYTES, Picture
from rehabdesk.clinic.models.reminders import REMINDER_HOURS_MAX, REMINDER_HOURS_MIN, ReminderRule
from rehabdesk.clinic.models.sites import (
    Clinic,
    Closure,
    Location,
    OpeningHours,
    Resource,
    ResourceKind,
    TravelTime,
    validate_time_zone,
)
from rehabdesk.clinic.models.stamp import ConfigurationStamp
from rehabdesk.clinic.models.team import (
    Break,
    HomeLocation,
    Practitioner,
    Registration,
    TimeOff,
    WorkingHours,
)

__all__ = [
    "Authorization",
    "Break",
    "Clinic",
    "Closure",
    "ConfigurationStamp",
    "Discipline",
    "HomeLocation",
    "Location",
    "OpeningHours",
    "PICTURE_MAX_BYTES",
    "PageText",
    "Picture",
    "Practitioner",
    "Qualification",
    "REMINDER_HOURS_MAX",
    "REMINDER_HOURS_MIN",
    "Registration",
    "RegistrationClass",
    "Regulator",
    "ReminderRule",
    "Resource",
    "ResourceKind",
    "Service",
    "ServiceGroup",
    "TaxCategory",
    "TaxRate",
    "TimeOff",
    "TravelTime",
    "WorkingHours",
    "validate_time_zone",
]
