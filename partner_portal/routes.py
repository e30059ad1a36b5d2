"""The one route table, composed of each feature's routes (``<feature>/routes.py``) in an
order that matters only where paths could overlap. Every route is named and declares who may
use it; tests/test_routes.py checks the table as a whole."""

from __future__ import annotations

from functools import cache

from starlette.routing import BaseRoute

from partner_portal import health
from partner_portal.attachments import routes as attachments
from partner_portal.audit_log import routes as audit
from partner_portal.auth.access import DEV_ONLY, PUBLIC
from partner_portal.consultations import routes as consultations
from partner_portal.contacts import routes as contacts
from partner_portal.crisispack import routes as crisispack
from partner_portal.deliverables import routes as deliverables
from partner_portal.devtools import views as devtools
from partner_portal.digests import routes as digests
from partner_portal.failed_mail import routes as failed_mail
from partner_portal.followthrough import routes as followthrough
from partner_portal.followup import routes as followup
from partner_portal.forums import routes as forums
from partner_portal.frg import routes as frg
from partner_portal.login import routes as auth
from partner_portal.meetings import routes as meetings
from partner_portal.organisations import routes as organisations
from partner_portal.pages import routes as pages
from partner_portal.plans import routes as plans
from partner_portal.platform.resources import resource_dir
from partner_portal.polls import routes as polls
from partner_portal.preferences import routes as preferences
from partner_portal.privacy import routes as privacy
from partner_portal.questionnaires import routes as questionnaires
from partner_portal.rooms import routes as rooms
from partner_portal.vital_services import routes as vital_services
from partner_portal.web import PublicMount, route


def routes(*, dev_tools: bool) -> list[BaseRoute]:
    """The table, as a list of its own for each app (which may add to it). Its routes are made
    once per process: they hold no state of an app's, and compiling each path's pattern again
    for every app made was most of ``create_app`` (the test suite makes one per test)."""
    return list(_table(dev_tools))


@cache
def _table(dev_tools: bool) -> tuple[BaseRoute, ...]:
    table: list[BaseRoute] = [
        *pages.routes(),
        *preferences.routes(),
        *privacy.routes(),
        *auth.routes(),
        *organisations.routes(),
        *rooms.routes(),
        *forums.routes(),
        *deliverables.routes(),
        *attachments.routes(),
        *consultations.routes(),
        *plans.routes(),
        *rooms.process_templates(),
        *followup.routes(),
        *followthrough.routes(),
        *auth.portal_roles(),
        *followup.api(),
        *meetings.routes(),
        *polls.routes(),
        *frg.routes(),
        *digests.routes(),
        *vital_services.routes(),
        *contacts.routes(),
        *crisispack.routes(),
        *questionnaires.routes(),
        *audit.routes(),
        *failed_mail.routes(),
        # Operations
        route("/healthz", health.healthz, name="healthz", access=PUBLIC),
        route("/readyz", health.readyz, name="readyz", access=PUBLIC),
        PublicMount("/static", str(resource_dir("static")), name="static"),
    ]
    if dev_tools:
        table.append(route("/dev/mail", devtools.mailbox, name="dev_mail", access=DEV_ONLY))
    return tuple(table)
