"""Reads of clinic configuration, with their related rows fetched up front. Callers
import from here; the modules are the areas: sites (locations), catalogue (services,
prices and tax, groups, page texts, what a location offers), team (practitioners and
their registrations)."""

from rehabdesk.clinic.selectors.catalogue import (
    disciplines_for_display,
    page_text,
    service_active,
    service_group_for_display,
    service_groups_for_display,
    service_groups_listed,
    service_price_on,
    services_active,
    services_active_in_disciplines_of,
    services_for_display,
    services_offered_at,
    services_online,
)
from rehabdesk.clinic.selectors.pictures import picture_shown
from rehabdesk.clinic.selectors.sites import (
    clinic_current,
    location_active,
    location_active_by_slug,
    location_for_display,
    location_home_among,
    locations_active,
    locations_for_display,
)
from rehabdesk.clinic.selectors.team import (
    practitioner_active,
    practitioner_by_id,
    practitioner_shift,
    practitioner_time_off_entry,
    practitioners_active,
    practitioners_by_id,
    practitioners_with_disciplines,
    registrations_expiring,
    registrations_lapsed,
    team_for_display,
)

__all__ = [
    "clinic_current",
    "disciplines_for_display",
    "location_active",
    "location_active_by_slug",
    "location_for_display",
    "location_home_among",
    "picture_shown",
    "locations_active",
    "locations_for_display",
    "page_text",
    "practitioner_active",
    "practitioner_by_id",
    "practitioner_shift",
    "practitioner_time_off_entry",
    "practitioners_active",
    "practitioners_by_id",
    "practitioners_with_disciplines",
    "registrations_expiring",
    "registrations_lapsed",
    "service_active",
    "service_group_for_display",
    "service_groups_for_display",
    "service_groups_listed",
    "service_price_on",
    "services_active",
    "services_active_in_disciplines_of",
    "services_for_display",
    "services_offered_at",
    "services_online",
    "team_for_display",
]
