"""Logging in and out, and portal-wide roles."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth import queries, sessions
from partner_portal.auth.models import LoginAttempt, LoginSession, Person, PortalRole, RoleGrant
from partner_portal.auth.oidc import (
    Identity,
    LoginRejected,
    OidcClient,
    ProviderMisconfigured,
    ProviderUnavailable,
)
from partner_portal.mail.addresses import usable_address
from partner_portal.platform import clock, i18n, links
from partner_portal.platform.db import begin_write, writing
from partner_portal.platform.errors import BadRequest, ServiceUnavailable
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings

log = logging.getLogger(__name__)

LOGIN_ATTEMPT_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class LoginStart:
    provider_url: str
    browser_token: str


@dataclass(frozen=True, slots=True)
class LoginDone:
    session_token: str
    return_to: str


class LoginFailed(BadRequest):
    def default_title(self) -> str:
        return _("Inloggningen kunde inte slutföras")

    def default_message(self) -> str:
        return _(
            "Inloggningen blev inte klar, till exempel för att den tog för lång tid, "
            "avbröts eller redan hade använts. Försök att logga in igen."
        )


def _provider_down() -> ServiceUnavailable:
    return ServiceUnavailable(
        _(
            "Inloggningstjänsten svarar inte just nu, så det går inte att logga in. "
            "Försök igen om en stund. Om felet består, kontakta Botkyrka kommuns kontaktcenter."
        ),
        title=_("Inloggningen är inte tillgänglig"),
    )


def safe_return_to(value: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 32 for c in value) or len(value) > 500:
        return "/"
    return value


async def begin_login(
    db: AsyncSession,
    oidc: OidcClient | None,
    settings: Settings,
    *,
    return_to: str | None,
    browser_token: str | None,
) -> LoginStart:
    """Start the round-trip to the provider.

    Side effects: one ``login_attempt`` row (state and verifier stored hashed or server-side),
    committed. Raises ServiceUnavailable when the provider cannot be reached.
    """
    if oidc is None:
        raise _provider_down()
    try:
        request = await oidc.authorization_request(settings.redirect_uri)
    except (ProviderUnavailable, ProviderMisconfigured) as exc:
        log.warning("login not started: %s", exc)
        raise _provider_down() from exc
    browser_token = browser_token or links.new_token()
    async with writing(db):
        db.add(
            LoginAttempt(
                state_hash=links.digest(request.state),
                browser_hash=links.digest(browser_token),
                nonce=request.nonce,
                code_verifier=request.code_verifier,
                return_to=safe_return_to(return_to),
            )
        )
    return LoginStart(provider_url=request.url, browser_token=browser_token)


async def complete_login(
    db: AsyncSession,
    oidc: OidcClient | None,
    settings: Settings,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
    browser_token: str | None,
    previous_session_token: str | None,
    ip_address: str | None,
) -> LoginDone:
    """Finish the round-trip: validate everything, then start a fresh session.

    Side effects: the login attempt is consumed (even when the login then fails); the person is
    found or created by (issuer, subject) and their name and email refreshed; role grants waiting
    for their verified email are claimed; any previous session of this browser ends; a new
    session starts; ``login`` or ``login_refused`` goes to the audit log. Commits.
    """
    if oidc is None:
        raise _provider_down()
    attempt = None
    if state:
        async with writing(db):  # used once, whatever happens next
            attempt = (
                await db.execute(
                    sa.delete(LoginAttempt)
                    .where(col(LoginAttempt.state_hash) == links.digest(state))
                    .returning(
                        col(LoginAttempt.browser_hash),
                        col(LoginAttempt.nonce),
                        col(LoginAttempt.code_verifier),
                        col(LoginAttempt.return_to),
                        col(LoginAttempt.created_at),
                    )
                )
            ).one_or_none()

    async def refuse(reason: str) -> LoginFailed:
        async with writing(db):
            record(
                db, AuditAction.LOGIN_REFUSED, actor_id=None, ip_address=ip_address, reason=reason
            )
        return LoginFailed()

    if error:  # e.g. the person cancelled at the provider (which may not echo the state)
        raise await refuse(f"provider returned error {error[:100]!r}")
    if attempt is None:
        raise await refuse("unknown or already used state")
    if not browser_token or not hmac.compare_digest(
        attempt.browser_hash, links.digest(browser_token)
    ):
        raise await refuse("state belongs to another browser")
    if clock.now() - attempt.created_at > LOGIN_ATTEMPT_MAX_AGE:
        raise await refuse("login attempt expired")
    if not code:
        raise await refuse("no code")
    try:
        identity = await oidc.complete(
            code=code,
            redirect_uri=settings.redirect_uri,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
        )
    except LoginRejected as exc:
        raise await refuse(exc.reason) from exc
    except (ProviderUnavailable, ProviderMisconfigured) as exc:
        log.warning("login not completed: %s", exc)
        raise _provider_down() from exc

    await begin_write(db)  # the provider has answered: from here on, the login is written
    person = await _find_or_create_person(db, identity)
    assert person.id is not None
    if not person.is_active:
        raise await refuse(f"person {person.id} is deactivated")
    await _claim_role_grants(db, person)
    if previous_session_token:
        await db.execute(
            sa.delete(LoginSession).where(
                col(LoginSession.token_hash) == links.digest(previous_session_token)
            )
        )
    token = await sessions.create(
        db, person_id=person.id, id_token=identity.id_token, settings=settings
    )
    record(db, AuditAction.LOGIN, actor_id=person.id, ip_address=ip_address)
    await db.commit()
    return LoginDone(session_token=token, return_to=attempt.return_to)


async def _find_or_create_person(db: AsyncSession, identity: Identity) -> Person:
    """A claim the provider did not send (or an ``email`` that is not an address) leaves what
    is stored as it was: a login never turns a person's name or address into their login id."""
    person = await queries.person_by_subject(db, identity.issuer, identity.subject)
    if person is None:
        person = Person(oidc_issuer=identity.issuer, oidc_subject=identity.subject, name="")
    if identity.name:
        person.name = identity.name
    elif not person.name:  # someone new, with nothing else to go by
        person.name = (identity.email or identity.subject)[:200]
    if identity.email:
        person.email = identity.email
        person.email_verified = identity.email_verified
    elif person.email and not usable_address(person.email):
        # Stored before logins were checked: never an address, so never one to mail.
        person.email, person.email_verified = None, False
    person.last_login_at = clock.now()
    db.add(person)
    await db.flush()
    return person


async def _claim_role_grants(db: AsyncSession, person: Person) -> None:
    """Roles granted to an email go to the first person who logs in with it, verified."""
    if not person.email or not person.email_verified:
        return
    assert person.id is not None
    for grant in await queries.pending_grants_for_email(db, person.email):
        if person.id in await queries.role_holders(db, grant.role, [person.id]):
            continue
        grant.person_id = person.id
        record(
            db,
            AuditAction.ROLE_GRANTED,
            actor_id=person.id,
            object_type="person",
            object_id=person.id,
            role=grant.role.value,
            via="email",
        )


async def logout(
    db: AsyncSession,
    oidc: OidcClient | None,
    settings: Settings,
    *,
    session: sessions.ActiveSession,
    ip_address: str | None,
) -> str:
    """End the session on the server; returns where the browser goes next.

    Side effects: the session row is deleted and ``logout`` audited (committed). Where the
    provider has an end-session endpoint, the browser is sent there to log out of it too.
    """
    await sessions.end(db, session.id)
    record(db, AuditAction.LOGOUT, actor_id=session.person.id, ip_address=ip_address)
    await db.commit()
    home = settings.absolute_url("/")
    if oidc is None:
        return home
    return await oidc.end_session_url(id_token_hint=session.id_token, return_to=home) or home


async def grant_role_by_email(
    db: AsyncSession, role: PortalRole, email: str, *, actor_id: int | None = None
) -> list[int]:
    """Grant ``role`` to whoever logs in with this verified email (now, if they already have).

    Returns the ids of people who got the role at once. Side effects: a ``role_grant`` row
    (unless one exists), ``role_granted`` audit events. Commits.
    """
    email = email.strip().lower()
    existing = (
        await db.scalars(
            sa.select(RoleGrant).where(col(RoleGrant.role) == role, col(RoleGrant.email) == email)
        )
    ).one_or_none()
    people = await queries.verified_people_with_email(db, email)
    holders = await queries.role_holders(db, role, people)
    granted: list[int] = []
    grant = existing or RoleGrant(role=role, email=email)
    db.add(grant)
    for person_id in people:
        if person_id in holders:
            continue
        if grant.person_id is None:
            grant.person_id = person_id
        else:
            db.add(RoleGrant(role=role, person_id=person_id))
        granted.append(person_id)
        record(
            db,
            AuditAction.ROLE_GRANTED,
            actor_id=actor_id,
            object_type="person",
            object_id=person_id,
            role=role.value,
            via="command line" if actor_id is None else "portal",
        )
    if not people:
        record(db, AuditAction.ROLE_GRANTED, actor_id=actor_id, role=role.value, email=email)
    await db.commit()
    return granted


def language_choice(value: str | None) -> str:
    """``value`` if it is a language the portal speaks; else BadRequest, in words."""
    if value not in i18n.LANGUAGES:
        raise BadRequest(_("Det språket finns inte i portalen. Välj svenska eller engelska."))
    return value


async def set_language(db: AsyncSession, person_id: int, language: str) -> None:
    """Store the language a person reads (their pages and their mail). Side effects: the
    person's ``language``, in a short write of its own (also from a GET: the language link).
    Commits."""
    chosen = language_choice(language)
    async with writing(db):
        await db.execute(
            sa.update(Person).where(col(Person.id) == person_id).values(language=chosen)
        )
