"""Reads of the clinical record, one module per area, each in a fixed number of queries."""

from .templates import snippets_for, template_for_visit, templates_for

__all__ = ["snippets_for", "template_for_visit", "templates_for"]
