"""The clinic's default note templates, loaded as version 1: physiotherapy (assessment,
follow-up, discharge), pelvic health (assessment, follow-up), massage therapy (initial,
follow-up), acupuncture, and the general entry for phone consults, letters, missed
appointments and addenda.

Backward compatible by freezing: it reads the published files of note_templates/v1/,
named here one by one, which are never edited (care/tests/test_shipped_templates.py
pins each file's SHA-256), and only with tomllib — never with the app's code, which
changes. A later set of defaults is a new folder and a new migration.

A template whose discipline the clinic no longer has is left out; a code already on
file (loaded before, or made by the clinic) is left as it is.
"""

import tomllib
from pathlib import Path

from django.db import migrations
from django.utils import timezone

FOLDER = Path(__file__).resolve().parent.parent / "note_templates" / "v1"
FILES = [
    "physio-initial.toml",
    "physio-follow-up.toml",
    "physio-discharge.toml",
    "pelvic-health-initial.toml",
    "pelvic-health-follow-up.toml",
    "massage-initial.toml",
    "massage-follow-up.toml",
    "acupuncture.toml",
    "general-entry.toml",
]


def load(apps, schema_editor):
    NoteTemplate = apps.get_model("care", "NoteTemplate")
    Discipline = apps.get_model("clinic", "Discipline")
    now = timezone.now()
    for name in FILES:
        data = tomllib.loads((FOLDER / name).read_text("utf-8"))
        if NoteTemplate.objects.filter(code=data["code"]).exists():
            continue
        discipline = None
        if data["discipline"]:
            discipline = Discipline.objects.filter(slug=data["discipline"]).first()
            if discipline is None:
                continue
        NoteTemplate.objects.create(
            code=data["code"],
            version=1,
            name=data["name"],
            discipline=discipline,
            visit_type=data["visit_type"],
            definition={"sections": data["sections"]},
            current=True,
            published_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("care", "0002_guards"), ("clinic", "0002_ontario_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
