"""The JSON API (django-ninja), described by OpenAPI at /api/docs. HTTP only."""
