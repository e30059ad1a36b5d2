"""Parsing the organisation, invitation and membership forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.organisations.invitation_sending import InvitationInput
from partner_portal.organisations.models import MembershipRole, OrganisationKind
from partner_portal.organisations.service import MembershipInput, OrganisationInput
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.text import normalise_org_number

_KINDS = {k.value: k for k in OrganisationKind}
_ROLES = {r.value: r for r in MembershipRole}


def organisation(form: Mapping[str, Any]) -> OrganisationInput:
    errors: dict[str, str] = {}
    name = " ".join(forms.text(form, "name", max_length=200).split())
    if not name:
        errors["name"] = _("Ange organisationens namn.")
    elif len(name) > 200:
        errors["name"] = _("Namnet får vara högst 200 tecken.")
    kind = forms.choice(forms.text(form, "kind", max_length=40), _KINDS)
    if kind is None:
        errors["kind"] = _("Välj vilken sorts organisation det är.")
    raw_number = forms.text(form, "org_number", max_length=20)
    org_number = None
    if raw_number:
        org_number = normalise_org_number(raw_number)
        if org_number is None:
            errors["org_number"] = _(
                "Organisationsnumret är inte giltigt. Skriv tio siffror, till exempel "
                "212000-0142, och kontrollera sista siffran."
            )
    raw_parent = forms.text(form, "parent_id", max_length=12)
    parent_id = forms.positive_int(raw_parent) if raw_parent else None
    if raw_parent and parent_id is None:
        errors["parent_id"] = _("Välj en moderorganisation i listan.")
    raw_email = forms.text(form, "contact_email", max_length=320)
    contact_email = forms.email_address(raw_email) if raw_email else None
    if raw_email and contact_email is None:
        errors["contact_email"] = _(
            "Ange en giltig e-postadress, till exempel info@botkyrkabyggen.se."
        )
    if errors:
        raise Invalid(errors)
    assert isinstance(kind, OrganisationKind)
    return OrganisationInput(name, kind, org_number, parent_id, contact_email)


def invitation(form: Mapping[str, Any]) -> InvitationInput:
    errors: dict[str, str] = {}
    raw_email = forms.text(form, "email", max_length=320)
    email = forms.email_address(raw_email)
    if not raw_email:
        errors["email"] = _("Ange e-postadressen till den du vill bjuda in.")
    elif email is None:
        errors["email"] = _("Ange en giltig e-postadress, till exempel namn@organisation.se.")
    role = forms.choice(forms.text(form, "role", max_length=20), _ROLES)
    if role is None:
        errors["role"] = _("Välj vilken roll personen ska få.")
    if errors:
        raise Invalid(errors)
    assert email is not None
    assert isinstance(role, MembershipRole)
    return InvitationInput(email, role)


def membership(form: Mapping[str, Any]) -> MembershipInput:
    role = forms.choice(forms.text(form, "role", max_length=20), _ROLES)
    if role is None:
        raise Invalid({"role": _("Välj vilken roll personen ska ha.")})
    return MembershipInput(role, forms.text(form, "is_deputy", max_length=5) == "on")
