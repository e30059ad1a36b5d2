"""Parsing the register's form into the service's typed input (pure: no database).

Field errors in Swedish, keyed by field. Connection points arrive one GSRN a line in
``gsrns``; each dependency as ``dep-<kind>`` (a tick), ``backup-<kind>`` and ``hours-<kind>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.deliverables.gsrn import format_gsrn, normalise_gsrn
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.models import Classification
from partner_portal.vital_services.models import Dependency, Sector
from partner_portal.vital_services.queries import EntryRow
from partner_portal.vital_services.service import DependencyInput, EntryInput

MAX_POINTS = 50
_MAX_COUNT = 10_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_COUNT = re.compile(r"^[0-9]{1,9}$")
SECTORS = {s.value: s for s in Sector if s is not Sector.NOT_GIVEN}
_CLASSIFICATIONS = {c.value: c for c in Classification}


def _line(form: Mapping[str, Any], name: str, max_length: int) -> str:
    return " ".join(_CONTROL.sub("", forms.text(form, name, max_length=max_length)).split())


def _count(errors: dict[str, str], form: Mapping[str, Any], name: str) -> int | None:
    """An optional whole number of at least zero; spaces between thousands are fine."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", forms.text(form, name, max_length=20))
    if not raw:
        return None
    if not _COUNT.match(raw) or int(raw) > _MAX_COUNT:
        errors[name] = _("Ange ett heltal, 0 eller mer.")
        return None
    return int(raw)


def entry(form: Mapping[str, Any]) -> EntryInput:
    errors: dict[str, str] = {}
    name = _line(form, "name", 200)
    if not name:
        errors["name"] = _("Ange verksamhetens eller platsens namn.")
    elif len(name) > 200:
        errors["name"] = _("Högst %(max)s tecken.") % {"max": 200}
    address = _line(form, "address", 300)
    if len(address) > 300:
        errors["address"] = _("Högst %(max)s tecken.") % {"max": 300}
    contact = _line(form, "contact", 300)
    if len(contact) > 300:
        errors["contact"] = _("Högst %(max)s tecken.") % {"max": 300}
    sector = forms.choice(forms.text(form, "sector", max_length=40), SECTORS)
    if sector is None:
        errors["sector"] = _("Välj sektor.")
    classification = forms.choice(
        forms.text(form, "classification", max_length=40), _CLASSIFICATIONS
    )
    if classification is None:
        errors["classification"] = _("Välj informationsklass.")
    persons = _count(errors, form, "persons_served") or 0
    cannot_leave = _count(errors, form, "cannot_leave") or 0
    if cannot_leave > persons and "cannot_leave" not in errors:
        errors["cannot_leave"] = _("Kan inte vara fler än antalet personer verksamheten når.")
    litres = _count(errors, form, "stored_water_litres")
    dependencies = []
    for kind in Dependency:
        backup = _line(form, f"backup-{kind.value}", 300)
        if len(backup) > 300:
            errors[f"backup-{kind.value}"] = _("Högst %(max)s tecken.") % {"max": 300}
        hours = _count(errors, form, f"hours-{kind.value}")
        if forms.text(form, f"dep-{kind.value}", max_length=5) or backup or hours is not None:
            dependencies.append(DependencyInput(kind, backup, hours))
    gsrns = _gsrns(errors, forms.text(form, "gsrns", max_length=2000))
    if errors:
        raise Invalid(errors)
    assert sector is not None
    assert classification is not None
    return EntryInput(
        name=name,
        address=address,
        sector=sector,
        persons_served=persons,
        cannot_leave=cannot_leave,
        stored_water_litres=litres,
        contact=contact,
        classification=classification,
        dependencies=tuple(dependencies),
        gsrns=gsrns,
    )


def _gsrns(errors: dict[str, str], raw: str) -> tuple[str, ...]:
    lines = [line.strip() for line in raw.replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) > MAX_POINTS:
        errors["gsrns"] = _("Högst %(max)s anslutningspunkter.") % {"max": MAX_POINTS}
        return ()
    found: list[str] = []
    for line in lines:
        gsrn = normalise_gsrn(line)
        if gsrn is None:
            errors["gsrns"] = _(
                "%(value)s är inget giltigt anläggnings-id (GSRN): 18 siffror som börjar med "
                "735999, och den sista siffran är en kontrollsiffra. Kontrollera mot "
                "elnätsfakturan."
            ) % {"value": line[:40]}
            return ()
        if gsrn not in found:
            found.append(gsrn)
    return tuple(found)


def values_of(entry: EntryRow) -> dict[str, str]:
    """The stored entry as the form's fields, for changing it."""
    values = {
        "name": entry.name,
        "address": entry.address,
        "sector": entry.sector.value if entry.sector is not Sector.NOT_GIVEN else "",
        "persons_served": str(entry.persons_served),
        "cannot_leave": str(entry.cannot_leave),
        "stored_water_litres": ""
        if entry.stored_water_litres is None
        else str(entry.stored_water_litres),
        "contact": entry.contact,
        "classification": entry.classification.value,
        "gsrns": "\n".join(format_gsrn(g) for g in entry.gsrns),
    }
    for dependency in entry.dependencies:
        values[f"dep-{dependency.kind.value}"] = "1"
        values[f"backup-{dependency.kind.value}"] = dependency.backup
        values[f"hours-{dependency.kind.value}"] = (
            "" if dependency.lasts_hours is None else str(dependency.lasts_hours)
        )
    return values


def refill(form: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}
