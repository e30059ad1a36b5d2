"""Organisations' deliverables as structured data: STYREL electricity users and their connection
points, drinking-water needs per site, and the höjd beredskap status."""
