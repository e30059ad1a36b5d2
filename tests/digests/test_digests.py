"""Digests, read from the real SMTP catcher: exactly what concerns the reader, nothing from rooms
they cannot see, not sent when empty, once at 07:00 Swedish time (also on the days summer time
begins and ends), daily or weekly, and a constant number of statements however many readers."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.digests import service
from partner_portal.digests.models import DigestSent
from partner_portal.mail.preference_models import DigestFrequency, MailPreference
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings
from tests.digests.conftest import (
    World,
    action,
    at_seven,
    comment,
    digest_round,
    meeting,
    next_monday,
    plan_with_version,
    remiss,
    returned,
)
from tests.helpers import Persona, make_person
from tests.organisations.factories import add_member
from tests.queries import QueryCounter
from tests.smtp import SmtpServer


async def prefer(db: AsyncSession, person: Persona, frequency: DigestFrequency) -> None:
    db.add(MailPreference(person_id=person.id, digest_frequency=frequency))
    await db.commit()


async def test_a_digest_holds_what_concerns_its_reader_and_nothing_from_rooms_they_cannot_see(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    monday = next_monday()
    seven = at_seven(monday)
    recently = seven - timedelta(days=2)
    long_ago = seven - timedelta(days=20)  # before the week a first digest covers
    # Bob's room: a new version; a thread he wrote in, answered; a thread he did not write in.
    plan, section, version = await plan_with_version(
        db, world.room_byggen, "Nödvattenplan", recently, alice
    )
    mine = await comment(db, plan, section, bob, long_ago)
    await comment(db, plan, section, alice, recently, parent_id=mine)
    others = await comment(db, plan, section, alice, long_ago)
    await comment(db, plan, section, alice, recently, parent_id=others, body="Inte Bobs tråd")
    await remiss(
        db,
        world.room_byggen,
        plan,
        version,
        world.byggen,
        opened_at=recently,
        deadline=monday + timedelta(days=20),
        coordinator=alice,
    )
    await meeting(
        db, world.room_byggen, world.byggen, "Nödvattenmöte", seven + timedelta(days=2), alice
    )
    await meeting(
        db, world.room_byggen, world.byggen, "Möte om en månad", seven + timedelta(days=30), alice
    )
    await action(
        db, world.room_byggen, world.byggen, "Inventera tankar", monday + timedelta(days=3)
    )
    await action(db, world.room_byggen, world.byggen, "Långt fram", monday + timedelta(days=40))
    await returned(db, world.room_byggen, world.byggen, recently, alice, "Komplettera adressen")
    # Dave's room, which Bob cannot see: everything there is Dave's only.
    _other_plan, _s, _v = await plan_with_version(
        db, world.room_upplev, "Styrelplan", recently, alice
    )
    await meeting(
        db, world.room_upplev, world.upplev, "Styrelmöte", seven + timedelta(days=1), alice
    )
    await action(
        db, world.room_upplev, world.upplev, "Lista elanvändare", monday + timedelta(days=2)
    )
    # Old news is not news.
    await plan_with_version(db, world.room_byggen, "Gammal plan", long_ago, alice)

    sent, delivered = await digest_round(app, mail_settings, seven)

    assert (sent.mailed, sent.empty, delivered) == (2, 1, 2)  # Charlie's is empty: not sent
    mails = {m.recipients[0]: m for m in await smtp.wait_for(2)}
    assert set(mails) == {bob.email, world.dave.email}
    bobs = mails[bob.email]
    assert bobs.subject == "Veckans sammanfattning från Partnerportalen"
    text = bobs.text
    assert "Nödvatten: Nödvatten Byggen" in text
    assert "Nödvattenplan, version 1" in text
    assert "Alice Andersson svarade om Ansvar i Nödvattenplan i Nödvattenplan" in text
    assert text.count("svarade om") == 1  # not the reply in a thread Bob did not write in
    assert f"/rum/{world.room_byggen}/remisser/" in text
    assert "Nödvattenmöte" in text
    assert "Möte om en månad" not in text
    assert "Inventera tankar" in text
    assert "Långt fram" not in text
    assert "Komplettera adressen" in text
    assert "Gammal plan" not in text
    for theirs in ("Styrel", "Lista elanvändare", "Styrelmöte", f"/rum/{world.room_upplev}"):
        assert theirs not in text
        assert theirs not in bobs.html
    daves = mails[world.dave.email].text
    assert "Styrelplan, version 1" in daves
    assert "Styrelmöte" in daves
    assert "Lista elanvändare" in daves
    assert "Nödvatten" not in daves
    # The headers mail programs offer unsubscribe by (RFC 2369, RFC 8058).
    link = bobs.message["List-Unsubscribe"]
    assert link.startswith(f"<{mail_settings.base_url}/avregistrera/")
    assert link.endswith(">")
    assert bobs.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in text


async def test_sent_once_from_seven_oclock_swedish_time(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    monday = next_monday()
    await plan_with_version(db, world.room_byggen, "Plan", at_seven(monday, -60 * 24), alice)

    assert (await digest_round(app, mail_settings, at_seven(monday, -1)))[0] == service.Sent()
    first, delivered = await digest_round(app, mail_settings, at_seven(monday))
    assert first.mailed == 1
    assert delivered == 1
    again, _ = await digest_round(app, mail_settings, at_seven(monday, 5))
    later, _ = await digest_round(app, mail_settings, at_seven(monday, 60 * 12))
    assert again == later == service.Sent()
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (bob.email,)
    await db.rollback()
    markers = (await db.execute(sa.select(col(DigestSent.person_id), col(DigestSent.period)))).all()
    assert sorted(markers) == sorted(
        [(bob.id, monday), (world.dave.id, monday), (await _charlie(db), monday)]
    )


async def _charlie(db: AsyncSession) -> int:
    found = await db.scalar(sa.select(col(Person.id)).where(col(Person.name).startswith("Charlie")))
    assert found is not None
    return found


async def test_two_workers_at_once_send_each_digest_once(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    monday = next_monday()
    await plan_with_version(db, world.room_byggen, "Plan", at_seven(monday, -60), alice)

    async def one_worker() -> service.Sent:
        async with app.state.portal.sessions() as session:
            return await service.send_due(
                session,
                settings=mail_settings,
                env=app.state.portal.templates.env,
                now=at_seven(monday, 1),
            )

    results = await asyncio.gather(one_worker(), one_worker())
    assert sum(r.mailed for r in results) == 1
    _, delivered = await digest_round(app, mail_settings, at_seven(monday, 2))
    assert delivered == 1
    assert len(await smtp.wait_for(1)) == 1


def dst_sundays(after: date) -> list[date]:
    """The next days summer time begins and ends (the last Sundays of March and October)."""
    found: list[date] = []
    for year in (after.year, after.year + 1):
        for month in (3, 10):
            last = date(year, month, 31)
            sunday = last - timedelta(days=(last.weekday() - 6) % 7)
            if sunday > after:
                found.append(sunday)
    return found[:2]


async def test_daily_digests_go_at_seven_on_the_days_the_clocks_change(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    await prefer(db, bob, DigestFrequency.DAILY)
    offsets = set()
    for count, sunday in enumerate(dst_sundays(clock.today()), start=1):
        seven = at_seven(sunday)
        offsets.add(seven.astimezone(clock.TIMEZONE).utcoffset())
        await plan_with_version(
            db, world.room_byggen, f"Plan {count}", seven - timedelta(hours=3), alice
        )
        assert (await digest_round(app, mail_settings, seven - timedelta(minutes=1)))[0].mailed == 0
        assert (await digest_round(app, mail_settings, seven))[0].mailed == 1
        assert (await digest_round(app, mail_settings, seven + timedelta(hours=1)))[0].mailed == 0
        mails = await smtp.wait_for(count)
        assert mails[-1].subject == "Dagens sammanfattning från Partnerportalen"
        assert f"Plan {count}, version 1" in mails[-1].text
    # One day in summer time, one in winter time: 07:00 is 05:00 UTC, then 06:00 UTC.
    assert len(offsets) == 2


async def test_weekly_digests_go_on_mondays_and_daily_ones_every_day(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    await prefer(db, world.dave, DigestFrequency.DAILY)  # Bob keeps the default: weekly
    monday = next_monday()
    tuesday = monday + timedelta(days=1)
    for room in (world.room_byggen, world.room_upplev):
        await plan_with_version(db, room, f"Plan {room}", at_seven(monday, -60), alice)
        await plan_with_version(db, room, f"Ny plan {room}", at_seven(tuesday, -60), alice)

    assert (await digest_round(app, mail_settings, at_seven(monday)))[0].mailed == 2
    tuesdays, _ = await digest_round(app, mail_settings, at_seven(tuesday))
    assert tuesdays.mailed == 1
    mails = await smtp.wait_for(3)
    assert [m.recipients[0] for m in mails[2:]] == [world.dave.email]
    # Tuesday's digest starts where Monday's ended.
    assert f"Ny plan {world.room_upplev}" in mails[2].text
    assert f"Plan {world.room_upplev}, version" not in mails[2].text
    # Next Monday Bob's weekly digest covers his week.
    next_week, _ = await digest_round(app, mail_settings, at_seven(monday + timedelta(days=7)))
    assert next_week.mailed == 1
    bobs = [m for m in await smtp.wait_for(4) if m.recipients == (bob.email,)]
    assert f"Ny plan {world.room_byggen}" in bobs[-1].text


async def test_nobody_gets_an_empty_digest_or_one_they_turned_off(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    monday = next_monday()
    await prefer(db, bob, DigestFrequency.NONE)
    await plan_with_version(db, world.room_byggen, "Plan", at_seven(monday, -60), alice)

    sent, delivered = await digest_round(app, mail_settings, at_seven(monday))

    assert (sent.mailed, delivered) == (0, 0)  # Bob turned it off; Dave's room is quiet
    assert smtp.received == []


async def test_a_round_costs_the_same_statements_for_3_and_for_30_readers(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    mail_settings: Settings,
    query_counter: QueryCounter,
) -> None:
    monday = next_monday()
    plan, section, _v = await plan_with_version(
        db, world.room_byggen, "Plan", at_seven(monday, -60), alice
    )

    async def readers(count: int, day: date) -> None:
        """``count`` more readers, each answered in a thread of theirs just before ``day``'s
        round."""
        for n in range(count):
            person = await make_person(db, f"Läsare{n} L", email=f"l{n}.{count}@example.se")
            await add_member(db, person, world.byggen)
            root = await comment(db, plan, section, person, at_seven(day, -600))
            await comment(db, plan, section, alice, at_seven(day, -30), parent_id=root)

    async def statements(day: date) -> tuple[int, int]:
        env = app.state.portal.templates.env
        async with app.state.portal.sessions() as session:
            count, sent = await query_counter.during(
                lambda: service.send_due(
                    session, settings=mail_settings, env=env, now=at_seven(day)
                )
            )
        return count, sent.mailed

    await readers(3, monday)
    few, mailed_few = await statements(monday)
    await readers(27, monday + timedelta(days=7))
    many, mailed_many = await statements(monday + timedelta(days=7))
    assert (mailed_few, mailed_many) == (4, 27)  # Bob and 3, then the 27 new readers
    assert few == many
