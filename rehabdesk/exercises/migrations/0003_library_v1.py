"""The clinic's exercise library, version 1: the exercises of library/v1.toml, written
for Rehabdesk in plain words (docs/domain/home-exercise.md).

Backward compatible by freezing: it reads the published file, which is never edited
(exercises/tests/test_library.py pins its SHA-256), and only with tomllib — never with
the app's code, which changes. A later library is a new file and a new migration.
A code already on file (loaded before, or added by the clinic) is left as it is.
"""

import tomllib
from pathlib import Path

from django.db import migrations
from django.utils import timezone

LIBRARY = Path(__file__).resolve().parent.parent / "library" / "v1.toml"


def instructions(entry):
    """The steps numbered, then what to feel and when to stop, as the patient reads them."""
    steps = [f"{n}. {step}" for n, step in enumerate(entry["steps"], start=1)]
    return "\n".join(
        [*steps, "", f"What you should feel: {entry['feel']}", "", f"When to stop: {entry['stop']}"]
    )


def load(apps, schema_editor):
    Exercise = apps.get_model("exercises", "Exercise")
    now = timezone.now()
    data = tomllib.loads(LIBRARY.read_text("utf-8"))
    on_file = set(Exercise.objects.values_list("code", flat=True))
    Exercise.objects.bulk_create(
        Exercise(
            code=entry["code"],
            name=entry["name"],
            body_region=entry["region"],
            instructions=instructions(entry),
            default_sets=entry["sets"],
            default_reps=entry.get("reps"),
            default_hold_seconds=entry.get("hold"),
            created_at=now,
            updated_at=now,
        )
        for entry in data["exercise"]
        if entry["code"] not in on_file
    )


class Migration(migrations.Migration):
    dependencies = [("exercises", "0002_program_history")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
