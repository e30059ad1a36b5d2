"""Every table, imported in one place so Alembic and tests see the whole schema."""

from partner_portal.audit.models import AuditEvent
from partner_portal.auth.models import LoginAttempt, LoginSession, Person, RoleGrant

__all__ = ["AuditEvent", "LoginAttempt", "LoginSession", "Person", "RoleGrant"]
