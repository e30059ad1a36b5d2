"""Which rooms a person sees through their organisations, as a subquery other features' reads
build on (meetings and actions of a room are seen by the room's people)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.organisations.acting import organisation_ids_of
from partner_portal.rooms.models import Participation
from partner_portal.rooms.queries import VISIBLE


def my_room_ids(person_id: int) -> Any:
    """The rooms the person's organisations are invited to or take part in, as a subquery."""
    return sa.select(col(Participation.room_id)).where(
        col(Participation.organisation_id).in_(organisation_ids_of(person_id)),
        col(Participation.status).in_(VISIBLE),
    )
