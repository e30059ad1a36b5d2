"""Demo meetings: last week's on the guidelines (minutes, a decision, actions) and the
partnership council's next one."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.actions.service import ActionInput, create_phase_action
from partner_portal.devtools.demo.actors import BYGGEN, FRG_BOTKYRKA, MUNICIPALITY, SBFF, Demo, at
from partner_portal.meetings import minutes, scheduling
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.scheduling import MeetingInput
from partner_portal.platform import clock
from partner_portal.rooms.models import RoomPhase


async def meeting_held(demo: Demo, room_id: int) -> None:
    """Last week's meeting on the guidelines: minutes, a decision with an action for AB
    Botkyrkabyggen, and an action from a phase for the fire and rescue service."""
    db, anna = demo.db, demo.anna
    day = clock.today() - timedelta(days=7)
    meeting_id = await scheduling.create_meeting(
        db,
        actor=anna,
        data=MeetingInput(
            "Genomgång av riktlinjerna",
            room_id,
            at(day, 9),
            at(day, 11),
            "Kommunhuset, Tumba",
            "",
            "1. Utkastet till riktlinjer\n2. Remissens tidplan",
            (demo.organisations[BYGGEN], demo.organisations[SBFF]),
        ),
        settings=demo.settings,
        env=demo.env,
    )
    access = await meeting_for(db, anna, meeting_id)
    await minutes.save_minutes(
        db,
        actor=anna,
        access=access,
        minutes="Utkastet gicks igenom avsnitt för avsnitt. Remissen skickas ut efter mötet.",
    )
    await minutes.add_decision(
        db,
        actor=anna,
        access=await meeting_for(db, anna, meeting_id),
        text="Bolagen ingår i samverkansrådet.",
        action=ActionInput(
            "Utse bolagets representant i samverkansrådet",
            "Meddela samordnaren namnet.",
            demo.organisations[BYGGEN],
            demo.people["omar.haddad"][0],
            clock.today() + timedelta(days=30),
        ),
    )
    phase_id = await db.scalar(
        sa.select(col(RoomPhase.id)).where(
            col(RoomPhase.room_id) == room_id, col(RoomPhase.position) == 2
        )
    )
    assert phase_id is not None
    await create_phase_action(
        db,
        actor=anna,
        phase_id=phase_id,
        data=ActionInput(
            "Beskriv räddningstjänstens roll i samverkansrådet",
            "",
            demo.organisations[SBFF],
            None,
            clock.today() + timedelta(days=14),
        ),
    )


async def meeting_ahead(demo: Demo) -> None:
    """The partnership council's next meeting, in two weeks, for the whole partner set."""
    day = clock.today() + timedelta(days=14)
    await scheduling.create_meeting(
        demo.db,
        actor=demo.anna,
        data=MeetingInput(
            "Samverkansrådet",
            None,
            at(day, 13),
            at(day, 15),
            "Kommunhuset, Tumba, sal Tumba",
            "https://meet.example.se/samverkansradet",
            "1. Läget i planeringen\n2. Övning i höst",
            tuple(demo.organisations[o] for o in (MUNICIPALITY, BYGGEN, SBFF, FRG_BOTKYRKA)),
        ),
        settings=demo.settings,
        env=demo.env,
    )
