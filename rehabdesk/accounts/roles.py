"""The roles people hold in a clinic. Each is a Django group created by a migration;
each domain app grants its own permissions to these groups in its own migrations."""

from enum import StrEnum

from django.contrib.auth.models import Group


class Role(StrEnum):
    MANAGER = "Manager"
    FRONT_DESK = "Front desk"
    PRACTITIONER = "Practitioner"
    PATIENT = "Patient"
    # PHIPA's contact person: reviews access requests, corrections, break-glass openings
    # and privacy breaches. Held beside a staff role (in a small clinic, the manager's).
    PRIVACY_OFFICER = "Privacy officer"


# Roles that make someone clinic staff (the privacy officer holds one of these too).
STAFF_ROLES = frozenset({Role.MANAGER, Role.FRONT_DESK, Role.PRACTITIONER, Role.PRIVACY_OFFICER})

# Roles whose holders work in the Django admin (clinic configuration).
ADMIN_ROLES = frozenset({Role.MANAGER})


def roles_of(user_id: int) -> frozenset[Role]:
    """The roles a user holds, in one query."""
    known = {role.value: role for role in Role}
    names = Group.objects.filter(user__id=user_id).values_list("name", flat=True)
    return frozenset(known[name] for name in names if name in known)
