"""The ground floor: what every feature stands on and that knows no feature — the clock, the
database and its driver, errors, translations, templating, htmx helpers, forms' uploads and
file types, URL building and paths, secret links, the live-event hub, the jobs registry's
shape, settings, tables and documents as files. Nothing here imports a feature, identity or
the request context (import-linter's "ground floor" contract, in pyproject.toml)."""
