"""The PostgreSQL side of a backup: the database itself is PostgreSQL's own tools' business
(``pg_dump --format=custom`` and ``pg_restore``). Here: the commands for the configured URL,
shown without its password, and run when asked (``--with-database``); and what the database
says of itself (its migration, whether it holds tables)."""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from partner_portal.backup.manifest import Refused
from partner_portal.platform import migrate
from partner_portal.platform.db import create_engine

# Query parameters libpq knows; asyncpg's own (and SQLAlchemy's) are left out of the command.
_LIBPQ = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "connect_timeout",
        "application_name",
        "options",
        "target_session_attrs",
        "host",
        "port",
        "passfile",
    }
)
_SSL_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})


def libpq_url(database_url: str) -> str:
    """The configured URL as PostgreSQL's own tools take it, without the password (which they
    read from ``PGPASSWORD`` or ``~/.pgpass``)."""
    url = make_url(database_url)
    query: dict[str, str] = {}
    for name, value in url.query.items():
        value = value if isinstance(value, str) else value[-1]
        if name == "ssl":  # asyncpg's name for libpq's sslmode
            name, value = "sslmode", ("require" if value.lower() == "true" else value)
            if value not in _SSL_MODES:
                continue
        if name in _LIBPQ:
            query[name] = value
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=query,
    )
    return plain.render_as_string(hide_password=False)


def dump_command(database_url: str, target: Path) -> list[str]:
    return ["pg_dump", "--format=custom", f"--file={target}", libpq_url(database_url)]


def restore_command(database_url: str, source: Path, *, replace: bool = False) -> list[str]:
    """pg_restore into the configured database in one transaction: all of it or nothing.
    Objects are owned by whoever restores (the portal's role), not the original owner."""
    clean = ["--clean", "--if-exists"] if replace else []
    return [
        "pg_restore",
        "--no-owner",
        "--no-acl",
        "--single-transaction",
        "--exit-on-error",
        *clean,
        f"--dbname={libpq_url(database_url)}",
        str(source),
    ]


def shown(command: list[str]) -> str:
    return shlex.join(command)


def run(command: list[str], database_url: str) -> None:
    """Run a PostgreSQL tool, the password (if the URL has one) in its environment only;
    Refused with the tool's own words when it fails or is not installed."""
    if shutil.which(command[0]) is None:
        raise Refused(
            f"{command[0]} is not on PATH: install PostgreSQL's client tools (Debian: "
            "postgresql-client, of the server's major version or newer), or leave out "
            "--with-database and run the commands shown without it yourself."
        )
    environment = dict(os.environ)
    if password := make_url(database_url).password:
        environment["PGPASSWORD"] = password
    result = subprocess.run(  # noqa: S603 (the tool's name and our own arguments)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        said = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
        raise Refused(f"{command[0]} failed: {said}")


def inspect(database_url: str) -> tuple[int, str | None]:
    """How many tables the database's schema holds, and its Alembic revision (None if it was
    never migrated). Refused when the database cannot be reached."""

    async def look() -> tuple[int, str | None]:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                tables = await connection.scalar(
                    text(
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = current_schema()"
                    )
                )
                migrated = await connection.scalar(
                    text(
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND table_name = 'alembic_version'"
                    )
                )
                revision = await migrate.current_revision(connection) if migrated else None
                return int(tables or 0), revision
        finally:
            await engine.dispose()

    try:
        return asyncio.run(look())
    except (SQLAlchemyError, OSError) as exc:
        said = str(getattr(exc, "orig", None) or exc)  # the driver's words, not SQLAlchemy's
        reason = (said.splitlines() or [type(exc).__name__])[0]
        raise Refused(f"the database cannot be read ({reason}).") from None
