"""Parsing the deliverable forms (pure: no database). Field errors in Swedish, keyed by field.

Connection points arrive as repeated fields ``gsrn`` and ``point_class``, one pair per point in
the order shown; their errors are keyed ``gsrn-0``, ``point_class-1`` … by that position, the same
position the template uses for the fields' ids, so each message lands beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from partner_portal.deliverables.gsrn import normalise_gsrn
from partner_portal.deliverables.models import WarOrganisation, WaterCategory
from partner_portal.deliverables.queries import ReadinessRow, StyrelUserRow, WaterNeedRow
from partner_portal.deliverables.service import (
    PointInput,
    ReadinessInput,
    StyrelUserInput,
    WaterNeedInput,
)
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _

MAX_POINTS = 50
_MAX_COUNT = 10_000_000
# Control characters other than tab and newline: they break exports (openpyxl refuses them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CLASS = re.compile(r"^[1-8]$")
_COUNT = re.compile(r"^[0-9]{1,9}$")
_CATEGORIES = {c.value: c for c in WaterCategory}
_WAR_ORGANISATION = {w.value: w for w in WarOrganisation}
_YES_NO = {"yes": True, "no": False}
_REPEATED = ("gsrn", "point_class")


# --- reading fields ----------------------------------------------------------------------


def _all(form: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a repeated field, in order (uploads count as empty)."""
    getlist = getattr(form, "getlist", None)
    raw: Any = getlist(name) if callable(getlist) else form.get(name)
    if raw is None:
        return []
    values = raw if isinstance(raw, list | tuple) else [raw]
    return [v if isinstance(v, str) else "" for v in values]


def _first(form: Mapping[str, Any], name: str) -> str:
    values = _all(form, name)
    return values[0] if values else ""


def _line(form: Mapping[str, Any], name: str) -> str:
    """One line of text: whitespace runs (newlines too) become one space."""
    return " ".join(_CONTROL.sub("", _first(form, name)).split())


def _lines(form: Mapping[str, Any], name: str) -> str:
    """Text that may run over several lines, with Windows line ends made plain."""
    text = _first(form, name).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _required(errors: dict[str, str], name: str, value: str, max_length: int, missing: str) -> str:
    if not value:
        errors[name] = missing
    elif len(value) > max_length:
        errors[name] = _("Högst %(max)s tecken.") % {"max": max_length}
    return value


def _count(raw: str) -> int | None:
    """A whole number of at least zero; spaces between thousands are fine ("1 200")."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", raw)
    if not _COUNT.match(digits):
        return None
    value = int(digits)
    return value if value <= _MAX_COUNT else None


def _priority_class(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if _CLASS.match(raw) else None


# --- the forms ---------------------------------------------------------------------------


def styrel_user(form: Mapping[str, Any]) -> StyrelUserInput:
    errors: dict[str, str] = {}
    name = _required(errors, "name", _line(form, "name"), 200, _("Ange elanvändarens namn."))
    activity = _required(
        errors,
        "activity",
        _line(form, "activity"),
        300,
        _("Beskriv kort verksamheten, till exempel äldreboende eller vattenverk."),
    )
    main_class = _priority_class(_first(form, "priority_class"))
    if main_class is None:
        errors["priority_class"] = _("Välj en prioritetsklass mellan 1 och 8.")
    justification = _required(
        errors,
        "justification",
        _lines(form, "justification"),
        2000,
        _("Motivera prioritetsklassen: vad händer, och hur snart, om elen bryts?"),
    )
    address = _required(errors, "address", _line(form, "address"), 300, _("Ange adressen."))
    grid_company = _required(
        errors,
        "grid_company",
        _line(form, "grid_company"),
        200,
        _("Ange elnätsföretaget. Det står på elnätsfakturan."),
    )
    points, indexes = _points(form, main_class, errors)
    if errors:
        raise Invalid(errors)
    assert main_class is not None
    return StyrelUserInput(
        name=name,
        activity=activity,
        priority_class=main_class,
        justification=justification,
        address=address,
        grid_company=grid_company,
        points=tuple(points),
        point_indexes=tuple(indexes),
    )


def _points(
    form: Mapping[str, Any], main_class: int | None, errors: dict[str, str]
) -> tuple[list[PointInput], list[int]]:
    raw_gsrns = _all(form, "gsrn")
    raw_classes = _all(form, "point_class")
    count = max(len(raw_gsrns), len(raw_classes))
    points: list[PointInput] = []
    indexes: list[int] = []
    seen: dict[str, tuple[int, int | None]] = {}  # gsrn -> (position shown, its class)
    for index in range(count):
        raw_gsrn = raw_gsrns[index].strip() if index < len(raw_gsrns) else ""
        raw_class = raw_classes[index].strip() if index < len(raw_classes) else ""
        if not raw_gsrn and not raw_class:
            continue  # an empty row, e.g. one added with "Lägg till anslutningspunkt"
        gsrn_key, class_key = f"gsrn-{index}", f"point_class-{index}"
        point_class: int | None = main_class
        if raw_class:
            point_class = _priority_class(raw_class)
            if point_class is None:
                errors[class_key] = _("Välj en prioritetsklass mellan 1 och 8.")
        gsrn = normalise_gsrn(raw_gsrn) if raw_gsrn else None
        if not raw_gsrn:
            errors[gsrn_key] = _("Ange anläggnings-id (GSRN) för anslutningspunkten.")
        elif gsrn is None:
            errors[gsrn_key] = _(
                "Anläggnings-id (GSRN) är 18 siffror som börjar med 735999, och den sista "
                "siffran är en kontrollsiffra. Kontrollera mot elmätaren eller elnätsfakturan."
            )
        elif gsrn in seen:
            first_position, first_class = seen[gsrn]
            if point_class is not None and first_class is not None and point_class != first_class:
                errors[gsrn_key] = _(
                    "Samma anslutningspunkt står redan som punkt %(number)s med en annan "
                    "prioritetsklass. En anslutningspunkt kan bara ha en prioritetsklass."
                ) % {"number": first_position}
            else:
                errors[gsrn_key] = _("Samma anläggnings-id står redan som punkt %(number)s.") % {
                    "number": first_position
                }
        else:
            seen[gsrn] = (index + 1, point_class)
            if point_class is not None:
                points.append(PointInput(gsrn, point_class))
                indexes.append(index)
    if len(seen) > MAX_POINTS:
        errors["gsrn-0"] = _(
            "Högst %(max)s anslutningspunkter per elanvändare. Dela upp verksamheten på flera "
            "elanvändare."
        ) % {"max": MAX_POINTS}
    elif not seen and not any(key.startswith(("gsrn-", "point_class-")) for key in errors):
        errors["gsrn-0"] = _("Ange minst en anslutningspunkt med anläggnings-id (GSRN).")
    return points, indexes


def water_need(form: Mapping[str, Any]) -> WaterNeedInput:
    errors: dict[str, str] = {}
    site = _required(
        errors, "site", _line(form, "site"), 200, _("Ange platsen, till exempel enhetens namn.")
    )
    category = _CATEGORIES.get(_first(form, "category").strip())
    if category is None:
        errors["category"] = _("Välj en kategori.")
    numbers: dict[str, int] = {}
    for field, missing in (
        ("persons", _("Ange hur många personer som finns på platsen.")),
        ("litres_per_day", _("Ange hur många liter vatten platsen behöver per dygn.")),
        ("vulnerable", None),
    ):
        raw = _first(form, field).strip()
        if not raw and missing is None:
            numbers[field] = 0  # optional: none who cannot fetch water themselves
            continue
        value = _count(raw)
        if not raw:
            errors[field] = missing or ""
        elif value is None:
            errors[field] = _("Ange ett heltal, 0 eller större.")
        else:
            numbers[field] = value
    if (
        "persons" in numbers
        and "vulnerable" in numbers
        and numbers["vulnerable"] > numbers["persons"]
    ):
        errors["vulnerable"] = _("Kan inte vara fler än antalet personer på platsen.")
    own_tank = _YES_NO.get(_first(form, "own_tank").strip())
    if own_tank is None:
        errors["own_tank"] = _("Svara ja eller nej.")
    # Not "note": the item page around this form has a field of that name.
    note = _lines(form, "water_note")
    if len(note) > 1000:
        errors["water_note"] = _("Högst %(max)s tecken.") % {"max": 1000}
    if errors:
        raise Invalid(errors)
    assert category is not None
    assert own_tank is not None
    return WaterNeedInput(
        site=site,
        category=category,
        persons=numbers["persons"],
        litres_per_day=numbers["litres_per_day"],
        vulnerable=numbers["vulnerable"],
        own_tank=own_tank,
        note=note,
    )


def readiness(form: Mapping[str, Any]) -> ReadinessInput:
    war_organisation = _WAR_ORGANISATION.get(_first(form, "war_organisation").strip())
    if war_organisation is None:
        raise Invalid(
            {"war_organisation": _("Svara ja, nej eller att krigsorganisationen är på gång.")}
        )
    done = _first(form, "security_analysis_done").strip() in {"on", "1", "yes"}
    return ReadinessInput(war_organisation, done)


# --- refilling the forms (for the views) --------------------------------------------------


def adds_point(form: Mapping[str, Any]) -> bool:
    """The person pressed "Lägg till anslutningspunkt": show the form again with one more empty
    point, saving nothing (this is how the button works without JavaScript)."""
    return "add_point" in form


def refill(form: Mapping[str, Any], *, add_point: bool = False) -> dict[str, str]:
    """The posted form as ``values`` for the templates: single fields by name, connection
    points as ``gsrn-0``, ``point_class-0`` …, and ``points``, how many point fields to show."""
    values = {
        name: _first(form, name)
        for name in form
        if name not in _REPEATED and name not in {"csrf_token", "add_point"}
    }
    gsrns, classes = _all(form, "gsrn"), _all(form, "point_class")
    count = min(max(len(gsrns), len(classes), 1), MAX_POINTS)
    for index in range(count):
        values[f"gsrn-{index}"] = gsrns[index] if index < len(gsrns) else ""
        values[f"point_class-{index}"] = classes[index] if index < len(classes) else ""
    values["points"] = str(min(count + 1, MAX_POINTS) if add_point else count)
    return values


def styrel_values(row: StyrelUserRow) -> dict[str, str]:
    """An existing electricity user as ``values``, to show it in the form for changing."""
    values = {
        "editing": str(row.id),
        "name": row.name,
        "activity": row.activity,
        "priority_class": str(row.priority_class),
        "justification": row.justification,
        "address": row.address,
        "grid_company": row.grid_company,
        "points": str(max(len(row.points), 1)),
    }
    for index, point in enumerate(row.points):
        values[f"gsrn-{index}"] = point.gsrn
        values[f"point_class-{index}"] = str(point.priority_class)
    return values


def water_values(row: WaterNeedRow) -> dict[str, str]:
    """An existing water need as ``values``, to show it in the form for changing."""
    return {
        "editing": str(row.id),
        "site": row.site,
        "category": row.category.value,
        "persons": str(row.persons),
        "litres_per_day": str(row.litres_per_day),
        "vulnerable": str(row.vulnerable),
        "own_tank": "yes" if row.own_tank else "no",
        "water_note": row.note,
    }


def readiness_values(row: ReadinessRow | None) -> dict[str, str]:
    if row is None:
        return {}
    values = {"war_organisation": row.war_organisation.value}
    if row.security_analysis_done:
        values["security_analysis_done"] = "on"
    return values
