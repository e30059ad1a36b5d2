"""Asking before something that cannot be undone: a page of its own, without JavaScript.

The button for an irreversible action posts its form as before; without the confirmation field
the view answers with this page (it writes nothing), which says what will happen and posts the
same form again with the field. Only that second post acts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from partner_portal.web import Ctx

FIELD = "bekraftat"
YES = "ja"


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What the page says and where its buttons go."""

    title: str  # the question, as the page's heading: "Stäng rummet Styrel 2026?"
    explanation: Sequence[str]  # what happens, one paragraph each
    button: str  # the action, named: "Ja, stäng rummet"
    action: str  # where the confirmed form posts
    cancel: str  # back, with nothing done
    fields: Mapping[str, str] = field(default_factory=dict)  # the original form's own fields
    warning: str | None = None  # something the person must not miss, shown first
    irreversible: bool = True  # says "Det går inte att ångra."


def confirmed(form: Mapping[str, Any]) -> bool:
    return form.get(FIELD) == YES


def ask(ctx: Ctx, confirmation: Confirmation) -> Response:
    """The confirmation page (nothing has been done)."""
    return ctx.render("confirm.html", {"confirm": confirmation, "confirm_field": FIELD})
