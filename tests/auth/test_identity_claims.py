"""What a login stores about the person, through the loopback OpenID Provider: claims that are
missing keep what is stored, a login id is never an email, and PORTAL_OIDC_TRUST_EMAIL decides
whether an email without ``email_verified`` (Entra ID) is trusted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.app import create_app
from partner_portal.auth.models import Person, PortalRole
from partner_portal.auth.service import grant_role_by_email
from partner_portal.platform.settings import Settings, replace
from tests.auth import flow
from tests.helpers import BASE_URL
from tests.oidc_provider import ProviderControl


async def people(db: AsyncSession) -> list[Person]:
    await db.rollback()
    return list(await db.scalars(sa.select(Person).order_by(col(Person.id))))


async def set_claims(provider: ProviderControl, sub: str, claims: dict[str, object]) -> None:
    async with httpx.AsyncClient() as admin:
        (await admin.put(f"{provider.issuer}/users/{sub}", json=claims)).raise_for_status()


@pytest.fixture
async def trusting_browser(login_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The portal configured with PORTAL_OIDC_TRUST_EMAIL=true."""
    app = create_app(replace(login_settings, oidc_trust_email=True))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
    await app.state.portal.engine.dispose()


async def test_a_login_without_name_or_email_claims_keeps_the_stored_name_and_email(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    browser.cookies.clear()
    await set_claims(provider, "alice-sub", {})  # neither in the ID token nor from userinfo

    response = await flow.log_in(browser, "alice-sub")

    assert response.status_code == 303
    [alice] = await people(db)
    assert (alice.name, alice.email, alice.email_verified) == (
        "Alice Andersson",
        "alice@example.se",
        True,
    )
    assert provider.userinfo_requests == 1  # it was asked, and had nothing either
    assert "Välkommen, Alice Andersson" in (await browser.get("/")).text


async def test_a_login_id_in_the_email_claim_is_never_stored_as_an_email(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await set_claims(provider, "erik", {"email": "erik", "email_verified": True})

    response = await flow.log_in(browser, "erik")

    assert response.status_code == 303
    [erik] = await people(db)
    assert (erik.name, erik.email, erik.email_verified) == ("erik", None, False)


async def test_an_address_stored_before_logins_were_checked_is_dropped_at_the_next_login(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    await db.execute(sa.update(Person).values(email="alice-sub", email_verified=True))
    await db.commit()
    browser.cookies.clear()
    await set_claims(provider, "alice-sub", {"name": "Alice Andersson"})

    await flow.log_in(browser, "alice-sub")

    [alice] = await people(db)
    assert (alice.name, alice.email, alice.email_verified) == ("Alice Andersson", None, False)


async def test_a_new_email_claim_replaces_the_stored_one_with_its_own_verification(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    browser.cookies.clear()
    await set_claims(provider, "alice-sub", {"email": "Alice.Ek@Example.se"})

    await flow.log_in(browser, "alice-sub")

    [alice] = await people(db)
    assert (alice.name, alice.email, alice.email_verified) == (
        "Alice Andersson",
        "alice.ek@example.se",
        False,  # strict by default: no email_verified, no trust
    )


async def test_by_default_an_email_without_email_verified_claims_no_role(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await grant_role_by_email(db, PortalRole.COORDINATOR, "bob@example.se")

    await flow.log_in(browser, "bob-sub")  # bob's provider sends no email_verified

    [bob] = await people(db)
    assert bob.email_verified is False
    assert "Samordnare" not in (await browser.get("/")).text


async def test_a_trusted_provider_without_email_verified_gets_the_coordinator_grant(
    trusting_browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await grant_role_by_email(db, PortalRole.COORDINATOR, "bob@example.se")

    await flow.log_in(trusting_browser, "bob-sub")

    [bob] = await people(db)
    assert (bob.email, bob.email_verified) == ("bob@example.se", True)
    assert "Samordnare" in (await trusting_browser.get("/")).text


async def test_trust_never_overrides_an_explicit_email_verified_false(
    trusting_browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await set_claims(
        provider,
        "bob-sub",
        {"name": "Bob Bergström", "email": "bob@example.se", "email_verified": False},
    )
    await grant_role_by_email(db, PortalRole.COORDINATOR, "bob@example.se")

    await flow.log_in(trusting_browser, "bob-sub")

    [bob] = await people(db)
    assert bob.email_verified is False
    assert "Samordnare" not in (await trusting_browser.get("/")).text
