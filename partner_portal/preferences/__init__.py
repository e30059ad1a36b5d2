"""A person's own settings ("Mina inställningar"): today the language they read."""
