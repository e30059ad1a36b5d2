"""The crisis pack: what it holds, read in a constant number of statements; the one HTML it is
written as (a print stylesheet for the PDF, the same file for a phone); the PDF, made again
whenever what it holds changes; and the record that an organisation downloaded it.

The activation routine is a section of the room's published plan whose heading begins with
"Aktivering" (e.g. "Aktiveringsrutin"): it is printed first, on its own, as well as in its plan.

PDFs are remembered in this process by what they hold (a fingerprint of every value printed),
the day printed and the language: a change of plan or contacts is a new fingerprint, so a new
pack; downloads of an unchanged pack the same day cost no rendering.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.contacts.queries import Entry, room_entries
from partner_portal.crisispack import queries
from partner_portal.crisispack.paths import pack_path
from partner_portal.crisispack.queries import PublishedPlan, SectionRow
from partner_portal.deliverables.models import WaterCategory
from partner_portal.deliverables.queries import (
    StyrelExportRow,
    WaterExportRow,
    styrel_rows_for_room,
    water_rows_for_room,
)
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.plans.markdown import render as markdown
from partner_portal.platform import i18n
from partner_portal.platform import pdf as pdf_files
from partner_portal.platform.db import writing
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.queries import RoomRow

ACTIVATION = "aktivering"  # a section heading beginning so is the activation routine
# Livsmedelsverket's order for sites with special needs: care first, then schools, food …
WATER_ORDER = {category: n for n, category in enumerate(WaterCategory)}
_REMEMBERED = 16


@dataclass(frozen=True, slots=True)
class Pack:
    room: RoomRow
    plans: tuple[PublishedPlan, ...]
    activation: tuple[tuple[str, SectionRow], ...]  # (the plan's title, the section)
    styrel: tuple[StyrelExportRow, ...]  # by priority class, most important first
    water: tuple[WaterExportRow, ...]  # in priority order
    contacts: tuple[Entry, ...]

    @property
    def fingerprint(self) -> str:
        """What the pack holds, as a short hash: it changes with any value printed."""
        held = repr((self.room, self.plans, self.styrel, self.water, self.contacts))
        return hashlib.sha256(held.encode()).hexdigest()[:12]


async def gather(db: AsyncSession, room: RoomRow) -> Pack:
    """Everything the room's pack holds: five statements, however big the room. The priority
    lists are what organisations have handed in (submitted or approved), never what is
    labelled confidential; the contacts are the room's organisations' (invited or taking part)."""
    plans = await queries.published_plans(db, room.id)
    styrel = await styrel_rows_for_room(db, room.id)
    water = await water_rows_for_room(db, room.id)
    contacts = await room_entries(db, room.id)
    activation = tuple(
        (plan.title, section)
        for plan in plans
        for section in plan.sections
        if section.heading.strip().casefold().startswith(ACTIVATION)
    )
    return Pack(
        room=room,
        plans=tuple(plans),
        activation=activation,
        styrel=tuple(sorted(styrel, key=lambda r: (r.point_class, r.user_class))),
        water=tuple(
            sorted(water, key=lambda r: (WATER_ORDER[r.category], -r.vulnerable, -r.persons))
        ),
        contacts=tuple(contacts),
    )


def html(env: Environment, pack: Pack, printed_at: datetime, *, for_print: bool) -> str:
    """The pack as one self-contained HTML document (styles inline, nothing fetched)."""
    return env.get_template("crisispack/pack.html").render(
        pack=pack,
        printed_at=printed_at,
        for_print=for_print,
        language=i18n.current_language.get(),
        markdown=markdown,
    )


_pdfs: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()


async def pdf(env: Environment, pack: Pack, printed_at: datetime) -> bytes:
    """The pack as a tagged PDF (PDF/UA-1), remembered by what it holds, day and language."""
    language = i18n.current_language.get()
    key = (pack.fingerprint, i18n.format_date(printed_at), language)
    if key in _pdfs:
        _pdfs.move_to_end(key)
        return _pdfs[key]
    body = await pdf_files.from_html_in_thread(html(env, pack, printed_at, for_print=True))
    _pdfs[key] = body
    while len(_pdfs) > _REMEMBERED:
        _pdfs.popitem(last=False)
    return body


async def record_download(
    db: AsyncSession,
    *,
    access: RoomAccess,
    actor: CurrentPerson,
    fmt: str,
    fingerprint: str,
    ip_address: str | None,
) -> None:
    """Side effects (committed at once, in a short write of their own): evidence "har hämtat
    beredskapspaketet" for each of the person's organisations in the room, and an audit event."""
    room = access.room
    async with writing(db):
        for organisation_id in sorted(access.my_organisations):
            await record_evidence(
                db,
                EvidenceKind.PACK_DOWNLOADED,
                organisation_id=organisation_id,
                person_id=actor.id,
                link=pack_path(room.id),
                process=room.process,
                room_id=room.id,
                format=fmt,
            )
        record(
            db,
            AuditAction.CRISIS_PACK_DOWNLOADED,
            actor_id=actor.id,
            object_type="room",
            object_id=room.id,
            ip_address=ip_address,
            format=fmt,
            contents=fingerprint,
        )
