"""Logging in through a real OpenID Provider on loopback, and every way it must refuse."""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.audit.models import AuditEvent
from partner_portal.auth.models import LoginAttempt, LoginSession, Person, PortalRole
from partner_portal.auth.service import grant_role_by_email
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings, replace
from tests.auth import flow
from tests.helpers import BASE_URL, Persona
from tests.helpers import log_in as log_in_directly
from tests.oidc_provider import ProviderControl

# Each read starts a fresh transaction: an open one would keep seeing an old snapshot.


async def people(db: AsyncSession) -> list[Person]:
    await db.rollback()
    return list(await db.scalars(sa.select(Person).order_by(col(Person.id))))


async def audit_actions(db: AsyncSession) -> list[tuple[str, dict[str, object]]]:
    await db.rollback()
    rows = await db.execute(
        sa.select(col(AuditEvent.action), col(AuditEvent.details)).order_by(col(AuditEvent.id))
    )
    return [(str(action), details) for action, details in rows]


async def session_count(db: AsyncSession) -> int:
    await db.rollback()
    return int(await db.scalar(sa.select(sa.func.count()).select_from(LoginSession)) or 0)


async def test_login_round_trip_lands_on_the_requested_page(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    response = await flow.log_in(browser, "alice-sub", next_path="/tillganglighet")

    assert response.status_code == 303
    assert response.headers["location"] == "/tillganglighet"
    start = await browser.get("/")
    assert "Välkommen, Alice Andersson" in start.text
    assert "alice@example.se" in start.text  # the email is kept in lower case
    [alice] = await people(db)
    assert (alice.oidc_issuer, alice.oidc_subject) == (provider.issuer, "alice-sub")
    assert alice.email_verified is True
    assert [a for a, _ in await audit_actions(db)] == ["login"]
    assert provider.userinfo_requests == 0  # everything needed was in the ID token


async def test_the_authorization_request_uses_pkce_s256_state_and_nonce(
    browser: httpx.AsyncClient, db: AsyncSession, login_settings: Settings
) -> None:
    authorize_url = await flow.start_login(browser)

    query = parse_qs(urlsplit(authorize_url).query)
    [attempt] = await db.scalars(sa.select(LoginAttempt))
    assert query["code_challenge_method"] == ["S256"]
    expected_challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(attempt.code_verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    assert query["code_challenge"] == [expected_challenge]
    assert query["nonce"] == [attempt.nonce]
    assert hashlib.sha256(query["state"][0].encode()).hexdigest() == attempt.state_hash
    assert query["redirect_uri"] == [f"{BASE_URL}/auth/callback"]
    assert query["client_id"] == ["portal-test"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    cookie = next(c for c in browser.cookies.jar if c.name == "pp_login")
    assert cookie.path == "/auth/callback"


async def test_a_returning_person_is_found_by_issuer_and_subject_and_refreshed(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    await browser.post("/auth/logout", data={"csrf_token": await _csrf(browser, db)})
    async with httpx.AsyncClient() as admin:
        await admin.put(
            f"{provider.issuer}/users/alice-sub",
            json={"name": "Alice Ek", "email": "alice.ek@example.se", "email_verified": True},
        )
    await flow.log_in(browser, "alice-sub")

    [alice] = await people(db)
    assert (alice.name, alice.email) == ("Alice Ek", "alice.ek@example.se")


async def test_someone_already_logged_in_is_sent_on_without_a_new_login(
    browser: httpx.AsyncClient, provider: ProviderControl
) -> None:
    await flow.log_in(browser, "alice-sub")

    response = await browser.get("/auth/login", params={"next": "/tillganglighet"})

    assert (response.status_code, response.headers["location"]) == (303, "/tillganglighet")
    assert provider.token_requests == 1


async def test_claims_missing_from_the_id_token_come_from_userinfo(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    def strip(claims: dict[str, object]) -> None:
        for claim in ("name", "given_name", "family_name", "email", "email_verified"):
            claims.pop(claim, None)

    provider.tamper_id_token = strip

    response = await flow.log_in(browser, "bob-sub")

    assert response.status_code == 303
    [bob] = await people(db)
    assert (bob.name, bob.email, bob.email_verified) == ("Bob Bergström", "bob@example.se", False)
    assert provider.userinfo_requests == 1


async def test_each_login_gets_a_new_session_id(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    first = browser.cookies.get("pp_session")
    await browser.post("/auth/logout", data={"csrf_token": await _csrf(browser, db)})

    await flow.log_in(browser, "alice-sub")
    second = browser.cookies.get("pp_session")

    assert first
    assert second
    assert first != second
    assert await session_count(db) == 1


async def test_a_session_the_browser_already_had_ends_at_login(
    browser: httpx.AsyncClient, login_app: Starlette, db: AsyncSession, bob: Persona
) -> None:
    authorize_url = await flow.start_login(browser)  # a login started in one tab …
    old = await log_in_directly(browser, login_app, bob)  # … while another tab logged in

    await browser.get(await flow.at_provider(authorize_url, "alice-sub"))

    assert browser.cookies.get("pp_session") != old
    assert await session_count(db) == 1
    assert "Välkommen, Alice Andersson" in (await browser.get("/")).text


async def test_a_coordinator_grant_waiting_for_the_email_is_claimed_at_login(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await grant_role_by_email(db, PortalRole.COORDINATOR, "alice@example.se")

    await flow.log_in(browser, "alice-sub")

    assert "Samordnare" in (await browser.get("/")).text


async def test_an_unverified_email_claims_no_role(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await grant_role_by_email(db, PortalRole.COORDINATOR, "bob@example.se")

    await flow.log_in(browser, "bob-sub")  # bob's provider does not vouch for the email

    assert "Samordnare" not in (await browser.get("/")).text


# --- refusals ----------------------------------------------------------------------------


async def assert_refused(response: httpx.Response, browser: httpx.AsyncClient) -> None:
    assert response.status_code == 400
    assert "Inloggningen kunde inte slutföras" in response.text
    assert "pp_session" not in response.cookies
    assert "Logga in" in (await browser.get("/")).text


async def test_an_unknown_state_is_refused_before_the_provider_is_asked(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await flow.start_login(browser)

    response = await browser.get("/auth/callback", params={"state": "made-up", "code": "abc"})

    await assert_refused(response, browser)
    assert provider.token_requests == 0
    assert await audit_actions(db) == [
        ("login_refused", {"reason": "unknown or already used state"})
    ]


async def test_a_missing_state_is_refused(browser: httpx.AsyncClient) -> None:
    await assert_refused(await browser.get("/auth/callback", params={"code": "abc"}), browser)


async def test_a_replayed_callback_is_refused(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    callback = await flow.at_provider(await flow.start_login(browser), "alice-sub")
    assert (await browser.get(callback)).status_code == 303
    await browser.post("/auth/logout", data={"csrf_token": await _csrf(browser, db)})

    response = await browser.get(callback)

    await assert_refused(response, browser)
    assert provider.token_requests == 1
    assert await session_count(db) == 0


async def test_a_callback_in_another_browser_is_refused(
    browser: httpx.AsyncClient, login_app: Starlette, provider: ProviderControl
) -> None:
    callback = await flow.at_provider(await flow.start_login(browser), "alice-sub")
    transport = httpx.ASGITransport(app=login_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as other:
        response = await other.get(callback)

        await assert_refused(response, other)
    assert provider.token_requests == 0


async def test_a_login_cancelled_at_the_provider_is_refused_politely(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    callback = await flow.at_provider(await flow.start_login(browser), deny=True)

    response = await browser.get(callback)

    await assert_refused(response, browser)
    assert "Försök att logga in igen" in response.text
    [(action, details)] = await audit_actions(db)
    assert action == "login_refused"
    assert "access_denied" in str(details["reason"])


async def test_an_expired_login_attempt_is_refused(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    callback = await flow.at_provider(await flow.start_login(browser), "alice-sub")
    await db.execute(sa.update(LoginAttempt).values(created_at=clock.now() - timedelta(minutes=11)))
    await db.commit()

    await assert_refused(await browser.get(callback), browser)


@pytest.mark.parametrize(
    ("tamper", "reason_part"),
    [
        pytest.param(lambda c: c.update(aud="another-client"), "aud", id="another-audience"),
        pytest.param(
            lambda c: c.update(aud="another-client", azp="portal-test"),
            "aud",
            id="another-audience-naming-us-as-azp",
        ),
        pytest.param(lambda c: c.pop("exp"), "exp", id="no-expiry"),
        pytest.param(
            # The token's times are checked by Authlib against the system's clock.
            lambda c: c.update(exp=int(time.time()) - 600, iat=int(time.time()) - 1200),  # noqa: TID251
            "expired",
            id="expired",
        ),
        pytest.param(lambda c: c.update(nonce="not-the-nonce"), "nonce", id="wrong-nonce"),
        pytest.param(lambda c: c.update(iss="https://evil.example"), "iss", id="another-issuer"),
        pytest.param(lambda c: c.pop("nonce"), "nonce", id="no-nonce"),
    ],
)
async def test_an_invalid_id_token_is_refused(
    browser: httpx.AsyncClient,
    provider: ProviderControl,
    db: AsyncSession,
    tamper: object,
    reason_part: str,
) -> None:
    provider.tamper_id_token = tamper  # type: ignore[assignment]

    response = await flow.log_in(browser, "alice-sub")

    await assert_refused(response, browser)
    assert await people(db) == []
    [(action, details)] = await audit_actions(db)
    assert action == "login_refused"
    assert reason_part in str(details["reason"]).lower()


async def test_an_id_token_signed_with_an_unpublished_key_is_refused(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    provider.sign_with_foreign_key = True

    await assert_refused(await flow.log_in(browser, "alice-sub"), browser)
    assert await people(db) == []


async def test_a_discovery_document_naming_another_issuer_stops_the_login(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    provider.tamper_discovery = lambda d: d.update(issuer="https://evil.example")

    response = await browser.get("/auth/login")

    assert response.status_code == 503
    assert "Inloggningen är inte tillgänglig" in response.text
    assert await db.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0


async def test_an_unreachable_provider_gives_a_swedish_503(
    settings: Settings, unused_port: int
) -> None:
    app = create_app(replace(settings, oidc_issuer=f"http://127.0.0.1:{unused_port}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
        response = await browser.get("/auth/login")
    await app.state.portal.engine.dispose()

    assert response.status_code == 503
    assert "Inloggningstjänsten svarar inte just nu" in response.text
    assert "Traceback" not in response.text


async def test_a_deactivated_person_cannot_log_in(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    await db.execute(sa.update(Person).values(is_active=False))
    await db.commit()

    assert "Logga in" in (await browser.get("/")).text  # the running session died with it
    await assert_refused(await flow.log_in(browser, "alice-sub"), browser)


async def test_only_local_paths_are_followed_after_login(browser: httpx.AsyncClient) -> None:
    response = await flow.log_in(browser, "alice-sub", next_path="//evil.example/x")

    assert response.headers["location"] == "/"


async def test_starting_logins_is_rate_limited(browser: httpx.AsyncClient) -> None:
    for _ in range(20):
        assert (await browser.get("/auth/login")).status_code == 302

    response = await browser.get("/auth/login")

    assert response.status_code == 429
    assert "För många försök" in response.text
    assert int(response.headers["retry-after"]) >= 1


# --- logout ------------------------------------------------------------------------------


async def _csrf(browser: httpx.AsyncClient, db: AsyncSession) -> str:
    await db.rollback()
    token: str | None = await db.scalar(sa.select(col(LoginSession.csrf_token)))
    assert token
    return token


async def test_logout_ends_the_session_and_logs_out_at_the_provider(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")
    old_cookie = browser.cookies.get("pp_session")
    id_token = await db.scalar(sa.select(col(LoginSession.id_token)))

    response = await browser.post("/auth/logout", data={"csrf_token": await _csrf(browser, db)})

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == provider.issuer
    assert location.path == "/oauth2/end_session"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == [f"{BASE_URL}/"]
    assert query["id_token_hint"] == [id_token]
    assert await session_count(db) == 0
    assert [a for a, _ in await audit_actions(db)] == ["login", "logout"]
    browser.cookies.set("pp_session", old_cookie or "")
    assert "Logga in" in (await browser.get("/")).text  # the old cookie opens nothing


async def test_logout_without_the_csrf_token_is_refused(
    browser: httpx.AsyncClient, db: AsyncSession
) -> None:
    await flow.log_in(browser, "alice-sub")

    response = await browser.post("/auth/logout", data={})

    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.text
    assert await session_count(db) == 1


async def test_logout_returns_home_when_the_provider_has_no_end_session_endpoint(
    browser: httpx.AsyncClient, provider: ProviderControl, db: AsyncSession
) -> None:
    provider.tamper_discovery = lambda d: d.pop("end_session_endpoint")
    await flow.log_in(browser, "alice-sub")

    response = await browser.post("/auth/logout", data={"csrf_token": await _csrf(browser, db)})

    assert response.headers["location"] == f"{BASE_URL}/"


async def test_an_https_portal_uses_a_secure_host_only_cookie(
    login_settings: Settings,
) -> None:
    settings = replace(login_settings, base_url="https://partner.botkyrka.example")
    settings = replace(settings, allowed_hosts=("partner.botkyrka.example",))
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://partner.botkyrka.example"
    ) as browser:
        response = await flow.log_in(browser, "alice-sub")
    await app.state.portal.engine.dispose()

    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("__Host-pp_session=")
    for attribute in ("HttpOnly", "Secure", "Path=/", "SameSite=lax"):
        assert attribute in set_cookie
    assert "Domain" not in set_cookie
    assert "Max-Age" not in set_cookie.split(", pp_login")[0]  # ends with the browser session
