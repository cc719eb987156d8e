"""Shared model bases."""

from django.db import models


class TimeStampedModel(models.Model):
    """A row that remembers when it was created and last changed (UTC)."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True
