"""The professions: disciplines, and the regulatory colleges with their registration
classes and rosters (authorizations), loaded as Ontario reference data
(docs/domain/ontario.md)."""

from __future__ import annotations

from django.db import models


class Discipline(models.Model):
    """A kind of care the clinic offers, e.g. physiotherapy or massage therapy, with
    the description patients read."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    public_description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class Regulator(models.Model):
    """A regulatory college that registers practitioners, e.g. the College of
    Physiotherapists of Ontario. Data, not code: other provinces add theirs."""

    name = models.CharField(max_length=160, unique=True)
    abbreviation = models.CharField(max_length=20)
    slug = models.SlugField(unique=True)
    province = models.CharField(max_length=2, default="ON")
    profession = models.CharField(max_length=80, help_text="e.g. Registered Massage Therapist")
    designation = models.CharField(max_length=20, help_text="Letters after the name, e.g. RMT")
    website = models.URLField(blank=True)
    register_url = models.URLField(blank=True, help_text="The college's public register.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.abbreviation


class RegistrationClass(models.Model):
    """A certificate class a college issues, e.g. Independent Practice or Inactive.
    Some classes do not allow practising at all."""

    regulator = models.ForeignKey(Regulator, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(max_length=120)
    permits_practice = models.BooleanField(
        default=True, help_text="Untick for classes such as Inactive: no patients may be seen."
    )

    class Meta:
        ordering = ["regulator", "name"]
        verbose_name_plural = "registration classes"
        constraints = [
            models.UniqueConstraint(
                fields=["regulator", "name"], name="registration_class_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regulator.abbreviation}: {self.name}"


class Authorization(models.Model):
    """An activity a college lets a member perform only once rostered for it, e.g. a
    physiotherapist's acupuncture or internal pelvic examination roster."""

    regulator = models.ForeignKey(
        Regulator, on_delete=models.CASCADE, related_name="authorizations"
    )
    code = models.SlugField()
    name = models.CharField(max_length=160)

    class Meta:
        ordering = ["regulator", "name"]
        constraints = [
            models.UniqueConstraint(fields=["regulator", "code"], name="authorization_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.regulator.abbreviation}: {self.name}"
