"""The directory as files: CSV and XLSX (partner_portal.platform.tables) and vCard
(partner_portal.contacts.vcard), one line (or card) per organisation's 24/7 path and per person."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from partner_portal.contacts.queries import Entry
from partner_portal.contacts.vcard import Card, vcards
from partner_portal.platform import labels, tables
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.tables import Cell


def _headers() -> list[str]:
    return [
        _("Organisation"),
        _("Typ"),
        _("Namn"),
        _("Roll vid kris"),
        _("Telefon"),
        _("E-post"),
        _("Alternativ kanal"),
        _("Bekräftad"),
    ]


def _rows(entries: Iterable[Entry]) -> Iterable[Sequence[Cell]]:
    kinds = labels.LABELS.kinds
    for entry in entries:
        confirmed = entry.confirmed_at.date().isoformat() if entry.confirmed_at else ""
        kind = kinds[entry.kind.value]
        yield (
            entry.name,
            kind,
            "",
            _("Dygnet runt (tjänsteman i beredskap)"),
            entry.duty_phone,
            entry.mailbox,
            entry.alternative,
            confirmed,
        )
        for person in entry.people:
            yield (
                entry.name,
                kind,
                person.name,
                person.crisis_role,
                person.phone,
                person.email,
                "",
                confirmed,
            )


def csv(entries: Iterable[Entry]) -> bytes:
    return tables.csv_bytes(_headers(), _rows(entries))


def xlsx(entries: Iterable[Entry]) -> bytes:
    return tables.xlsx_bytes(
        _("Krisledningskontakter"),
        _headers(),
        [36, 22, 28, 30, 18, 30, 30, 12],
        _rows(entries),
        text_columns=frozenset({5}),
    )


def vcf(entries: Iterable[Entry]) -> bytes:
    cards = []
    for entry in entries:
        if entry.duty_phone or entry.mailbox:
            cards.append(
                Card(
                    full_name=_("%(organisation)s, dygnet runt") % {"organisation": entry.name},
                    organisation=entry.name,
                    title=_("Tjänsteman i beredskap"),
                    phones=(entry.duty_phone,),
                    emails=(entry.mailbox,) if entry.mailbox else (),
                    note=entry.alternative,
                )
            )
        cards += [
            Card(
                full_name=person.name,
                organisation=entry.name,
                title=person.crisis_role,
                phones=(person.phone,),
                emails=(person.email,) if person.email else (),
            )
            for person in entry.people
        ]
    return vcards(cards)
