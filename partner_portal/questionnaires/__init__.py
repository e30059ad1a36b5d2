"""Questionnaires: an item whose questions are data in the process template (RSA's first)."""
