"""The manager's look at what the Content-Security-Policy blocked: counts per day,
read-only (browsers write them, through POST /csp-report/; online/csp_reports.py).
Nothing in them names a patient: a directive, an origin, a route's name."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rehabdesk.online.models import CspViolation


@admin.register(CspViolation)
class CspViolationAdmin(admin.ModelAdmin):
    list_display = ["day", "directive", "blocked", "route", "count"]
    list_filter = ["directive", "day"]
    search_fields = ["blocked", "route"]
    ordering = ["-day", "-count"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
