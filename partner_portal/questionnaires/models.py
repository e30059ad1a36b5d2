"""One organisation's answers to a questionnaire item: one answer set per progress row.

The answers are a JSON object from question key (``key`` or, for a question asked per vital
service, ``key@service_id``) to the answer: a string, or a list of strings for several choices.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime


class QuestionnaireAnswers(SQLModel, table=True):
    __tablename__ = "questionnaire_answers"
    # One per progress row; the unique constraint also serves as the index on progress_id.
    __table_args__ = (sa.UniqueConstraint("progress_id"),)

    id: int | None = Field(default=None, primary_key=True)
    progress_id: int = Field(foreign_key="item_progress.id")
    room_id: int = Field(foreign_key="room.id", index=True)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="person.id")
