"""People, login sessions, portal roles and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)

_PG_APPEND_ONLY = (
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event is append-only';
    END;
    $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("oidc_issuer", sa.String(255), nullable=False),
        sa.Column("oidc_subject", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("email_verified", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_login_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
        sa.UniqueConstraint(
            "oidc_issuer", "oidc_subject", name="uq_person_oidc_issuer_oidc_subject"
        ),
    )
    op.create_index("ix_person_email", "person", ["email"])

    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_role_grant_person_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_role_grant"),
        sa.UniqueConstraint("role", "email", name="uq_role_grant_role_email"),
        sa.UniqueConstraint("role", "person_id", name="uq_role_grant_role_person_id"),
    )
    op.create_index("ix_role_grant_email", "role_grant", ["email"])
    op.create_index("ix_role_grant_person_id", "role_grant", ["person_id"])

    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("id_token", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_login_session_person_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_login_session"),
        sa.UniqueConstraint("token_hash", name="uq_login_session_token_hash"),
    )
    op.create_index("ix_login_session_person_id", "login_session", ["person_id"])
    op.create_index("ix_login_session_expires_at", "login_session", ["expires_at"])

    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("browser_hash", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(128), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("return_to", sa.String(500), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempt"),
        sa.UniqueConstraint("state_hash", name="uq_login_attempt_state_hash"),
    )
    op.create_index("ix_login_attempt_created_at", "login_attempt", ["created_at"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(40), nullable=True),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("ip_address", sa.String(45), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_person_id"], ["person.id"], name="fk_audit_event_actor_person_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
    )
    op.create_index("ix_audit_event_occurred_at", "audit_event", ["occurred_at"])
    op.create_index("ix_audit_event_actor_person_id", "audit_event", ["actor_person_id"])
    op.create_index("ix_audit_event_object", "audit_event", ["object_type", "object_id"])

    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_APPEND_ONLY:
            op.execute(statement)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table("audit_event")
    op.drop_table("login_attempt")
    op.drop_table("login_session")
    op.drop_table("role_grant")
    op.drop_table("person")
