"""People, their login sessions and portal-wide roles."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class PortalRole(enum.StrEnum):
    COORDINATOR = "coordinator"
    FOLLOWUP_READER = "followup_reader"


class Person(SQLModel, table=True):
    """Someone who has logged in, identified by (issuer, subject) — never by email alone."""

    __tablename__ = "person"
    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    oidc_issuer: str = Field(max_length=255)
    oidc_subject: str = Field(max_length=255)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    email_verified: bool = False
    is_active: bool = True
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The language the person reads: the web pages (when no cookie says otherwise) and their
    # mail. One of i18n.LANGUAGES.
    language: str = Field(default="sv", max_length=8)


class RoleGrant(SQLModel, table=True):
    """A portal-wide role, granted to a person or waiting for whoever logs in with the email."""

    __tablename__ = "role_grant"
    __table_args__ = (
        sa.UniqueConstraint("role", "email"),
        sa.UniqueConstraint("role", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    role: PortalRole = Field(sa_type=enum_column_type(PortalRole))
    email: str | None = Field(default=None, max_length=320, index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    granted_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """A server-side session; the browser holds only a random token whose hash is stored here."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # Kept server-side only, as the id_token_hint for the provider's end-session endpoint.
    id_token: str | None = Field(default=None, sa_type=sa.Text)


class LoginAttempt(SQLModel, table=True):
    """One login round-trip: state, nonce and PKCE verifier, bound to the browser, used once."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    browser_hash: str = Field(max_length=64)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    return_to: str = Field(max_length=500, default="/")
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
