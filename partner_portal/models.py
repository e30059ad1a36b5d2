"""Every table, imported in one place so Alembic and tests see the whole schema."""

from partner_portal.audit.models import AuditEvent
from partner_portal.auth.models import LoginAttempt, LoginSession, Person, RoleGrant
from partner_portal.mail.models import OutboxMessage

__all__ = ["AuditEvent", "LoginAttempt", "LoginSession", "OutboxMessage", "Person", "RoleGrant"]
