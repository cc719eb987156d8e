"""Reads of clinic configuration, with their related rows fetched up front. Callers
import from here; the modules are the areas: sites (locations), catalogue (services,
prices and tax, groups, page texts, what a location offers), team (practitioners and
their registrations)."""

from rehabdesk.clinic.selectors.catalogue import (
    disciplines_for_display,
    page_text,
    service_group_for_display,
    service_groups_for_display,
    service_groups_listed,
    service_price_on,
    services_for_display,
    services_offered_at,
)
from rehabdesk.clinic.selectors.sites import location_for_display, locations_for_display
from rehabdesk.clinic.selectors.team import (
    registrations_expiring,
    registrations_lapsed,
    team_for_display,
)

__all__ = [
    "disciplines_for_display",
    "location_for_display",
    "locations_for_display",
    "page_text",
    "registrations_expiring",
    "registrations_lapsed",
    "service_group_for_display",
    "service_groups_for_display",
    "service_groups_listed",
    "service_price_on",
    "services_for_display",
    "services_offered_at",
    "team_for_display",
]
