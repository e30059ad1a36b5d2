"""Demo work under way for `partner-portal dev`, one module per process (see work.py)."""
