"""Schema migrations through Alembic without an ini file: ``partner-portal migrate``, /readyz.

Alembic is imported inside the functions that migrate: a web process only needs to know the
newest revision (for /readyz), and importing Alembic for that would cost it ~40 MiB for good.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

from partner_portal.platform.resources import resource_dir

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str) -> None:
    """Apply every migration (runs its own event loop: call it outside one)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


async def upgrade_on(connection: AsyncConnection) -> None:
    """Apply every migration on an open connection (from inside an event loop)."""
    from alembic import command

    await connection.run_sync(lambda sync: command.upgrade(alembic_config(connection=sync), "head"))


def head_revision() -> str | None:
    """The newest revision, as Alembic would name it, read from the revision files' own
    ``revision`` and ``down_revision`` assignments (tests/test_startup_footprint.py holds
    the two equal)."""
    revisions, parents = _revisions()
    heads = sorted(revisions - parents)
    if len(heads) > 1:
        raise RuntimeError(f"migrations have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this version of the portal has a migration for: a database at one of
    them is at the head or behind it (``migrate`` brings it up); any other is newer."""
    return _revisions()[0]


@cache
def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The revisions of the migration files, and those that some revision follows. Read once
    per process (every app a process creates asks: parsing the files is most of that)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((resource_dir("migrations") / "versions").glob("*.py")):
        found = _assignments(path)
        revision = found.get("revision")
        if isinstance(revision, str):
            revisions.add(revision)
            down = found.get("down_revision")
            if isinstance(down, str):
                parents.add(down)
            elif isinstance(down, tuple | list):
                parents.update(str(each) for each in down)
    return frozenset(revisions), frozenset(parents)


def _assignments(path: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return found


async def current_revision(connection: AsyncConnection) -> str | None:
    result = await connection.execute(text("SELECT version_num FROM alembic_version"))
    return result.scalar_one_or_none()
