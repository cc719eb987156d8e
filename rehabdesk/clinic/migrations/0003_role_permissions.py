"""What each role may do with clinic configuration (docs/permissions.md).

Managers configure the clinic. The front desk reads it to book and answer callers.
Practitioners read it to see where and when they work.
"""

from django.db import migrations

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

ALL_MODELS = [
    "clinic", "location", "openinghours", "closure", "traveltime", "resourcekind",
    "resource", "discipline", "regulator", "registrationclass", "authorization",
    "taxcategory", "taxrate", "service", "qualification", "practitioner",
    "registration", "workinghours", "break", "timeoff",
]
# Rows a manager may remove outright; everything else is deactivated or ended instead,
# because appointments, receipts and history refer to it.
DELETABLE = ["openinghours", "closure", "traveltime", "taxrate", "qualification",
             "workinghours", "break", "timeoff"]
SCHEDULE_MODELS = ["clinic", "location", "openinghours", "closure", "traveltime",
                   "resourcekind", "resource", "discipline", "service", "practitioner",
                   "workinghours", "break", "timeoff", "taxcategory", "taxrate"]

MANAGER = (
    [f"view_{m}" for m in ALL_MODELS]
    + [f"add_{m}" for m in ALL_MODELS]
    + [f"change_{m}" for m in ALL_MODELS]
    + [f"delete_{m}" for m in DELETABLE]
)
FRONT_DESK = [f"view_{m}" for m in SCHEDULE_MODELS]
PRACTITIONER = [f"view_{m}" for m in SCHEDULE_MODELS]


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="clinic", codenames=MANAGER)
    grant_permissions(apps, role="Front desk", app_label="clinic", codenames=FRONT_DESK)
    grant_permissions(apps, role="Practitioner", app_label="clinic", codenames=PRACTITIONER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="clinic", codenames=MANAGER)
    revoke_permissions(apps, role="Front desk", app_label="clinic", codenames=FRONT_DESK)
    revoke_permissions(apps, role="Practitioner", app_label="clinic", codenames=PRACTITIONER)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_ontario_reference_data"),
        ("accounts", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
