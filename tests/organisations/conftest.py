from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.platform.settings import Settings, replace
from tests.helpers import BASE_URL
from tests.smtp import SmtpServer, running_smtp


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def portal_settings(login_settings: Settings, smtp: SmtpServer) -> Settings:
    """The portal with a real OpenID Provider and a real SMTP server, both on loopback."""
    return replace(login_settings, smtp_host=smtp.host, smtp_port=smtp.port)


@pytest.fixture
async def portal(portal_settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(portal_settings)
    yield app
    await app.state.portal.engine.dispose()


@pytest.fixture
async def web(portal: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=portal)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
