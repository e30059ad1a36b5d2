"""Words for the register's stored values: MSB's sectors, dependencies and version actions
(registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("sectors")
def _sectors() -> Mapping[str, str]:
    return {
        "energy": _("Energiförsörjning"),
        "finance": _("Finansiella tjänster"),
        "trade_industry": _("Handel och industri"),
        "health_care": _("Hälso- och sjukvård samt omsorg"),
        "information": _("Information och kommunikation"),
        "municipal_technical": _("Kommunalteknisk försörjning"),
        "food": _("Livsmedel"),
        "public_administration": _("Offentlig förvaltning"),
        "protection_safety": _("Skydd och säkerhet"),
        "social_insurance": _("Socialförsäkringar"),
        "transport": _("Transporter"),
        "not_given": _("Ej angiven"),
    }


@labels.words("dependencies")
def _dependencies() -> Mapping[str, str]:
    return {
        "electricity": _("El"),
        "water": _("Vatten"),
        "heating": _("Värme"),
        "it_telecom": _("IT och telekommunikation"),
        "fuel": _("Drivmedel"),
        "food": _("Livsmedel"),
        "staff": _("Personal"),
        "transport": _("Transporter"),
    }


@labels.words("register_versions")
def _versions() -> Mapping[str, str]:
    return {
        "created": _("Registrerad"),
        "changed": _("Ändrad"),
        "reviewed": _("Granskad: stämmer fortfarande"),
    }


@labels.words("register_fields")
def _fields() -> Mapping[str, str]:
    return {
        "name": _("Verksamhet eller plats"),
        "address": _("Adress"),
        "sector": _("Sektor"),
        "persons_served": _("Personer som verksamheten når"),
        "cannot_leave": _("Varav kan inte lämna platsen eller behöver hjälp"),
        "stored_water_litres": _("Lagrat vatten (liter)"),
        "contact": _("Kontaktperson för platsen"),
        "classification": _("Informationsklass"),
        "dependencies": _("Beroenden och reserv"),
        "gsrns": _("Anslutningspunkter (GSRN)"),
    }


@labels.words("register_checks")
def _checks() -> Mapping[str, str]:
    return {
        "styrel_without_water": _("Styrel prioritetsklass 1–4 utan behov av nödvatten"),
        "water_without_styrel": _("Behov av nödvatten men ingen rad i Styrel"),
        "short_reserve": _("Reservkraft under 24 timmar där personer inte kan lämna platsen"),
        "shared_gsrn": _("Samma anläggnings-id (GSRN) hos två organisationer"),
        "not_reviewed": _("Inte granskad på ett år"),
    }
