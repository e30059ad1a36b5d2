"""An entry as the values of a STYREL or water-need form: what the register knows is filled in,
the rest (priority class, justification, litres per day) is the person's to add."""

from __future__ import annotations

from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.labels import LABELS
from partner_portal.vital_services.models import Dependency, Sector
from partner_portal.vital_services.queries import EntryRow

_WATER_CATEGORY = {Sector.HEALTH_CARE: "care", Sector.FOOD: "food"}


def styrel(entry: EntryRow) -> dict[str, str]:
    values = {
        "from_register": str(entry.id),
        "name": entry.name,
        "activity": LABELS.sectors[entry.sector.value]
        if entry.sector is not Sector.NOT_GIVEN
        else "",
        "address": entry.address,
        "points": str(max(len(entry.gsrns), 1)),
    }
    facts = [
        _("%(persons)s personer, varav %(cannot)s inte kan lämna platsen.")
        % {"persons": entry.persons_served, "cannot": entry.cannot_leave}
    ]
    power = entry.dependency(Dependency.ELECTRICITY)
    if power is not None and power.lasts_hours is not None:
        facts.append(_("Reservkraft i %(hours)s timmar.") % {"hours": power.lasts_hours})
    values["justification"] = " ".join(facts) if not entry.confidential else ""
    for index, gsrn in enumerate(entry.gsrns):
        values[f"gsrn-{index}"] = gsrn
        values[f"point_class-{index}"] = ""
    return values


def water(entry: EntryRow) -> dict[str, str]:
    water = entry.dependency(Dependency.WATER)
    own_tank = bool(entry.stored_water_litres) or bool(water and water.backup)
    return {
        "from_register": str(entry.id),
        "site": entry.name,
        "category": _WATER_CATEGORY.get(entry.sector, "other"),
        "persons": str(entry.persons_served),
        "vulnerable": str(entry.cannot_leave),
        "own_tank": "yes" if own_tank else "no",
    }
