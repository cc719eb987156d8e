"""The manager's configuration screens, by area. Every save and delete calls
clinic.services. Importing the package registers every screen."""

from rehabdesk.clinic.admin import catalogue, colleges, sites, team

__all__ = ["catalogue", "colleges", "sites", "team"]
