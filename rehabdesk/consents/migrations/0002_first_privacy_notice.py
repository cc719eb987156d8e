"""The first privacy notice, in plain language. A clinic publishes its own wording as a
new version in the admin."""

from django.db import migrations
from django.utils import timezone

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

# Managers publish new versions of the notice (view and add: versions are never edited).
MANAGER = ["view_privacynotice", "add_privacynotice"]

FIRST_NOTICE = """\
We keep your health information private. This notice explains, in plain words, what we \
collect, why, and what you can ask of us.

What we collect: your name, date of birth and contact details; your appointments; and, \
once you come in, what your practitioner records about your care, and your insurance \
details if you want us to bill your insurer.

Why: to book and remind you of your visits, to care for you, to bill you or your insurer, \
and to meet the rules our colleges and the law set for health records.

Who sees it: only the people at the clinic who need it for your care or your bills. We \
keep a log of who opens your record. We share it outside the clinic only when you ask us \
to (for example with your insurer or another health professional) or when the law \
requires it.

How long: we keep health records for as long as the law and our colleges require (at \
least ten years after your last visit, or after you turn 18, whichever is later), then \
destroy them securely.

Your choices: you can see your record and ask us to correct it. You can withdraw your \
consent at any time by telling us; we will note it and explain what it means for your \
care. You may complain to us, or to the Information and Privacy Commissioner of Ontario.

Questions: call the clinic and ask for our privacy contact.
"""


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="consents", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="consents", codenames=MANAGER)


def publish(apps, schema_editor):
    PrivacyNotice = apps.get_model("consents", "PrivacyNotice")
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(version=1, body=FIRST_NOTICE, published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("consents", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [
        migrations.RunPython(publish, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
