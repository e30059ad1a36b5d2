"""Test helpers that are not fixtures: personas, direct sessions, CSRF tokens."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.auth import sessions
from partner_portal.auth.models import Person, PortalRole, RoleGrant
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.settings import Settings

BASE_URL = "http://127.0.0.1:8000"


@dataclass
class Persona:
    id: int
    name: str
    email: str


async def make_person(
    db: AsyncSession,
    name: str,
    *,
    email: str | None = None,
    roles: tuple[PortalRole, ...] = (),
    issuer: str = "https://login.example",
    active: bool = True,
) -> Persona:
    email = email or f"{name.split()[0].lower()}@example.se"
    person = Person(
        oidc_issuer=issuer,
        oidc_subject=f"sub-{uuid.uuid4().hex[:8]}",
        name=name,
        email=email,
        email_verified=True,
        is_active=active,
    )
    db.add(person)
    await db.flush()
    assert person.id is not None
    for role in roles:
        db.add(RoleGrant(role=role, email=email, person_id=person.id))
    await db.commit()
    return Persona(person.id, name, email)


async def log_in(client: httpx.AsyncClient, app: Starlette, persona: Persona) -> str:
    """Start a session directly (login itself is tested through a real provider elsewhere)."""
    settings: Settings = app.state.portal.settings
    async with app.state.portal.sessions() as db:
        token = await sessions.create(db, person_id=persona.id, id_token=None, settings=settings)
        await db.commit()
    # The same domain the portal's own Set-Cookie gets, so the two never sit side by side.
    host = urlsplit(settings.base_url).hostname or ""
    client.cookies.set(sessions.cookie_name(settings), token, domain=host)
    return token


async def csrf_token(client: httpx.AsyncClient, app: Starlette) -> str:
    settings: Settings = app.state.portal.settings
    token = client.cookies.get(sessions.cookie_name(settings))
    assert token
    async with app.state.portal.sessions() as db:
        active = await sessions.load(db, token, settings)
    assert active is not None
    return active.csrf_token


def as_current(persona: Persona, *, coordinator: bool = False) -> CurrentPerson:
    """The persona as the services see a logged-in person."""
    roles = frozenset({PortalRole.COORDINATOR}) if coordinator else frozenset()
    return CurrentPerson(persona.id, persona.name, persona.email, roles)


def assert_error_links_resolve(html: str) -> None:
    """Every link in an error summary goes to a control that is on the page."""
    targets = re.findall(r'<li><a href="#([^"]+)">', html.split("portal-error-summary", 1)[-1])
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert targets, "no error summary links"
    assert set(targets) <= ids, f"error summary links to missing ids: {set(targets) - ids}"
