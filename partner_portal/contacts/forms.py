"""The entry form: an organisation's 24/7 path and a row per person, parsed into the service's
input, or errors.Invalid with a Swedish message beside each field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.contacts.service import MAX_PEOPLE, ContactInput, PersonInput
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _

# Digits, spaces and + - ( ): a number as people write it; at least five digits.
_PHONE = re.compile(r"^\+?[0-9 ()-]{5,40}$")
PERSON_FIELDS = ("namn", "roll", "telefon", "epost")


def _phone(value: str) -> bool:
    return _PHONE.fullmatch(value) is not None and sum(c.isdigit() for c in value) >= 5


def row_numbers(form: Mapping[str, Any]) -> list[int]:
    """The person rows the form holds (``person-<n>-namn`` …), in order."""
    numbers = set()
    for key in form:
        match = re.fullmatch(r"person-([0-9]{1,3})-(?:namn|roll|telefon|epost)", key)
        if match:
            numbers.add(int(match.group(1)))
    return sorted(numbers)


def contact(form: Mapping[str, Any]) -> ContactInput:
    errors: dict[str, str] = {}
    duty_phone = forms.text(form, "telefon", max_length=40)
    mailbox = forms.text(form, "brevlada", max_length=320)
    alternative = forms.text(form, "alternativ", max_length=300)
    if not duty_phone:
        errors["telefon"] = _("Ange ett telefonnummer som nås dygnet runt.")
    elif not _phone(duty_phone):
        errors["telefon"] = _("Ange telefonnumret med siffror, till exempel 08-530 610 00.")
    if mailbox:
        usable = forms.email_address(mailbox)
        if usable is None:
            errors["brevlada"] = _("Ange en e-postadress, till exempel beredskap@exempel.se.")
        else:
            mailbox = usable
    if len(alternative) > 300:
        errors["alternativ"] = _("Högst 300 tecken.")
    people = []
    for number in row_numbers(form):
        prefix = f"person-{number}-"
        name = forms.text(form, prefix + "namn", max_length=200)
        role = forms.text(form, prefix + "roll", max_length=200)
        phone = forms.text(form, prefix + "telefon", max_length=40)
        email = forms.text(form, prefix + "epost", max_length=320)
        if not (name or role or phone or email):
            continue  # an empty row: left out (how a person is removed)
        if not name or len(name) > 200:
            errors[prefix + "namn"] = _("Ange personens namn (högst 200 tecken).")
        if not role or len(role) > 200:
            errors[prefix + "roll"] = _("Ange personens roll vid en kris (högst 200 tecken).")
        if not _phone(phone):
            errors[prefix + "telefon"] = _(
                "Ange telefonnumret med siffror, till exempel 070-123 45 67."
            )
        if email:
            usable = forms.email_address(email)
            if usable is None:
                errors[prefix + "epost"] = _("Ange en e-postadress, eller lämna fältet tomt.")
            else:
                email = usable
        people.append(PersonInput(name, role, phone, email))
    if len(people) > MAX_PEOPLE:
        errors["people"] = _("Högst %(n)s personer per organisation.") % {"n": MAX_PEOPLE}
    if errors:
        raise Invalid(errors)
    return ContactInput(duty_phone, mailbox, alternative, tuple(people))
