"""Pages that belong to no single feature: the start page, the accessibility statement."""
