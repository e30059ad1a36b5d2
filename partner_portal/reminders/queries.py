"""Reads of the sent-markers that other features join into their own queries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.reminders.models import ReminderSent


def last_in_room(organisation_id: Any, room_id: Any) -> Any:
    """When the organisation was last reminded of anything in the room, as a scalar subquery
    (a correlated column: no extra statement for the page that shows it)."""
    return (
        sa.select(sa.func.max(col(ReminderSent.sent_at)))
        .where(
            col(ReminderSent.organisation_id) == organisation_id,
            col(ReminderSent.room_id) == room_id,
        )
        .scalar_subquery()
    )
