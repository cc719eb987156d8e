"""The roles people hold in a clinic. Each is a Django group created by a migration;
each domain app grants its own permissions to these groups in its own migrations."""

from enum import StrEnum


class Role(StrEnum):
    MANAGER = "Manager"
    FRONT_DESK = "Front desk"
    PRACTITIONER = "Practitioner"
    PATIENT = "Patient"


# Roles whose holders work in the Django admin (clinic configuration).
ADMIN_ROLES = frozenset({Role.MANAGER})
