"""The OpenID Connect client: the only module that talks to Authlib.

Authorization code flow with PKCE S256, state and nonce, against any standards-compliant provider
found through discovery. What the flow needs to remember between the redirect and the callback
(state, nonce, verifier) is returned to the caller, which keeps it server-side.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any

from partner_portal.mail.addresses import usable_address
from partner_portal.platform.settings import Settings

log = logging.getLogger(__name__)
# Authlib logs the PKCE verifier at DEBUG: never let that reach a log file.
logging.getLogger("authlib").setLevel(logging.INFO)

_METADATA_MAX_AGE = 24 * 3600
_LEEWAY_SECONDS = 60


@cache
def _lib() -> Any:
    """Authlib, its HTTP client and JOSE library, imported with the first login or logout:
    some 20 MiB that a web process serving pages to people already logged in does not need."""
    import httpx2
    from authlib.integrations.base_client.errors import OAuthError
    from authlib.integrations.starlette_client import OAuth
    from joserfc.errors import JoseError

    return SimpleNamespace(
        HTTPError=httpx2.HTTPError,
        HTTPStatusError=httpx2.HTTPStatusError,
        OAuthError=OAuthError,
        OAuth=OAuth,
        JoseError=JoseError,
    )


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered with a server error."""


class ProviderMisconfigured(Exception):
    """The provider answered, but not as configured (e.g. another issuer in discovery)."""


class LoginRejected(Exception):
    """The provider's answer failed validation; ``reason`` is for the audit log, not the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True, slots=True)
class Identity:
    """Who logged in. ``name`` and ``email`` are None when the provider sent no such claim (or,
    for ``email``, sent something that is not an email address, such as a login id):
    the portal then keeps what it already knows. ``email_verified`` is whether the provider
    vouches for ``email`` — or, with PORTAL_OIDC_TRUST_EMAIL, sent no ``email_verified``."""

    issuer: str
    subject: str
    name: str | None
    email: str | None
    email_verified: bool
    id_token: str


class OidcClient:
    def __init__(self, settings: Settings) -> None:
        self.issuer = settings.oidc_issuer
        self._trust_email = settings.oidc_trust_email
        secret = str(settings.oidc_client_secret)
        self._registration: dict[str, Any] = {
            "client_id": settings.oidc_client_id,
            "client_secret": secret or None,
            "server_metadata_url": f"{self.issuer.rstrip('/')}/.well-known/openid-configuration",
            "client_kwargs": {
                "scope": settings.oidc_scopes,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_basic" if secret else "none",
                "timeout": 10.0,
            },
        }
        self._registered: Any = None

        # OIDC Core 3.1.3.7: iss must be the issuer, aud must contain our client id (Authlib on
        # its own only insists on azp when aud differs), exp and iat must be there.
        self._claims = {
            "iss": {"essential": True, "values": [self.issuer]},
            "aud": {"essential": True, "values": [settings.oidc_client_id]},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
        }

    @property
    def _app(self) -> Any:
        """Authlib's client for the provider, made on first use (see _lib)."""
        if self._registered is None:
            self._registered = _lib().OAuth().register("portal", **self._registration)
        return self._registered

    async def metadata(self) -> dict[str, Any]:
        """The discovery document, checked: its issuer must be exactly the configured one."""
        loaded_at = self._app.server_metadata.get("_loaded_at", 0)
        # Authlib stamps the document with the system's time.
        if time.time() - loaded_at > _METADATA_MAX_AGE:  # noqa: TID251
            self._app.server_metadata = {}
        try:
            metadata: dict[str, Any] = await self._app.load_server_metadata()
        except (_lib().HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"discovery failed: {exc!r}") from exc
        if metadata.get("issuer") != self.issuer:
            found = metadata.get("issuer")
            self._app.server_metadata = {}  # look again next time, the operator may fix it
            log.error("OIDC discovery names issuer %r, configured is %r", found, self.issuer)
            raise ProviderMisconfigured(f"discovered issuer {found!r} != {self.issuer!r}")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not metadata.get(key):
                raise ProviderMisconfigured(f"discovery document lacks {key}")
        return metadata

    async def authorization_request(self, redirect_uri: str) -> AuthorizationRequest:
        await self.metadata()
        result = await self._app.create_authorization_url(redirect_uri)
        return AuthorizationRequest(
            url=result["url"],
            state=result["state"],
            nonce=result["nonce"],
            code_verifier=result["code_verifier"],
        )

    async def complete(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> Identity:
        """Exchange the code, validate the ID token and gather the person's claims."""
        await self.metadata()
        try:
            token = await self._app.fetch_access_token(
                code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
            )
        except _lib().OAuthError as exc:
            raise LoginRejected(f"token endpoint refused: {exc.error}") from exc
        except _lib().HTTPStatusError as exc:
            if exc.response.status_code >= 500:
                raise ProviderUnavailable(f"token endpoint: {exc!r}") from exc
            raise LoginRejected(f"token endpoint answered {exc.response.status_code}") from exc
        except _lib().HTTPError as exc:
            raise ProviderUnavailable(f"token endpoint: {exc!r}") from exc
        if "id_token" not in token:
            raise LoginRejected("no id_token in the token response")
        try:
            claims: dict[str, Any] = dict(
                await self._app.parse_id_token(
                    token, nonce=nonce, leeway=_LEEWAY_SECONDS, claims_options=self._claims
                )
            )
        except (_lib().JoseError, ValueError) as exc:
            raise LoginRejected(f"ID token invalid: {exc}") from exc
        except _lib().HTTPError as exc:
            raise ProviderUnavailable(f"jwks: {exc!r}") from exc
        if claims.get("nonce") != nonce:
            raise LoginRejected("ID token nonce does not match")

        if not claims.get("email") or not _display_name(claims):
            claims = {**await self._userinfo(token, subject=claims["sub"]), **claims}
        email = usable_address(claims["email"]) if isinstance(claims.get("email"), str) else None
        if "email_verified" in claims:
            # OIDC Core 5.1 says boolean; some providers send the string "true".
            verified = claims["email_verified"] in (True, "true")
        else:
            verified = self._trust_email
        return Identity(
            issuer=self.issuer,
            subject=str(claims["sub"]),
            name=_display_name(claims)[:200] or None,
            email=email,
            email_verified=email is not None and verified,
            id_token=str(token["id_token"]),
        )

    async def _userinfo(self, token: dict[str, Any], *, subject: str) -> dict[str, Any]:
        metadata = await self.metadata()
        if not metadata.get("userinfo_endpoint"):
            return {}
        try:
            info: dict[str, Any] = dict(await self._app.userinfo(token=token))
        except _lib().HTTPError as exc:
            raise ProviderUnavailable(f"userinfo: {exc!r}") from exc
        # OIDC Core 5.3.2: the userinfo sub must equal the ID token's, or it is not used.
        if info.get("sub") != subject:
            raise LoginRejected("userinfo sub differs from the ID token's")
        return info

    async def end_session_url(self, *, id_token_hint: str | None, return_to: str) -> str | None:
        """Where to send the browser to log out at the provider too, if it offers that."""
        try:
            metadata = await self.metadata()
        except (ProviderUnavailable, ProviderMisconfigured):
            return None
        if not metadata.get("end_session_endpoint"):
            return None
        result = await self._app.create_logout_url(
            post_logout_redirect_uri=return_to,
            id_token_hint=id_token_hint,
            client_id=self._app.client_id,
        )
        return str(result["url"])


def _display_name(claims: dict[str, Any]) -> str:
    if claims.get("name"):
        return str(claims["name"]).strip()
    parts = [str(claims[k]).strip() for k in ("given_name", "family_name") if claims.get(k)]
    if parts:
        return " ".join(parts)
    return str(claims.get("preferred_username") or "").strip()
