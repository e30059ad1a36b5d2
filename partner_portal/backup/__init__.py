"""``partner-portal backup DIR`` and ``restore DIR``: the database (SQLite's online backup API;
PostgreSQL's pg_dump and pg_restore), the uploaded files and a manifest with a SHA-256 of each.

On the composition floor: it knows where the file store keeps uploads (``attachments.storage``)
and which migrations this portal has (``platform.migrate``); no feature knows of it."""
