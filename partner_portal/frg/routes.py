"""FRG volunteers: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy; a route under an FRG organisation
also names its loader — the volunteer's own registration (frg.access.volunteer) on the
volunteer's pages, the organisation for its leads and coordinators (frg.access.group_lead) on
the lead's pages."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LINK_TOKEN, LOGGED_IN, PUBLIC
from partner_portal.frg import access as frg_access
from partner_portal.frg import lead_views as frg_lead
from partner_portal.frg import link_views as frg_links
from partner_portal.frg import views as frg
from partner_portal.platform.paths import (
    AVAILABILITY,
    AVAILABILITY_LINK,
    CALLOUT,
    CALLOUT_ANSWER_LINK,
    FRG,
    FRG_INVITATION_LINK,
    FRG_SIGNUP_LINK,
    GET_POST,
    LEAD,
    POST,
)
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # FRG volunteers (own registration: frg.access.volunteer; leads: frg.access.group_lead)
        route("/frg", frg.index, name="frg", access=LOGGED_IN),
        route(FRG_INVITATION_LINK, frg_links.invitation_open, name="frg_invitation", access=PUBLIC),
        route(
            FRG_INVITATION_LINK,
            frg_links.invitation_accept,
            name="frg_invitation_accept",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(FRG_SIGNUP_LINK, frg_links.signup_open, name="frg_signup_open", access=PUBLIC),
        route(
            FRG_SIGNUP_LINK,
            frg_links.signup,
            name="frg_signup",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            CALLOUT_ANSWER_LINK,
            frg_links.answer,
            name="frg_answer",
            access=LINK_TOKEN,
            methods=GET_POST,
        ),
        route(
            AVAILABILITY_LINK,
            frg_links.confirm_availability,
            name="frg_confirm_availability",
            access=LINK_TOKEN,
            methods=GET_POST,
        ),
        route(
            f"{FRG}/uppgifter",
            frg.profile,
            name="frg_profile",
            access=LOGGED_IN,
            load=frg_access.volunteer,
            methods=GET_POST,
        ),
        route(
            AVAILABILITY,
            frg.availability,
            name="frg_availability",
            access=LOGGED_IN,
            load=frg_access.volunteer,
            methods=GET_POST,
        ),
        route(
            f"{FRG}/tillganglighet/vecka",
            frg.week,
            name="frg_week",
            access=LOGGED_IN,
            load=frg_access.volunteer,
            methods=POST,
        ),
        route(
            f"{FRG}/franvaro",
            frg.add_absence,
            name="frg_absence_add",
            access=LOGGED_IN,
            load=frg_access.volunteer,
            methods=POST,
        ),
        route(
            f"{FRG}/franvaro/{{absence_id:id}}/ta-bort",
            frg.remove_absence,
            name="frg_absence_remove",
            access=LOGGED_IN,
            load=frg_access.volunteer,
            methods=POST,
        ),
        route(
            f"{FRG}/mina-uppgifter",
            frg.my_data,
            name="frg_my_data",
            access=LOGGED_IN,
            load=frg_access.volunteer,
        ),
        route(
            f"{FRG}/mina-uppgifter.{{fmt}}",
            frg.export,
            name="frg_export",
            access=LOGGED_IN,
            load=frg_access.volunteer,
        ),
        route(
            f"{FRG}/mina-uppgifter/radera",
            frg.delete,
            name="frg_delete",
            access=LOGGED_IN,
            load=frg_access.volunteer,
            methods=POST,
        ),
        route(
            LEAD, frg_lead.dashboard, name="frg_lead", access=LOGGED_IN, load=frg_access.group_lead
        ),
        route(
            f"{LEAD}/inbjudningar",
            frg_lead.invite,
            name="frg_invite",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
        route(
            f"{LEAD}/anmalningslank",
            frg_lead.signup_link,
            name="frg_signup_link",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
        route(
            f"{LEAD}/medlemmar/{{volunteer_id:id}}/godkann",
            frg_lead.approve,
            name="frg_approve",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
        route(
            f"{LEAD}/medlemmar/{{volunteer_id:id}}/ta-bort",
            frg_lead.remove,
            name="frg_remove",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
        route(
            f"{LEAD}/kompetenser",
            frg_lead.skills,
            name="frg_skills",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=GET_POST,
        ),
        route(
            f"{LEAD}/kompetenser/{{skill_id:id}}",
            frg_lead.skill_active,
            name="frg_skill_active",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
        route(
            f"{LEAD}/sok",
            frg_lead.search,
            name="frg_search",
            access=LOGGED_IN,
            load=frg_access.group_lead,
        ),
        route(
            f"{LEAD}/oversikt",
            frg_lead.overview,
            name="frg_overview",
            access=LOGGED_IN,
            load=frg_access.group_lead,
        ),
        route(
            f"{LEAD}/utlarmningar/ny",
            frg_lead.new_callout,
            name="frg_callout_new",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=GET_POST,
        ),
        route(
            CALLOUT,
            frg_lead.show_callout,
            name="frg_callout",
            access=LOGGED_IN,
            load=frg_access.group_lead,
        ),
        route(
            f"{CALLOUT}/mottagare/{{recipient_id:id}}",
            frg_lead.update_recipient,
            name="frg_recipient",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
        route(
            f"{CALLOUT}/stang",
            frg_lead.close_callout,
            name="frg_callout_close",
            access=LOGGED_IN,
            load=frg_access.group_lead,
            methods=POST,
        ),
    ]
