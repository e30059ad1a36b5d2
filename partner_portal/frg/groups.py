"""Managing an FRG group: its row and starting list of skills, and the lead's changes to the list.

Each function owns its transaction (ensure_group leaves it to the caller) and its docstring lists
its side effects."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.frg.models import FrgGroup, FrgSkill
from partner_portal.frg.queries.members import GroupRow
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.text import swedish_sort_key

# The list a new FRG group starts from; the lead changes it.
DEFAULT_SKILLS = (
    "Första hjälpen",
    "Hjärt- och lungräddning (HLR)",
    "Körkort B",
    "Körkort BE",
    "Körkort C",
    "Radio (RAKEL)",
    "Matlagning i storkök",
    "Språk: arabiska",
    "Språk: engelska",
    "Språk: finska",
    "Språk: somaliska",
    "Språk: turkiska",
    "Egen bil",
)


async def ensure_group(db: AsyncSession, organisation_id: int) -> None:
    """Side effects: the FRG group row and the default skills list, the first time only
    (added to the session; the caller commits)."""
    if await db.get(FrgGroup, organisation_id) is not None:
        return
    db.add(FrgGroup(organisation_id=organisation_id))
    for name in DEFAULT_SKILLS:
        db.add(
            FrgSkill(
                organisation_id=organisation_id,
                name=name,
                name_key=name.lower(),
                sort_key=swedish_sort_key(name),
            )
        )
    await db.flush()


async def add_skill(db: AsyncSession, *, group: GroupRow, name: str) -> None:
    """Side effects: the skill on the list (or back on it, if it was taken off). Commits."""
    await ensure_group(db, group.id)
    existing = await db.scalar(
        sa.select(FrgSkill).where(
            col(FrgSkill.organisation_id) == group.id, col(FrgSkill.name_key) == name.lower()
        )
    )
    if existing is not None:
        if existing.is_active:
            raise Invalid({"name": _("Den finns redan på listan.")})
        existing.is_active = True
    else:
        db.add(
            FrgSkill(
                organisation_id=group.id,
                name=name,
                name_key=name.lower(),
                sort_key=swedish_sort_key(name),
            )
        )
    await db.commit()


async def set_skill_active(
    db: AsyncSession, *, group: GroupRow, skill_id: int, active: bool
) -> None:
    """Take a skill off the list (volunteers keep it; it is no longer offered) or put it back.
    Commits."""
    skill = await db.get(FrgSkill, skill_id)
    if skill is None or skill.organisation_id != group.id:
        raise NotFound()
    skill.is_active = active
    await db.commit()
