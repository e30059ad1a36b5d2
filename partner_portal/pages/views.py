"""The start page, the accessibility statement and the language choice."""

from __future__ import annotations

from datetime import date

from starlette.responses import RedirectResponse, Response

from partner_portal.actions.queries import waiting_for
from partner_portal.auth.service import language_choice, safe_return_to, set_language
from partner_portal.organisations.queries import my_organisations
from partner_portal.platform import clock
from partner_portal.preferences.views import remember_language
from partner_portal.privacy.queries import count_pending
from partner_portal.rooms.owed import owed_by_person
from partner_portal.web import Ctx


async def home(ctx: Ctx) -> Response:
    person = ctx.person
    organisations = await my_organisations(ctx.db, person.id) if person else []
    owed = await owed_by_person(ctx.db, person.id) if person and organisations else []
    waiting = await waiting_for(ctx.db, person.id) if person and organisations else []
    removals = await count_pending(ctx.db) if person and person.is_coordinator else 0
    return ctx.render(
        "pages/home.html",
        {
            "my_organisations": organisations,
            "owed": owed,
            "waiting": waiting,
            "today": clock.today(),
            "removals_pending": removals,
        },
    )


# The accessibility statement (DIGG's model): when the portal was last assessed, and when the
# statement was last changed. Update both when a known problem is fixed or a new one is found.
ACCESSIBILITY_ASSESSED_ON = date(2026, 12, 6)
ACCESSIBILITY_STATEMENT_UPDATED_ON = date(2026, 12, 7)


async def accessibility(ctx: Ctx) -> Response:
    """The statement; the session limits it names are the ones this portal runs with."""
    return ctx.render(
        "pages/accessibility.html",
        {
            "idle_minutes": ctx.settings.session_idle_minutes,
            "max_hours": ctx.settings.session_max_hours,
            "assessed_on": ACCESSIBILITY_ASSESSED_ON,
            "updated_on": ACCESSIBILITY_STATEMENT_UPDATED_ON,
        },
    )


async def choose_language(ctx: Ctx) -> Response:
    """A plain link (works without JavaScript and without a session): sets the cookie, and
    for a logged-in person also stores the choice (their pages elsewhere and their mail) —
    unless the link was followed from another site, which may change this browser's cookie
    but not what the person chose."""
    language = language_choice(ctx.request.path_params["lang"])
    from_here = ctx.request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    if ctx.person is not None and from_here:
        await set_language(ctx.db, ctx.person.id, language)
    response = RedirectResponse(
        safe_return_to(ctx.request.query_params.get("next")), status_code=303
    )
    return remember_language(response, language, secure=ctx.settings.https)
