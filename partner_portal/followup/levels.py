"""From evidence to a participation level: the rules, as pure functions.

For one organisation in one planning process within a period, the facts are aggregated in the
database (partner_portal.followup.queries); here they become a level, in this order:
completed > contributed > active > accepted > declined > invited > not invited.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from partner_portal.evidence.models import EvidenceKind

K = EvidenceKind

INVITED_KINDS = frozenset({K.ROOM_INVITED})
ACCEPTED_KINDS = frozenset({K.ROOM_ACCEPTED})
DECLINED_KINDS = frozenset({K.ROOM_DECLINED})
WITHDRAWN_KINDS = frozenset({K.ROOM_WITHDRAWN})
# Taking part in the dialogue without handing anything in (comments, meetings attended …).
ACTIVE_KINDS: frozenset[EvidenceKind] = frozenset(
    k
    for k in K
    if k.value
    in {
        "comment_made",
        "meeting_attended",
        "rsvp_given",
        "action_completed",
        "file_uploaded",
        "pack_downloaded",  # the offline crisis pack (partner_portal.crisispack)
    }
)
CONTRIBUTED_KINDS = frozenset(
    k for k in K if k.value in {"item_submitted", "statement_submitted", "callout_held"}
)
COMPLETED_KINDS = frozenset({K.ROOM_COMPLETED})


class Level(enum.StrEnum):
    NOT_INVITED = "not_invited"
    INVITED = "invited"
    DECLINED = "declined"  # said no, or left, without having handed anything in
    ACCEPTED = "accepted"
    ACTIVE = "active"
    CONTRIBUTED = "contributed"
    COMPLETED = "completed"

    @property
    def took_part(self) -> bool:
        return self in (Level.ACCEPTED, Level.ACTIVE, Level.CONTRIBUTED, Level.COMPLETED)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the evidence says about one organisation in one process, in the period."""

    invited_at: datetime | None = None
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    withdrawn_at: datetime | None = None
    active: int = 0
    contributed: int = 0
    completed: int = 0
    late: int = 0
    evidence: int = 0


NO_FACTS = Facts()


def level(facts: Facts) -> Level:
    if facts.completed:
        return Level.COMPLETED
    if facts.contributed:
        return Level.CONTRIBUTED
    if facts.active:
        return Level.ACTIVE
    said_no = max(
        (t for t in (facts.declined_at, facts.withdrawn_at) if t is not None), default=None
    )
    if facts.accepted_at is not None and (said_no is None or facts.accepted_at > said_no):
        return Level.ACCEPTED
    if said_no is not None:
        return Level.DECLINED
    if facts.invited_at is not None:
        return Level.INVITED
    return Level.NOT_INVITED
