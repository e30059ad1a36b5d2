"""Each person's language (the web pages and their mail), and outbox mail by address.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="sv"))
    # The organisation register asks whether an address's latest mail failed.
    op.create_index("ix_outbox_message_to_address", "outbox_message", ["to_address"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message_to_address", "outbox_message")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("language")
