"""API tokens for the follow-up API: the table, issuing, revoking, and checking a presented token.

A token is ``pp_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored, so the database never holds a usable token; the prefix lets people and secret scanners
recognise a leaked one. A token works only while it is not revoked, its person is active, and the
person still holds the follow-up reader (or coordinator) role: taking the role away, or
deactivating the person, stops every token of theirs without anyone having to remember them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import Field, SQLModel, col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.models import Person, PortalRole, RoleGrant
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform import clock, links
from partner_portal.platform.db import UTCDateTime
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _

TOKEN_PREFIX = "pp_"  # noqa: S105 (a prefix that marks our tokens, not a secret)
# links.new_token() gives 43 characters of [A-Za-z0-9_-].
TOKEN_PATTERN = re.compile(r"pp_[A-Za-z0-9_-]{43}")
NAME_MAX_LENGTH = 100
# The roles that may read the follow-up; a token stops working when its person holds neither.
FOLLOWUP_ROLES = (PortalRole.FOLLOWUP_READER, PortalRole.COORDINATOR)
# Writing last_used_at on every call would turn every read into a write.
_TOUCH_INTERVAL = timedelta(seconds=60)


class ApiToken(SQLModel, table=True):
    """A follow-up reader's token for the reporting tools; revoked, never deleted (the list shows
    what was issued to whom, and the audit log refers to it)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=NAME_MAX_LENGTH)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_by: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by: int | None = Field(default=None, foreign_key="person.id")


@dataclass(frozen=True, slots=True)
class ApiReader:
    """Who an accepted token belongs to."""

    token_id: int
    person_id: int
    person_name: str


@dataclass(frozen=True, slots=True)
class Reader:
    """A follow-up reader a token may be issued to."""

    id: int
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class TokenRow:
    id: int
    name: str
    person_name: str
    person_email: str | None
    created_at: datetime
    created_by_name: str
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by_name: str | None
    works: bool  # not revoked, and its person is active and may still read the follow-up


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token, the only time it exists in plain text: shown once, never stored."""

    id: int
    name: str
    person_name: str
    token: str


def new_token() -> str:
    return TOKEN_PREFIX + links.new_token()


def contains_token(text: str) -> bool:
    """Whether ``text`` holds something shaped like an API token (e.g. in a query string)."""
    return TOKEN_PATTERN.search(text) is not None


def _holds_followup_role(person_id: Any) -> Any:
    return (
        sa.select(col(RoleGrant.id))
        .where(col(RoleGrant.person_id) == person_id, col(RoleGrant.role).in_(FOLLOWUP_ROLES))
        .exists()
    )


async def readers(db: AsyncSession, *, person_id: int | None = None) -> list[Reader]:
    """Active people with the follow-up reader role, by name: whom a token may be issued to
    (``person_id``: only that person, if they are one)."""
    query = (
        sa.select(col(Person.id), col(Person.name), col(Person.email))
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(
            col(RoleGrant.role) == PortalRole.FOLLOWUP_READER,
            col(Person.is_active).is_(True),
        )
        .order_by(col(Person.name), col(Person.id))
    )
    if person_id is not None:
        query = query.where(col(Person.id) == person_id)
    return [Reader(id=r.id, name=r.name, email=r.email) for r in await db.execute(query)]


async def tokens(db: AsyncSession) -> list[TokenRow]:
    """Every token, working ones first, newest first; one query."""
    holder = aliased(Person)
    creator = aliased(Person)
    revoker = aliased(Person)
    works = sa.and_(
        col(ApiToken.revoked_at).is_(None),
        col(holder.is_active).is_(True),
        _holds_followup_role(col(ApiToken.person_id)),
    )
    rows: Any = await db.execute(
        sa.select(
            col(ApiToken.id),
            col(ApiToken.name),
            col(holder.name).label("person_name"),
            col(holder.email).label("person_email"),
            col(ApiToken.created_at),
            col(creator.name).label("created_by_name"),
            col(ApiToken.last_used_at),
            col(ApiToken.revoked_at),
            col(revoker.name).label("revoked_by_name"),
            works.label("works"),
        )
        .join(holder, col(holder.id) == col(ApiToken.person_id))
        .join(creator, col(creator.id) == col(ApiToken.created_by))
        .outerjoin(revoker, col(revoker.id) == col(ApiToken.revoked_by))
        .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.id).desc())
    )
    return [TokenRow(**{**row._mapping, "works": bool(row.works)}) for row in rows]


async def issue(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    person_id: int | None,
    name: str,
    ip_address: str | None = None,
) -> IssuedToken:
    """Issue a token to an active follow-up reader. Only coordinators may.

    Side effects: an ``api_token`` row holding the token's hash (never the token), and
    ``api_token_issued`` audited with the token's name and person (never the token). Commits.
    Returns the token in plain text, for showing it once.
    """
    if not actor.is_coordinator:
        raise NotFound()
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Ge nyckeln ett namn, till exempel rapportverktygets namn.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("Namnet får vara högst 100 tecken.")
    found = await readers(db, person_id=person_id) if person_id is not None else []
    reader = found[0] if found else None
    if reader is None:
        errors["person"] = _("Välj en läsare för uppföljning.")
    if errors:
        raise Invalid(errors)
    assert reader is not None
    token = new_token()
    row = ApiToken(
        token_hash=links.digest(token), name=name, person_id=reader.id, created_by=actor.id
    )
    db.add(row)
    await db.flush()
    record(
        db,
        AuditAction.API_TOKEN_ISSUED,
        actor_id=actor.id,
        object_type="api_token",
        object_id=row.id,
        ip_address=ip_address,
        name=name,
        person_id=reader.id,
    )
    await db.commit()
    assert row.id is not None
    return IssuedToken(id=row.id, name=name, person_name=reader.name, token=token)


async def token_to_revoke(
    db: AsyncSession, *, actor: CurrentPerson, token_id: int
) -> ApiToken | None:
    """The token, while it can still be revoked (None once it is); NotFound for anyone but a
    coordinator or for an unknown token."""
    if not actor.is_coordinator:
        raise NotFound()
    row = await db.get(ApiToken, token_id)
    if row is None:
        raise NotFound()
    return None if row.revoked_at is not None else row


async def revoke(
    db: AsyncSession, *, actor: CurrentPerson, token_id: int, ip_address: str | None = None
) -> None:
    """Revoke a token for good. Only coordinators may; revoking a revoked token changes nothing.

    Side effects: ``revoked_at``/``revoked_by`` set and ``api_token_revoked`` audited, in one
    transaction. Commits.
    """
    if not actor.is_coordinator:
        raise NotFound()
    row = await db.get(ApiToken, token_id)
    if row is None:
        raise NotFound()
    # Conditional, so two coordinators revoking at once write (and audit) it once.
    result = await db.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.id) == token_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=clock.now(), revoked_by=actor.id)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        record(
            db,
            AuditAction.API_TOKEN_REVOKED,
            actor_id=actor.id,
            object_type="api_token",
            object_id=token_id,
            ip_address=ip_address,
            name=row.name,
            person_id=row.person_id,
        )
    await db.commit()


async def authenticate(
    db: AsyncSession, token: str, *, now: datetime | None = None
) -> ApiReader | None:
    """The reader a presented token belongs to, or None when it does not work (unknown, revoked,
    person deactivated or without the follow-up role).

    Side effect: ``last_used_at`` is written when it is more than a minute old. Commits.
    """
    if TOKEN_PATTERN.fullmatch(token) is None:
        return None  # not even shaped like one of ours: no need to ask the database
    now = now or clock.now()
    row: Any = (
        await db.execute(
            sa.select(
                col(ApiToken.id),
                col(ApiToken.person_id),
                col(ApiToken.last_used_at),
                col(Person.name),
            )
            .join(Person, col(Person.id) == col(ApiToken.person_id))
            .where(
                links.matching(col(ApiToken.token_hash), token),
                col(ApiToken.revoked_at).is_(None),
                col(Person.is_active).is_(True),
                _holds_followup_role(col(ApiToken.person_id)),
            )
        )
    ).one_or_none()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= _TOUCH_INTERVAL:
        await db.execute(
            sa.update(ApiToken).where(col(ApiToken.id) == row.id).values(last_used_at=now)
        )
    await db.commit()
    return ApiReader(token_id=row.id, person_id=row.person_id, person_name=row.name)
