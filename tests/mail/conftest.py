from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import jinja2
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.settings import Settings, replace
from tests.smtp import SmtpServer, running_smtp

SENDER = "Partnerportalen <noreply@botkyrka.example>"

# A test template triple, written the way templates/emails/ will be.
TEMPLATES = {
    "emails/welcome-subject.txt": "Välkommen till {{ organisation }}\n",
    "emails/welcome-body.txt": (
        "Hej {{ name }}!\n\n"
        "Du är inbjuden till {{ organisation }} i Partnerportalen.\n"
        "Öppna inbjudan: {{ link }}\n"
    ),
    "emails/welcome-body.html": (
        '<!doctype html><html lang="sv"><body>'
        "<p>Hej {{ name }}!</p>"
        "<p>Du är inbjuden till <strong>{{ organisation }}</strong> i Partnerportalen.</p>"
        '<p><a href="{{ link }}">Öppna inbjudan</a></p>'
        "</body></html>\n"
    ),
}


@pytest.fixture
def email_env() -> jinja2.Environment:
    """Like the portal's own environment: autoescape on for every file, strict undefined."""
    return jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port, mail_from=SENDER)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    database = create_engine(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)
