"""What the register holds about one volunteer: for their own page, their download, and the FRG
part of the portal-wide download (partner_portal.privacy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.frg.queries.availability import AbsenceRow, absences_of, slots_of
from partner_portal.frg.queries.callouts import MyCallout, callouts_of
from partner_portal.frg.queries.members import VolunteerRow, skill_ids_of, skills
from partner_portal.platform.text import swedish_sort_key


@dataclass(frozen=True, slots=True)
class HeldData:
    """What the register holds about one volunteer besides the registration itself."""

    skill_names: list[str]  # in Swedish order
    slots: frozenset[int]
    absences: list[AbsenceRow]
    callouts: list[MyCallout]


async def held_about(db: AsyncSession, volunteer: VolunteerRow) -> HeldData:
    """For the volunteer's own page and their download alike. Five queries."""
    names = {s.id: s.name for s in await skills(db, volunteer.organisation_id, active_only=False)}
    mine = await skill_ids_of(db, volunteer.id)
    return HeldData(
        skill_names=sorted((names[i] for i in mine if i in names), key=swedish_sort_key),
        slots=await slots_of(db, volunteer.id),
        absences=await absences_of(db, volunteer.id),
        callouts=await callouts_of(db, volunteer.id),
    )


def volunteer_data(volunteer: VolunteerRow, group_name: str, held: HeldData) -> dict[str, Any]:
    """The volunteer's registration as data (their FRG download, and the FRG part of the
    portal-wide one: partner_portal.privacy)."""

    def iso(value: date | datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "frg": group_name,
        "namn": volunteer.name,
        "telefon": volunteer.phone,
        "e_post": volunteer.email,
        "status": str(volunteer.status),
        "avtal_undertecknat": iso(volunteer.agreement_signed_on),
        "grundkurs": iso(volunteer.basic_course_on),
        "registrerad": iso(volunteer.registered_at),
        "senast_aktiv": iso(volunteer.last_active_at),
        "kompetenser": held.skill_names,
        "veckoschema": sorted(held.slots),
        "vecka": {
            "vecka_som_borjar": iso(volunteer.week_start),
            "tillganglig": volunteer.week_available,
        },
        "franvaro": [{"fran": iso(a.starts_on), "till": iso(a.ends_on)} for a in held.absences],
        "utlarmningar": [
            {
                "rubrik": c.title,
                "plats": c.place,
                "start": iso(c.starts_at),
                "slut": iso(c.ends_at),
                "ovning": c.is_exercise,
                "svar": str(c.answer),
                "besvarad": iso(c.answered_at),
                "roll": c.role,
                "incheckad": iso(c.checked_in_at),
                "utcheckad": iso(c.checked_out_at),
            }
            for c in held.callouts
        ],
    }
