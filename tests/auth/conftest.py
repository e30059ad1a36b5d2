from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.datastructures import Secret

from partner_portal.app import create_app
from partner_portal.settings import Settings
from tests.helpers import BASE_URL
from tests.oidc_provider import ProviderControl, running_provider

USERS = {
    "alice-sub": {"name": "Alice Andersson", "email": "Alice@Example.se", "email_verified": True},
    "bob-sub": {"given_name": "Bob", "family_name": "Bergström", "email": "bob@example.se"},
}


@pytest.fixture
def provider() -> Iterator[ProviderControl]:
    with running_provider({k: dict(v) for k, v in USERS.items()}) as control:
        yield control


@pytest.fixture
def login_settings(settings: Settings, provider: ProviderControl) -> Settings:
    return replace(
        settings,
        oidc_issuer=provider.issuer,
        oidc_client_id="portal-test",
        oidc_client_secret=Secret("client-secret"),
    )


@pytest.fixture
async def login_app(login_settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(login_settings)
    yield app
    await app.state.portal.engine.dispose()


@pytest.fixture
async def browser(login_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The portal as a browser sees it (in-process), with its own cookie jar."""
    transport = httpx.ASGITransport(app=login_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
