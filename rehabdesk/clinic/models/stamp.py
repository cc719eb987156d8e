"""The configuration stamp that kept configuration is checked against
(clinic/change_stamp.py)."""

from __future__ import annotations

from django.db import models


class ConfigurationStamp(models.Model):
    """One row, whose stamp the database replaces whenever the configuration a free-time
    search reads changes (clinic/change_stamp.py), so that it can be kept between
    requests (clinic/calendar_configuration.py)."""

    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"configuration stamp {self.stamp}"
