"""Sending the digests that are due: at 07:00 Swedish time, daily ones every day and weekly ones
on Mondays, each person's once per period.

A round at ``now`` sends nothing before 07:00 on the Swedish clock (a wall time, so the days
summer time begins and ends are like any other). From 07:00 on, the day's digests are due; they
are read and written in batches, each a constant number of statements whatever its size.

Once per person and period: each digest writes a marker (person, period) under a unique key, in
the same transaction as its mail, with ``INSERT … ON CONFLICT DO NOTHING RETURNING``; only the
people whose marker this round wrote get a mail. A second round, or another worker at the same
moment (on PostgreSQL it waits for the first one's commit, then finds the markers there), writes
none and sends nothing. An empty digest is not sent, but its marker is written too, so that the
next digest starts from there and a later round does not read it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from jinja2 import Environment
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.digests import queries
from partner_portal.digests.content import Batch, Group, Picker, Window, window
from partner_portal.digests.models import DigestSent
from partner_portal.digests.queries import Reader
from partner_portal.mail import facade as mail
from partner_portal.mail import preferences
from partner_portal.mail.preference_models import DigestFrequency, MailCategory
from partner_portal.platform import clock, paths
from partner_portal.platform.i18n import format_date, format_datetime
from partner_portal.platform.settings import Settings

SEND_AT = time(7, 0)
BATCH = 500


def due_period(now: datetime) -> tuple[date, frozenset[DigestFrequency]] | None:
    """The period whose digests are due at ``now`` (the Swedish date) and which frequencies
    have one that day; None before 07:00."""
    day = clock.swedish_date(now)
    at = clock.wall_time(day, SEND_AT)
    if at is None or now < at:
        return None
    if day.weekday() == 0:  # Monday
        return day, frozenset({DigestFrequency.DAILY, DigestFrequency.WEEKLY})
    return day, frozenset({DigestFrequency.DAILY})


@dataclass(frozen=True, slots=True)
class Sent:
    mailed: int = 0
    empty: int = 0


async def send_due(
    db: AsyncSession, *, settings: Settings, env: Environment, now: datetime, batch: int = BATCH
) -> Sent:
    """Every digest due at ``now`` that has not been written. Side effects per batch, in one
    transaction (committed): a marker per person; for each non-empty digest a mail in the
    outbox with its unsubscribe link's secret."""
    due = due_period(now)
    if due is None:
        return Sent()
    period, frequencies = due
    mailed = empty = 0
    after = 0
    while readers := await queries.due_readers(
        db, period=period, frequencies=frequencies, after_id=after, limit=batch
    ):
        after = readers[-1].id
        windows = {r.id: window(r, now) for r in readers}
        picker = Picker(await read_batch(db, readers, windows, now))
        digests = {r.id: picker.groups(r, windows[r.id]) for r in readers}
        claimed = await _claim(db, readers, digests, period=period, now=now)
        to_mail = [r for r in readers if r.id in claimed and digests[r.id]]
        tokens = await preferences.new_links(db, [r.id for r in to_mail], MailCategory.DIGEST)
        await mail.send_many(
            db,
            [
                (
                    _message(env, settings, r, digests[r.id], windows[r.id], tokens[r.id]),
                    ("digest", r.id),
                )
                for r in to_mail
            ],
        )
        mailed += len(to_mail)
        empty += len(claimed) - len(to_mail)
        await db.commit()
    return Sent(mailed, empty)


async def read_batch(
    db: AsyncSession, readers: Sequence[Reader], windows: dict[int, Window], now: datetime
) -> Batch:
    """The reads for a batch of readers: nine statements, whatever the batch's size."""
    ids = [r.id for r in readers]
    reach = await queries.reach(db, ids)
    organisation_ids = sorted({r.organisation_id for r in reach})
    room_ids = sorted({r.room_id for r in reach if r.room_id is not None})
    since = min(w.since for w in windows.values())
    longest = max(windows.values(), key=lambda w: w.days)
    replies = await queries.new_replies(db, room_ids, since)
    return Batch(
        reach=reach,
        versions=await queries.new_versions(db, room_ids, since),
        replies=replies,
        participants=await queries.thread_participants(db, {r.thread_id for r in replies}, ids),
        remisser=await queries.remisser(
            db,
            organisation_ids,
            since,
            closing_from=longest.today,
            closing_until=longest.last_day,
        ),
        meetings=await queries.meetings_ahead(db, organisation_ids, now, longest.until),
        actions=await queries.actions_due(db, organisation_ids, longest.today, longest.last_day),
        returned=await queries.returned_items(db, organisation_ids, since),
    )


async def _claim(
    db: AsyncSession,
    readers: Sequence[Reader],
    digests: dict[int, list[Group]],
    *,
    period: date,
    now: datetime,
) -> set[int]:
    """Write the markers of this period for ``readers``; the ids of those whose marker this
    call wrote (not another round's or another worker's)."""
    values = [
        {
            "person_id": r.id,
            "period": period,
            "frequency": r.frequency,
            "covered_until": now,
            "mailed": bool(digests[r.id]),
        }
        for r in readers
    ]
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(DigestSent)
        .values(values)
        .on_conflict_do_nothing(index_elements=["person_id", "period"])
        .returning(col(DigestSent.person_id))
    )
    return set((await db.scalars(statement)).all())


def _message(
    env: Environment,
    settings: Settings,
    reader: Reader,
    groups: list[Group],
    span: Window,
    token: str,
) -> mail.Message:
    """The reader's digest, in their language (the dates and words made here too)."""
    return mail.render(
        env,
        "digest",
        to=mail.Recipient(reader.email, reader.language),
        context=lambda: {
            "name": reader.name,
            "daily": reader.frequency is DigestFrequency.DAILY,
            "since": format_datetime(span.since, "short"),
            "groups": [_group_context(g, settings) for g in groups],
            "preferences_url": settings.absolute_url(preferences.PREFERENCES_PAGE),
            "unsubscribe_url": preferences.unsubscribe_url(settings, token),
        },
        headers=preferences.list_headers(settings, token),
    )


def _group_context(group: Group, settings: Settings) -> dict[str, Any]:
    """What the mail shows of a group: texts and absolute links."""

    def link(pattern: str, **values: Any) -> str:
        return settings.absolute_url(paths.fill(pattern, **values))

    return {
        "process": group.process.value if group.process else None,
        "room": group.room_name,
        "room_url": link(paths.ROOM, room_id=group.room_id) if group.room_id else None,
        "versions": [
            {
                "plan": v.plan_title,
                "number": v.number,
                "note": v.note,
                "url": link(paths.PLAN, room_id=v.room_id, plan_id=v.plan_id),
            }
            for v in group.versions
        ],
        "replies": [
            {
                "plan": r.plan_title,
                "section": r.section_heading,
                "author": r.author_name,
                "url": link(paths.PLAN, room_id=r.room_id, plan_id=r.plan_id)
                + f"#avsnitt-{r.section_key}",
            }
            for r in group.replies
        ],
        "remisser": [
            {
                "plan": c.plan_title,
                "deadline": format_date(c.deadline),
                "answered": c.answered,
                "url": link(paths.REMISS, room_id=c.room_id, consultation_id=c.consultation_id),
            }
            for c in group.remisser
        ],
        "meetings": [
            {
                "title": m.title,
                "when": format_datetime(m.starts_at, "short"),
                "url": link(paths.MEETING, meeting_id=m.meeting_id),
            }
            for m in group.meetings
        ],
        "actions": [
            {
                "title": a.title,
                "due_on": format_date(a.due_on),
                "url": link(paths.ACTION, action_id=a.action_id),
            }
            for a in group.actions
        ],
        "returned": [
            {
                "item": i.item_title,
                "organisation": i.organisation_name,
                "comment": i.comment,
                "url": link(
                    paths.ITEM,
                    room_id=i.room_id,
                    organisation_id=i.organisation_id,
                    item_id=i.item_id,
                ),
            }
            for i in group.returned
        ],
    }
