"""Who acts for which organisation: the one rule partners' data depends on, written once.

A person **acts for** an organisation while their membership has not ended and the
organisation is active. Every page, mail and check that asks "may this person speak for, see
or be reached as this organisation" uses :func:`acting_for` (or the subquery
:func:`organisation_ids_of`); only the organisation's own administration — its member list,
adding or ending a membership, deactivating it — looks at memberships that have not ended
whatever the organisation's state, through :func:`current_membership`.

tests/organisations/test_acting.py holds the rule, and that no other module writes it again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.organisations.models import Membership, Organisation


def current_membership() -> sa.ColumnElement[bool]:
    """A membership that has not ended (the organisation may be inactive)."""
    return col(Membership.ended_at).is_(None)


def acting_for() -> sa.ColumnElement[bool]:
    """The membership's person acts for its organisation: the membership has not ended and the
    organisation is active. For a query that has both ``Membership`` and ``Organisation`` (the
    membership's), e.g. joined with :func:`membership_organisation`."""
    return sa.and_(current_membership(), col(Organisation.is_active).is_(True))


def membership_organisation() -> sa.ColumnElement[bool]:
    """The join condition from a membership to its organisation."""
    return col(Organisation.id) == col(Membership.organisation_id)


def organisation_ids_of(person_id: int) -> Any:
    """The organisations a person acts for, as a subquery (for ``column.in_(…)``)."""
    return (
        sa.select(col(Membership.organisation_id))
        .join(Organisation, membership_organisation())
        .where(col(Membership.person_id) == person_id, acting_for())
    )
