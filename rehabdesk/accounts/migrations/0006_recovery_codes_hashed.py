"""Recovery codes kept in plain (django-otp's StaticToken.token) become keyed digests
(rehabdesk/accounts/recovery_codes.py): the codes people hold keep working.

Not reversible in substance: going back leaves the digests, which the earlier code
cannot check, so its users would need new codes (a manager's reset, or "Make new ones").
"""

from django.db import migrations

from rehabdesk.accounts.recovery_codes import recovery_codes_digest_plain


def digest_plain_codes(apps, schema_editor):
    recovery_codes_digest_plain(apps.get_model("otp_static", "StaticToken"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_session_generation"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(digest_plain_codes, migrations.RunPython.noop),
    ]
