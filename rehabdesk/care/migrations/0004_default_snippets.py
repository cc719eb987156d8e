"""The clinic's default phrase snippets, in its own words: typed as ;shortcut in a
note, each becomes its phrase. Managers change, add or deactivate them in the admin.

Frozen here as data (never read from the app's code, which changes). A shortcut
already on file is left as the clinic has it; a snippet for a discipline the clinic no
longer has is left out.
"""

from django.db import migrations

# (shortcut, discipline slug or "" for every discipline, text)
SNIPPETS = [
    (
        "consent",
        "",
        "Treatment, its risks and benefits and the other choices explained; questions "
        "answered; the patient agreed to today's treatment.",
    ),
    ("nochange", "", "No change in health or medications since the last visit."),
    ("redflags", "", "Red-flag questions asked: none present."),
    ("tolerated", "", "Tolerated treatment well; no adverse effects during or after."),
    (
        "dna",
        "",
        "Did not attend and did not call. Message left on the number on file asking the "
        "patient to rebook.",
    ),
    (
        "phone",
        "",
        "Phone call with the patient; identity confirmed with their date of birth.",
    ),
    (
        "hep",
        "physiotherapy",
        "Home exercise program reviewed; the patient demonstrated each exercise correctly "
        "and took a written copy home.",
    ),
    (
        "skin",
        "physiotherapy",
        "Skin sensation checked before and after electrotherapy: intact, no redness.",
    ),
    (
        "reassess",
        "physiotherapy",
        "Outcome measures to be repeated at re-assessment in 4 weeks.",
    ),
    (
        "drape",
        "massage-therapy",
        "Client draped throughout; only the area being treated was uncovered.",
    ),
    (
        "pressure",
        "massage-therapy",
        "Pressure checked with the client throughout and adjusted as they asked.",
    ),
    (
        "selfcare",
        "massage-therapy",
        "Self-care: gentle stretching and heat at home, and water through the day. "
        "Soreness for a day or two is common; call us if it lasts longer.",
    ),
    (
        "needles",
        "acupuncture",
        "All needles removed and counted: as many out as went in. Sites checked, no "
        "bleeding.",
    ),
    (
        "sharps",
        "acupuncture",
        "Sterile single-use needles, disposed of in the sharps container.",
    ),
]


def load(apps, schema_editor):
    Snippet = apps.get_model("care", "Snippet")
    Discipline = apps.get_model("clinic", "Discipline")
    disciplines = {d.slug: d for d in Discipline.objects.all()}
    for shortcut, slug, text in SNIPPETS:
        if Snippet.objects.filter(shortcut=shortcut).exists():
            continue
        if slug and slug not in disciplines:
            continue
        Snippet.objects.create(
            shortcut=shortcut, text=text, discipline=disciplines.get(slug), active=True
        )


class Migration(migrations.Migration):
    dependencies = [("care", "0003_default_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
