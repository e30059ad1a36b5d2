"""Benchmarks that print their figures (run as modules: ``python -m bench.<name>``)."""
