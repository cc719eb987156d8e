"""Each audit event chains a hash of the one before it (rehabdesk.audit.chain).

The append-only triggers come down around the change (SQLite rebuilds the table to add
a column, dropping its triggers; filling the columns is an UPDATE) and go back after.
The events already on file are chained here, in id order, so the chain starts at the
very first event; then the database chains each new one (triggers.CHAIN). This
migration imports rehabdesk.audit.chain and .triggers, so both stay backward compatible
for as long as it exists (see their docstrings).
"""

from django.db import migrations, models

from rehabdesk.audit import chain, triggers

BATCH = 2000
COLUMNS = ", ".join(chain.FIELDS)


def remove(apps, schema_editor):
    triggers.remove(schema_editor)


def install(apps, schema_editor):
    triggers.install(schema_editor)


def install_chain(apps, schema_editor):
    triggers.install_chain(schema_editor)


def remove_chain(apps, schema_editor):
    triggers.remove_chain(schema_editor)


def chain_the_events_on_file(apps, schema_editor):
    previous, last_id = chain.GENESIS, 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, {COLUMNS} FROM audit_auditevent WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608 - constants only
                [last_id, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.execute(
                "SELECT event_id, patient_id FROM audit_auditeventpatient "
                "WHERE event_id BETWEEN %s AND %s",
                [rows[0][0], rows[-1][0]],
            )
            patients: dict[int, list[int]] = {}
            for event_id, patient_id in cursor.fetchall():
                patients.setdefault(event_id, []).append(patient_id)
            hashes = []
            for event_id, *values in rows:
                content = chain.content(values, patients.get(event_id, []))
                previous = chain.link(previous, content)
                hashes.append((content, previous, event_id))
            cursor.executemany(
                "UPDATE audit_auditevent SET content_hash = %s, chain_hash = %s WHERE id = %s",
                hashes,
            )
            last_id = rows[-1][0]


HASH = {"blank": True, "default": "", "max_length": 64}


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_new_actions")]

    operations = [
        migrations.RunPython(remove, install),
        migrations.AddField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(
                help_text="SHA-256 of this event's content, its patients included (chain.py).",
                **HASH,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(
                help_text="SHA-256 of the previous event's chain_hash and this content_hash, "
                "set by the database (chain.py); verify_audit checks the chain.",
                **HASH,
            ),
        ),
        migrations.RunPython(chain_the_events_on_file, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
        migrations.RunPython(install_chain, remove_chain),
    ]
