"""One reader's digest, picked out of a batch's reads: only what concerns them (their
organisations, the rooms those take part in, threads they wrote in), newer than their last
digest, grouped by process and room. Pure: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from partner_portal.digests.queries import (
    ActionDue,
    AskedRemiss,
    MeetingAhead,
    NewVersion,
    Reach,
    Reader,
    Reply,
    Returned,
)
from partner_portal.evidence.models import Process
from partner_portal.mail.preference_models import DigestFrequency
from partner_portal.platform.clock import swedish_date

T = TypeVar("T")

PERIOD_DAYS = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7}


@dataclass(frozen=True, slots=True)
class Window:
    """What a reader's digest covers: changes after ``since``, and what lies ahead from
    ``now`` for the ``days`` of their period."""

    since: datetime
    now: datetime
    days: int

    @property
    def today(self) -> date:
        return swedish_date(self.now)

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=self.days)

    @property
    def until(self) -> datetime:
        return self.now + timedelta(days=self.days)


def window(reader: Reader, now: datetime) -> Window:
    days = PERIOD_DAYS.get(reader.frequency, 7)
    since = reader.last_covered or now - timedelta(days=days)
    return Window(since=since, now=now, days=days)


@dataclass(slots=True)
class Group:
    """The part of a digest about one room (``room_id`` None: meetings and actions outside
    any room)."""

    room_id: int | None
    room_name: str | None
    process: Process | None
    versions: list[NewVersion] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    remisser: list[AskedRemiss] = field(default_factory=list)
    meetings: list[MeetingAhead] = field(default_factory=list)
    actions: list[ActionDue] = field(default_factory=list)
    returned: list[Returned] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.versions
            or self.replies
            or self.remisser
            or self.meetings
            or self.actions
            or self.returned
        )


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch's reads (queries.py), from the earliest point any of its readers needs."""

    reach: list[Reach]
    versions: list[NewVersion]
    replies: list[Reply]
    participants: set[tuple[int, int]]
    remisser: list[AskedRemiss]
    meetings: list[MeetingAhead]
    actions: list[ActionDue]
    returned: list[Returned]


class Picker:
    """Indexes a batch once (by room and by organisation), then gives each reader their groups
    from what is indexed under their rooms and organisations only."""

    def __init__(self, batch: Batch) -> None:
        self.participants = batch.participants
        self.organisations: dict[int, set[int]] = defaultdict(set)
        self.rooms: dict[int, dict[int, tuple[str, Process]]] = defaultdict(dict)
        for r in batch.reach:
            self.organisations[r.person_id].add(r.organisation_id)
            if r.room_id is not None and r.room_name is not None and r.process is not None:
                self.rooms[r.person_id][r.room_id] = (r.room_name, r.process)
        self.versions = _by(batch.versions, lambda v: v.room_id)
        self.replies = _by(batch.replies, lambda r: r.room_id)
        self.remisser = _by(batch.remisser, lambda c: c.organisation_id)
        self.meetings = _by(batch.meetings, lambda m: m.organisation_id)
        self.actions = _by(batch.actions, lambda a: a.organisation_id)
        self.returned = _by(batch.returned, lambda i: i.organisation_id)

    def groups(self, reader: Reader, span: Window) -> list[Group]:
        """The reader's non-empty groups, by process, then room name; outside rooms last."""
        mine = sorted(self.organisations[reader.id])
        rooms = self.rooms[reader.id]
        groups: dict[int | None, Group] = {}

        def group(room_id: int | None) -> Group | None:
            """The room's group, or None for a room the reader does not see."""
            if room_id is not None and room_id not in rooms:
                return None
            if room_id not in groups:
                name, process = rooms[room_id] if room_id is not None else (None, None)
                groups[room_id] = Group(room_id, name, process)
            return groups[room_id]

        for room_id in sorted(rooms):
            for v in self.versions.get(room_id, ()):
                if v.published_at > span.since and (g := group(v.room_id)):
                    g.versions.append(v)
            for reply in self.replies.get(room_id, ()):
                if (
                    reply.created_at > span.since
                    and reply.author_id != reader.id
                    and (reply.thread_id, reader.id) in self.participants
                    and (g := group(reply.room_id))
                ):
                    g.replies.append(reply)
        remisser: set[int] = set()
        meetings: set[int] = set()
        for organisation_id in mine:
            for remiss in self.remisser.get(organisation_id, ()):
                if remiss.consultation_id in remisser:
                    continue
                new = remiss.opened_at > span.since
                closing = not remiss.answered and span.today <= remiss.deadline <= span.last_day
                if (new or closing) and (g := group(remiss.room_id)):
                    remisser.add(remiss.consultation_id)
                    g.remisser.append(remiss)
            for m in self.meetings.get(organisation_id, ()):
                if (
                    m.meeting_id not in meetings
                    and m.starts_at <= span.until
                    and (g := group(m.room_id))
                ):
                    meetings.add(m.meeting_id)
                    g.meetings.append(m)
            for a in self.actions.get(organisation_id, ()):
                if (
                    a.person_id in (None, reader.id)
                    and span.today <= a.due_on <= span.last_day
                    and (g := group(a.room_id))
                ):
                    g.actions.append(a)
            for item in self.returned.get(organisation_id, ()):
                if item.reviewed_at > span.since and (g := group(item.room_id)):
                    g.returned.append(item)
        found = [g for g in groups.values() if not g.empty]
        for g in found:  # in time order, whichever room or organisation each came through
            g.remisser.sort(key=lambda c: (c.deadline, c.consultation_id))
            g.meetings.sort(key=lambda m: (m.starts_at, m.meeting_id))
            g.actions.sort(key=lambda a: (a.due_on, a.action_id))
            g.returned.sort(key=lambda i: i.reviewed_at)
        return sorted(
            found,
            key=lambda g: (g.room_id is None, g.process or "", (g.room_name or "").casefold()),
        )


def _by(rows: Iterable[T], key: Callable[[T], int | None]) -> dict[int | None, list[T]]:
    """``rows`` by ``key``, each list in the rows' order."""
    index: dict[int | None, list[T]] = defaultdict(list)
    for row in rows:
        index[key(row)].append(row)
    return index
