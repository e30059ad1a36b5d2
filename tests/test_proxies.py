"""Behind a reverse proxy: X-Forwarded-For/-Proto count only from PORTAL_TRUSTED_PROXIES.

The portal runs in-process under httpx's ASGI transport, whose ``client`` is the direct peer the
application sees (the proxy, or a client reaching the portal directly)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.app import create_app
from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.platform.settings import Settings, SettingsError, load_settings, replace
from tests.auth import flow
from tests.helpers import BASE_URL

PROXY = "10.1.2.3"  # in the trusted network below
TRUSTED = "10.1.0.0/16, 192.0.2.10"
OUTSIDER = "198.51.100.9"  # a peer that is no proxy of ours
CLIENT = "203.0.113.7"


def through(peer: str, settings: Settings, headers: Mapping[str, str] | None = None) -> Portal:
    return Portal(peer, settings, dict(headers or {}))


class Portal:
    """The portal as one peer reaches it, sending the given headers with every request."""

    def __init__(self, peer: str, settings: Settings, headers: dict[str, str]) -> None:
        self.app = create_app(settings)
        transport = httpx.ASGITransport(app=self.app, client=(peer, 40_000))
        self.client = httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)

    async def __aenter__(self) -> httpx.AsyncClient:
        return self.client

    async def __aexit__(self, *_exc: object) -> None:
        await self.client.aclose()
        await self.app.state.portal.rate_limits.close()
        await self.app.state.portal.engine.dispose()


@pytest.fixture
def behind_proxy(login_settings: Settings) -> Settings:
    return replace(login_settings, trusted_proxies=TRUSTED)


async def login_addresses(db: AsyncSession) -> list[str | None]:
    await db.rollback()
    rows = await db.scalars(
        sa.select(col(AuditEvent.ip_address)).where(col(AuditEvent.action) == AuditAction.LOGIN)
    )
    return list(rows)


# --- the setting -------------------------------------------------------------------------


def test_no_proxy_is_trusted_unless_named(tmp_path: Path) -> None:
    assert load_settings({"PORTAL_DATA_DIR": str(tmp_path)}).trusted_proxies == ()


def test_trusted_proxies_are_addresses_and_networks(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "PORTAL_TRUSTED_PROXIES": " 10.0.0.1, 192.168.0.0/16 ,, ::1, 10.9.9.9/8, fd00::/8",
        }
    )

    assert settings.trusted_proxies == (
        "10.0.0.1",
        "192.168.0.0/16",
        "::1",
        "10.0.0.0/8",
        "fd00::/8",
    )


def test_a_trusted_proxy_that_is_no_address_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(
            {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_TRUSTED_PROXIES": "10.0.0.1, proxy.lan"}
        )

    (problem,) = raised.value.problems
    assert problem.startswith("PORTAL_TRUSTED_PROXIES must list IP addresses or networks")
    assert "'proxy.lan'" in problem


# --- the client's address ----------------------------------------------------------------


async def test_forwarded_headers_are_ignored_when_no_proxy_is_trusted(
    login_settings: Settings, db: AsyncSession
) -> None:
    async with through(PROXY, login_settings, {"X-Forwarded-For": CLIENT}) as browser:
        await flow.log_in(browser, "alice-sub")

    assert await login_addresses(db) == [PROXY]


async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    behind_proxy: Settings, db: AsyncSession
) -> None:
    async with through(OUTSIDER, behind_proxy, {"X-Forwarded-For": CLIENT}) as browser:
        await flow.log_in(browser, "alice-sub")

    assert await login_addresses(db) == [OUTSIDER]


@pytest.mark.parametrize(
    "forwarded_for",
    [
        CLIENT,
        # What the client itself wrote is to the left of what our proxy appended: ignored.
        f"192.0.2.66, {CLIENT}",
        # Two proxies of ours in a row (the outer one appended the client, the inner one it).
        f"192.0.2.66, {CLIENT}, 10.1.9.9",
    ],
)
async def test_behind_a_trusted_proxy_the_client_is_the_one_it_forwarded(
    behind_proxy: Settings, db: AsyncSession, forwarded_for: str
) -> None:
    async with through(PROXY, behind_proxy, {"X-Forwarded-For": forwarded_for}) as browser:
        await flow.log_in(browser, "alice-sub")

    assert await login_addresses(db) == [CLIENT]


async def test_a_changing_forwarded_for_does_not_escape_the_login_limit(
    behind_proxy: Settings,
) -> None:
    async with through(OUTSIDER, behind_proxy) as browser:
        for n in range(20):
            headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
            assert (await browser.get("/auth/login", headers=headers)).status_code == 302

        refused = await browser.get("/auth/login", headers={"X-Forwarded-For": "203.0.113.99"})

    assert refused.status_code == 429


async def test_behind_a_trusted_proxy_the_login_limit_counts_each_client(
    behind_proxy: Settings,
) -> None:
    async with through(PROXY, behind_proxy) as proxy:
        for _ in range(20):
            sent = await proxy.get("/auth/login", headers={"X-Forwarded-For": CLIENT})
            assert sent.status_code == 302

        same = await proxy.get("/auth/login", headers={"X-Forwarded-For": CLIENT})
        other = await proxy.get("/auth/login", headers={"X-Forwarded-For": "203.0.113.8"})

    assert (same.status_code, other.status_code) == (429, 302)


# --- the scheme --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "scheme"), [(PROXY, "https"), (OUTSIDER, "http")], ids=["trusted", "untrusted"]
)
async def test_the_scheme_is_the_forwarded_one_only_from_a_trusted_proxy(
    settings: Settings, peer: str, scheme: str
) -> None:
    """The portal's own links and cookies come from PORTAL_BASE_URL; what uses the request's
    scheme is the redirect to a path without its trailing slash, an absolute URL."""
    trusting = replace(settings, trusted_proxies=TRUSTED)
    async with through(peer, trusting, {"X-Forwarded-Proto": "https"}) as browser:
        response = await browser.get("/healthz/")

    assert response.status_code == 307
    assert response.headers["location"] == f"{scheme}://127.0.0.1:8000/healthz"
