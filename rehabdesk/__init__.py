"""Rehabdesk: practice management and online booking for physiotherapy and massage clinics."""
