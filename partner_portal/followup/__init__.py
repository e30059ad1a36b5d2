"""Follow-up for the municipal board: participation derived from evidence, never typed in."""
