"""Server-side login sessions: the cookie carries a random token, the database its hash.

Logout, expiry (idle and absolute) and deactivating a person all end a session on the server, so a
replayed cookie gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import LoginSession, Person, PortalRole, RoleGrant
from partner_portal.platform import clock, i18n, links
from partner_portal.platform.db import read, writing
from partner_portal.platform.settings import Settings

# Writing last_seen_at on every request would turn every page view into a write: it is noted
# at most every five minutes (so the idle limit holds to within five minutes).
_TOUCH_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class CurrentPerson:
    id: int
    name: str
    email: str | None
    roles: frozenset[PortalRole]
    # The person's stored choice of language (see i18n.LANGUAGES).
    language: str = i18n.DEFAULT_LANGUAGE

    @property
    def is_coordinator(self) -> bool:
        return PortalRole.COORDINATOR in self.roles

    @property
    def may_follow_up(self) -> bool:
        """Read the board's follow-up: follow-up readers, and coordinators."""
        return self.is_coordinator or PortalRole.FOLLOWUP_READER in self.roles


@dataclass(frozen=True, slots=True)
class ActiveSession:
    id: int
    csrf_token: str
    id_token: str | None
    person: CurrentPerson


def cookie_name(settings: Settings) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless Secure, Path=/ and host-only.
    return "__Host-pp_session" if settings.https else "pp_session"


async def create(
    db: AsyncSession, *, person_id: int, id_token: str | None, settings: Settings
) -> str:
    """Start a session for ``person_id``; returns the token for the cookie (not committed)."""
    token = links.new_token()
    now = clock.now()
    db.add(
        LoginSession(
            token_hash=links.digest(token),
            person_id=person_id,
            csrf_token=links.new_token(),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            id_token=id_token,
        )
    )
    return token


def _by_token() -> Any:
    session, person, grant = LoginSession.__table__.c, Person.__table__.c, RoleGrant.__table__.c  # type: ignore[attr-defined]
    return (
        sa.select(
            session.id,
            session.csrf_token,
            session.id_token,
            session.last_seen_at,
            session.expires_at,
            person.id.label("person_id"),
            person.name,
            person.email,
            person.is_active,
            person.language,
            grant.role,
        )
        .join_from(LoginSession.__table__, Person.__table__, person.id == session.person_id)  # type: ignore[attr-defined]
        .outerjoin(RoleGrant.__table__, grant.person_id == person.id)  # type: ignore[attr-defined]
        .where(session.token_hash == sa.bindparam("token_hash"))
    )


# Built once, of plain table columns: every request runs it first (no statement object and
# cache key to make per request, no ORM entities to set up).
_BY_TOKEN = _by_token()


async def load(
    db: AsyncSession, token: str, settings: Settings, *, now: datetime | None = None
) -> ActiveSession | None:
    """The live session for a cookie token, or None: the session, its person and their roles in
    one query. Ends a session found expired, and notes that one is still in use (at most every
    few minutes), each in a short write of its own."""
    now = now or clock.now()
    rows: Any = await read(db, _BY_TOKEN, {"token_hash": links.digest(token)})
    if not rows:
        return None
    row = rows[0]
    idle_limit = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if not row.is_active or now >= row.expires_at or now >= idle_limit:
        async with writing(db):
            await end(db, row.id)
        return None
    if now - row.last_seen_at >= _TOUCH_INTERVAL:
        async with writing(db):
            await db.execute(
                sa.update(LoginSession)
                .where(col(LoginSession.id) == row.id)
                .values(last_seen_at=now)
            )
    roles = frozenset(r.role for r in rows if r.role is not None)
    person = CurrentPerson(
        id=row.person_id,
        name=row.name,
        email=row.email,
        roles=roles,
        language=i18n.supported(row.language),
    )
    return ActiveSession(id=row.id, csrf_token=row.csrf_token, id_token=row.id_token, person=person)


async def end(db: AsyncSession, session_id: int) -> None:
    await db.execute(sa.delete(LoginSession).where(col(LoginSession.id) == session_id))


async def end_all_for(db: AsyncSession, person_id: int) -> None:
    await db.execute(sa.delete(LoginSession).where(col(LoginSession.person_id) == person_id))


async def purge_expired(
    db: AsyncSession, settings: Settings, *, now: datetime | None = None
) -> int:
    """Delete sessions past their absolute or idle limit; returns how many."""
    now = now or clock.now()
    idle_cutoff = now - timedelta(minutes=settings.session_idle_minutes)
    result = await db.execute(
        sa.delete(LoginSession).where(
            sa.or_(
                col(LoginSession.expires_at) <= now, col(LoginSession.last_seen_at) <= idle_cutoff
            )
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
