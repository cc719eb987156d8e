"""Version 1 of each treatment consent text, in plain language, written from
docs/domain/consents.md (the colleges' rules as far as they were confirmed). A clinic
publishes its own wording as a new version in the admin; consents already given keep
the version they agreed to.

⚠ marks, in comments here (never in what patients read), what the domain reference says
was not confirmed from the rule's own text — the massage college's rule on sensitive
areas: the clinic's owner confirms that wording.
"""

from django.db import migrations
from django.utils import timezone

from rehabdesk.core.migration_helpers import grant_permissions, revoke_permissions

# Managers publish new versions (view and add: versions are never edited).
MANAGER = ["view_treatmentconsenttext", "add_treatmentconsenttext"]

COMMON = """\
You may ask questions at any time, say no to any part of the treatment, and stop it \
at any time, before or during a visit. Saying no will not change how we treat you. \
You can withdraw this consent whenever you wish, in the patient portal or by telling \
us; we note when, and nothing given before is deleted."""

TEXTS = {
    "physiotherapy": f"""\
Consent to physiotherapy.

Your physiotherapist will ask about your health and what brings you in, and examine \
how you move. This may include touching the area that hurts, and asking you to \
undress it (you may wear shorts and a tank top, or be covered with a sheet).

They will explain what they find, the treatment they suggest — for example exercise, \
hands-on (manual) therapy, or electrotherapy such as TENS or ultrasound — what it \
aims to do, its common risks (soreness for a day or two, rarely a skin reaction to \
electrotherapy or tape) and the other choices you have, including no treatment. \
They ask again before anything new, such as acupuncture or an internal examination, \
each of which has its own consent.

{COMMON}""",
    "massage_therapy": f"""\
Consent to massage therapy.

Your registered massage therapist will ask about your health first, because some \
conditions and medicines change what is safe, and will tell you if treatment should \
wait or if you should see a doctor.

They will explain the treatment they suggest (for example Swedish or deep-tissue \
massage, stretching), the areas they plan to treat and why, and its common effects \
(soreness or tiredness for a day or two, rarely bruising). You stay covered with a \
sheet except for the area being treated. Tell them if the pressure is too much or \
too little. Treating a sensitive area (the chest wall, breast tissue, the upper inner \
thigh or the buttocks) needs your separate written consent, each time.

{COMMON}""",
    # ⚠ The College of Massage Therapists of Ontario's rule on sensitive areas was not
    # retrieved (domain reference §3.2, §6 item 8): RMT sites say written consent is
    # needed each time a sensitive area is treated. The clinic's owner confirms this
    # wording and the list of areas (choices.SensitiveArea) before relying on it; the
    # note stays here, out of the text patients read.
    "sensitive_areas": f"""\
Consent to massage of sensitive areas — for today's visit only.

Our massage therapists ask for your written consent before treating a sensitive area, \
each time it is treated.

Your therapist has explained why treating the areas you tick would help, how they \
would treat them, and how you stay covered (only the area being treated is uncovered). \
Genitals, nipples and the anus are never treated.

By signing you agree to treatment of the areas you ticked, today only. You can say \
no to any area, ask for a change of approach, or stop at any time, and you may have \
someone you choose in the room.

{COMMON}""",
    "acupuncture": f"""\
Consent to acupuncture.

Fine, sterile, single-use needles are placed at chosen points and stay in for a short \
while as you rest. At our clinic acupuncture is given by a registered acupuncturist \
or by a physiotherapist rostered with their college to perform acupuncture (including \
dry needling).

Tell your practitioner if you are pregnant, take blood thinners or have a bleeding \
disorder, have a pacemaker or other implanted device, a weakened immune system, or a \
fear of needles: these change what is safe. Common effects are a small bruise or a \
drop of blood, soreness where a needle was, or feeling faint or tired. Infection and \
a broken needle are rare; a needle in the chest wall can very rarely puncture a lung \
(a pneumothorax): if you become short of breath after treatment, get help at once.

{COMMON}""",
    "internal_pelvic": f"""\
Consent to internal pelvic examination and treatment.

An internal examination means your physiotherapist places a gloved finger, hand or an \
instrument inside the vagina or the back passage (beyond the labia majora or the anal \
verge) to assess or treat the muscles of the pelvic floor. Only physiotherapists \
rostered with the College of Physiotherapists of Ontario for internal pelvic \
examination do it.

Before it, your physiotherapist explains why it would help, what it involves, what \
you may feel (pressure, sometimes brief discomfort) and the other choices you have: \
an internal examination is never required to be treated. It happens in a private \
room, you stay covered except where needed, and you may have someone you choose in \
the room. They ask again at each visit before an internal examination.

{COMMON}""",
}


def publish(apps, schema_editor):
    Text = apps.get_model("consents", "TreatmentConsentText")
    now = timezone.now()
    for topic, body in TEXTS.items():
        if not Text.objects.filter(topic=topic).exists():
            Text.objects.create(topic=topic, version=1, body=body, published_at=now)


def grant(apps, schema_editor):
    grant_permissions(apps, role="Manager", app_label="consents", codenames=MANAGER)


def revoke(apps, schema_editor):
    revoke_permissions(apps, role="Manager", app_label="consents", codenames=MANAGER)


class Migration(migrations.Migration):
    dependencies = [("consents", "0003_treatment_consents")]

    operations = [
        migrations.RunPython(publish, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
