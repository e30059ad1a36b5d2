"""Organisations, their people, and invitations to them: this feature's part of the one route table
(composed in partner_portal.routes). Every route names its access policy, and every route whose
path names an organisation or an invitation the loader (organisations.access) that checks this
person's access to it before the view runs."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN, PUBLIC
from partner_portal.organisations import access as organisation_access
from partner_portal.organisations import invitation_views as invitations
from partner_portal.organisations import views as organisations
from partner_portal.platform.paths import GET_POST, INVITATION_LINK, ORG, POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Organisations and their people (object access is checked in organisations.access)
        route("/organisationer", organisations.index, name="organisations", access=COORDINATOR),
        route(
            "/organisationer/ny",
            organisations.create,
            name="organisation_new",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(
            ORG,
            organisations.show,
            name="organisation",
            access=LOGGED_IN,
            load=organisation_access.organisation,
        ),
        route(
            f"{ORG}/redigera",
            organisations.edit,
            name="organisation_edit",
            access=COORDINATOR,
            load=organisation_access.organisation,
            methods=GET_POST,
        ),
        route(
            f"{ORG}/aktiv",
            organisations.set_active,
            name="organisation_active",
            access=COORDINATOR,
            load=organisation_access.organisation,
            methods=POST,
        ),
        route(
            f"{ORG}/medlemmar/{{membership_id:id}}",
            organisations.change_membership,
            name="membership",
            access=LOGGED_IN,
            load=organisation_access.organisation,
            methods=POST,
        ),
        route(
            f"{ORG}/medlemmar/{{membership_id:id}}/avsluta",
            organisations.end_membership,
            name="membership_end",
            access=LOGGED_IN,
            load=organisation_access.organisation,
            methods=POST,
        ),
        # Invitations
        route(
            f"{ORG}/inbjudningar",
            invitations.invite,
            name="organisation_invite",
            access=LOGGED_IN,
            load=organisation_access.organisation,
            methods=POST,
        ),
        route("/inbjudningar", invitations.index, name="invitations", access=COORDINATOR),
        route(
            "/inbjudningar/{invitation_id:id}/skicka-igen",
            invitations.resend,
            name="invitation_resend",
            access=LOGGED_IN,
            load=organisation_access.invitation,
            methods=POST,
        ),
        route(
            "/inbjudningar/{invitation_id:id}/aterkalla",
            invitations.revoke,
            name="invitation_revoke",
            access=LOGGED_IN,
            load=organisation_access.invitation,
            methods=POST,
        ),
        route(INVITATION_LINK, invitations.open_link, name="invitation_open", access=PUBLIC),
        route(
            INVITATION_LINK,
            invitations.accept,
            name="invitation_accept",
            access=LOGGED_IN,
            methods=POST,
        ),
    ]
