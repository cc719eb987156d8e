"""Reference data every Ontario clinic starts with: the three colleges with their
certificate classes and rosters, the disciplines, kinds of rooms and equipment, and
the HST treatment of each kind of supply (docs/domain/ontario.md gives the sources).
All of it is data a manager may edit or extend."""

from datetime import date
from decimal import Decimal

from django.db import migrations

REGULATORS = [
    {
        "slug": "cpo",
        "name": "College of Physiotherapists of Ontario",
        "abbreviation": "CPO",
        "profession": "Physiotherapist",
        "designation": "PT",
        "website": "https://www.collegept.org",
        "register_url": "https://www.collegept.org",
        "classes": [
            ("Independent Practice", True),
            ("Provisional Practice", True),
            ("Courtesy", True),
        ],
        "rosters": [
            ("acupuncture", "Acupuncture (including dry needling)"),
            ("internal-pelvic", "Internal pelvic examination"),
            ("spinal-manipulation", "Spinal manipulation"),
            ("tracheal-suctioning", "Tracheal suctioning"),
            ("wound-care", "Treating a wound below the dermis"),
            ("inhalation", "Administering a substance by inhalation"),
        ],
    },
    {
        "slug": "cmto",
        "name": "College of Massage Therapists of Ontario",
        "abbreviation": "CMTO",
        "profession": "Registered Massage Therapist",
        "designation": "RMT",
        "website": "https://www.cmto.com",
        "register_url": "https://www.cmto.com",
        # Class names are a configurable default: CMTO's list was not confirmed.
        "classes": [("General", True), ("Inactive", False)],
        "rosters": [],
    },
    {
        "slug": "ctcmpao",
        "name": "College of Traditional Chinese Medicine Practitioners and Acupuncturists of Ontario",
        "abbreviation": "CTCMPAO",
        "profession": "Registered Acupuncturist",
        "designation": "R. Ac",
        "website": "https://www.ctcmpao.on.ca",
        "register_url": "https://www.ctcmpao.on.ca",
        "classes": [("General", True), ("Inactive", False)],
        "rosters": [],
    },
]

DISCIPLINES = [
    (
        "physiotherapy",
        "Physiotherapy",
        1,
        "A registered physiotherapist assesses how you move and what limits you, then "
        "leads a plan made for you: functional training, therapeutic exercise, manual "
        "therapy and modalities such as electrotherapy. It helps after surgery, fractures, "
        "and work or sports injuries, with back or neck pain, arthritis, multiple "
        "sclerosis and age-related joint problems.",
    ),
    (
        "massage-therapy",
        "Massage therapy",
        2,
        "A registered massage therapist eases muscle stiffness, soreness and spasm with "
        "kneading, friction, gliding, vibration, compression and active or passive "
        "stretching. Swedish and deep-tissue massage suit most first visits; massage also "
        "helps recovery from training and tension from stress or overuse.",
    ),
    (
        "acupuncture",
        "Acupuncture",
        3,
        "Fine, sterile needles placed at chosen points, given by a registered "
        "acupuncturist or by a physiotherapist rostered for acupuncture.",
    ),
]

RESOURCE_KINDS = [
    ("treatment-room", "Treatment room", True),
    ("massage-room", "Massage room", True),
    ("gym", "Gym", True),
    ("pelvic-health-room", "Pelvic-health room", True),
    ("electrotherapy-unit", "Electrotherapy unit", False),
]

HST_SINCE = date(2010, 7, 1)
TAX_CATEGORIES = [
    ("physiotherapy", "Physiotherapy services", "exempt", "Excise Tax Act Sch. V Part II", []),
    (
        "acupuncture",
        "Acupuncture services",
        "exempt",
        "Excise Tax Act Sch. V Part II (acupuncturists, since 2014-02-12)",
        [],
    ),
    (
        "massage-therapy",
        "Massage therapy",
        "taxable",
        "No exemption applies to massage therapy",
        [("HST", Decimal("13.000"))],
    ),
    (
        "made-to-order-device",
        "Made-to-order orthopaedic devices",
        "zero_rated",
        "Excise Tax Act Sch. VI Part II s. 23",
        [("HST", Decimal("0.000"))],
    ),
    (
        "general-taxable",
        "Other taxable goods and services",
        "taxable",
        "Ontario HST",
        [("HST", Decimal("13.000"))],
    ),
]


def load(apps, schema_editor):
    Regulator = apps.get_model("clinic", "Regulator")
    RegistrationClass = apps.get_model("clinic", "RegistrationClass")
    Authorization = apps.get_model("clinic", "Authorization")
    Discipline = apps.get_model("clinic", "Discipline")
    ResourceKind = apps.get_model("clinic", "ResourceKind")
    TaxCategory = apps.get_model("clinic", "TaxCategory")
    TaxRate = apps.get_model("clinic", "TaxRate")

    for data in REGULATORS:
        fields = {k: v for k, v in data.items() if k not in ("classes", "rosters", "slug")}
        regulator, _ = Regulator.objects.get_or_create(slug=data["slug"], defaults=fields)
        for name, permits in data["classes"]:
            RegistrationClass.objects.get_or_create(
                regulator=regulator, name=name, defaults={"permits_practice": permits}
            )
        for code, name in data["rosters"]:
            Authorization.objects.get_or_create(
                regulator=regulator, code=code, defaults={"name": name}
            )
    for slug, name, order, description in DISCIPLINES:
        Discipline.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "display_order": order, "public_description": description},
        )
    for slug, name, is_room in RESOURCE_KINDS:
        ResourceKind.objects.get_or_create(slug=slug, defaults={"name": name, "is_room": is_room})
    for code, name, treatment, basis, rates in TAX_CATEGORIES:
        category, created = TaxCategory.objects.get_or_create(
            code=code, defaults={"name": name, "treatment": treatment, "legal_basis": basis}
        )
        if created:
            for rate_name, percent in rates:
                TaxRate.objects.create(
                    category=category, name=rate_name, percent=percent, valid_from=HST_SINCE
                )


def unload(apps, schema_editor):
    apps.get_model("clinic", "TaxCategory").objects.filter(
        code__in=[c[0] for c in TAX_CATEGORIES]
    ).delete()
    apps.get_model("clinic", "ResourceKind").objects.filter(
        slug__in=[k[0] for k in RESOURCE_KINDS]
    ).delete()
    apps.get_model("clinic", "Discipline").objects.filter(
        slug__in=[d[0] for d in DISCIPLINES]
    ).delete()
    apps.get_model("clinic", "Regulator").objects.filter(
        slug__in=[r["slug"] for r in REGULATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
