"""Schema migrations through Alembic without an ini file: ``partner-portal migrate``, /readyz."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

from partner_portal.resources import resource_dir


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str) -> None:
    """Apply every migration (runs its own event loop: call it outside one)."""
    command.upgrade(alembic_config(database_url), "head")


async def upgrade_on(connection: AsyncConnection) -> None:
    """Apply every migration on an open connection (from inside an event loop)."""
    await connection.run_sync(lambda sync: command.upgrade(alembic_config(connection=sync), "head"))


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(connection: AsyncConnection) -> str | None:
    result = await connection.execute(text("SELECT version_num FROM alembic_version"))
    return result.scalar_one_or_none()
