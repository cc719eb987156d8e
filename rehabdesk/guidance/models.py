"""Stored guide results: what a visitor chose to submit, with the rule-set version."""
