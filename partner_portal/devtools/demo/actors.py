"""Who acts in the demo (the demo organisations by name, and a person of each as the
services see them), and the small helpers every part of the demo work uses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import PortalRole
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Process
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings
from partner_portal.rooms import lifecycle as room_lifecycle
from partner_portal.rooms import participation as room_participation
from partner_portal.rooms import progress as room_progress
from partner_portal.rooms.access import room_for
from partner_portal.rooms.lifecycle import RoomInput
from partner_portal.rooms.models import ItemKind, ItemProgress, ProcessTemplate, RoomItem

MUNICIPALITY = "Botkyrka kommun"
BYGGEN = "AB Botkyrkabyggen"
SBFF = "Södertörns brandförsvarsförbund"
UPPLEV = "Upplev Botkyrka AB"
ELLEVIO = "Ellevio AB"
FRG_BOTKYRKA = "FRG Botkyrka"


def guidelines_room_name() -> str:
    return f"Riktlinjer för trygghetsarbetet {clock.today().year}"


class Demo:
    """Who acts in the demo, and what every service call needs."""

    def __init__(
        self,
        db: AsyncSession,
        people: dict[str, tuple[int, str]],
        organisations: dict[str, int],
        settings: Settings,
        env: Environment,
    ) -> None:
        self.db = db
        self.organisations = organisations
        self.settings = settings
        self.env = env
        self.people = people

    def person(self, subject: str, role: PortalRole | None = None) -> CurrentPerson:
        person_id, name = self.people[subject]
        return CurrentPerson(person_id, name, None, frozenset({role}) if role else frozenset())

    @property
    def anna(self) -> CurrentPerson:
        return self.person("anna.lindqvist", PortalRole.COORDINATOR)

    async def open_room(self, name: str, process: Process, invited: list[str]) -> int:
        template_id = await self.db.scalar(
            sa.select(col(ProcessTemplate.id)).where(
                col(ProcessTemplate.process) == process,
                col(ProcessTemplate.is_current).is_(True),
            )
        )
        assert template_id is not None
        today = clock.today()
        room_id = await room_lifecycle.open_room(
            self.db,
            actor=self.anna,
            data=RoomInput(
                name, template_id, today - timedelta(days=40), today + timedelta(days=300)
            ),
        )
        await room_participation.invite_organisations(
            self.db,
            actor=self.anna,
            access=await room_for(self.db, self.anna, room_id),
            organisation_ids=[self.organisations[o] for o in invited],
            settings=self.settings,
            env=self.env,
        )
        return room_id

    async def accept(self, subject: str, room_id: int, organisation: str) -> None:
        actor = self.person(subject)
        await room_participation.answer(
            self.db,
            actor=actor,
            access=await room_for(self.db, actor, room_id),
            organisation_id=self.organisations[organisation],
            accept=True,
            reason="",
        )

    async def item(self, room_id: int, kind: ItemKind) -> RoomItem:
        item = await self.db.scalar(
            sa.select(RoomItem)
            .where(col(RoomItem.room_id) == room_id, col(RoomItem.kind) == kind)
            .order_by(col(RoomItem.position))
        )
        assert item is not None
        return item

    async def progress_on(
        self, subject: str, room_id: int, organisation: str, kind: ItemKind
    ) -> ItemProgress:
        actor = self.person(subject)
        item = await self.item(room_id, kind)
        assert item.id is not None
        return await room_progress.working_progress(
            self.db,
            actor,
            await room_for(self.db, actor, room_id),
            self.organisations[organisation],
            item.id,
            kind=kind,
        )


def at(day: date, hour: int) -> datetime:
    """A whole hour that day, Swedish time (as UTC)."""
    moment = clock.wall_time(day, time(hour))
    assert moment is not None
    return moment
