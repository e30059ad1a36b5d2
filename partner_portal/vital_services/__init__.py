"""The register of vital services (samhällsviktig verksamhet): each organisation's sites."""
