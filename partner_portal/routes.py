"""The one route table. Every route is named and declares who may use it."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute

from partner_portal import health
from partner_portal.actions import views as actions
from partner_portal.attachments import views as files
from partner_portal.audit import views as audit
from partner_portal.auth import role_views as roles
from partner_portal.auth import views as auth
from partner_portal.auth.access import (
    COORDINATOR,
    DEV_ONLY,
    FOLLOWUP,
    FOLLOWUP_API,
    LINK_TOKEN,
    LOGGED_IN,
    PUBLIC,
)
from partner_portal.consultations import views as consultations
from partner_portal.deliverables import views as deliverables
from partner_portal.devtools import views as devtools
from partner_portal.followup import api_token_views as api_tokens
from partner_portal.followup import api_views as followup_api
from partner_portal.followup import views as followup
from partner_portal.followup.api import api_route
from partner_portal.frg import lead_views as frg_lead
from partner_portal.frg import link_views as frg_links
from partner_portal.frg import views as frg
from partner_portal.meetings import views as meetings
from partner_portal.organisations import invitation_views as invitations
from partner_portal.organisations import views as organisations
from partner_portal.pages import views as pages
from partner_portal.plans import views as plans
from partner_portal.privacy import views as privacy
from partner_portal.resources import resource_dir
from partner_portal.rooms import template_views as templates
from partner_portal.rooms import views as rooms
from partner_portal.web import PublicMount, route


class IdConvertor(Convertor[int]):
    """Database ids in paths: a positive integer that fits every database's integer column,
    so an oversized or malformed id is simply a page that does not exist (404)."""

    regex = "[1-9][0-9]{0,8}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]
ORG = "/organisationer/{organisation_id:id}"
ROOM = "/rum/{room_id:id}"
ITEM = f"{ROOM}/organisationer/{{organisation_id:id}}/punkter/{{item_id:id}}"
REMISS = f"{ROOM}/remisser/{{consultation_id:id}}"
MEETING = "/moten/{meeting_id:id}"
ACTION = "/atgarder/{action_id:id}"
FRG = "/frg/{organisation_id:id}"
LEAD = f"{FRG}/ledning"
PLAN = f"{ROOM}/planer/{{plan_id:id}}"


def routes(*, dev_tools: bool) -> list[BaseRoute]:
    table: list[BaseRoute] = [
        route("/", pages.home, name="home", access=PUBLIC),
        route("/tillganglighet", pages.accessibility, name="accessibility", access=PUBLIC),
        route("/sprak/{lang}", pages.choose_language, name="language", access=PUBLIC),
        # Personal data: the privacy information, one's own data, removal (the coordinator confirms)
        route("/personuppgifter", privacy.privacy, name="privacy", access=PUBLIC),
        route("/mina-uppgifter", privacy.mine, name="my_data", access=LOGGED_IN),
        route("/mina-uppgifter.json", privacy.export, name="my_data_export", access=LOGGED_IN),
        route(
            "/mina-uppgifter/radering",
            privacy.request_removal,
            name="removal_request",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            "/mina-uppgifter/radering/aterkalla",
            privacy.withdraw_removal,
            name="removal_withdraw",
            access=LOGGED_IN,
            methods=POST,
        ),
        route("/raderingar", privacy.removals, name="removals", access=COORDINATOR),
        route(
            "/raderingar/{person_id:id}/bekrafta",
            privacy.confirm_removal,
            name="removal_confirm",
            access=COORDINATOR,
            methods=POST,
        ),
        # Login
        route("/auth/login", auth.login, name="login", access=PUBLIC),
        route("/auth/callback", auth.callback, name="login_callback", access=PUBLIC),
        route("/auth/logout", auth.logout, name="logout", access=LOGGED_IN, methods=POST),
        # Organisations and their people (object access is checked in organisations.access)
        route("/organisationer", organisations.index, name="organisations", access=COORDINATOR),
        route(
            "/organisationer/ny",
            organisations.create,
            name="organisation_new",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(ORG, organisations.show, name="organisation", access=LOGGED_IN),
        route(
            f"{ORG}/redigera",
            organisations.edit,
            name="organisation_edit",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(
            f"{ORG}/aktiv",
            organisations.set_active,
            name="organisation_active",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{ORG}/medlemmar/{{membership_id:id}}",
            organisations.change_membership,
            name="membership",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ORG}/medlemmar/{{membership_id:id}}/avsluta",
            organisations.end_membership,
            name="membership_end",
            access=LOGGED_IN,
            methods=POST,
        ),
        # Invitations
        route(
            f"{ORG}/inbjudningar",
            invitations.invite,
            name="organisation_invite",
            access=LOGGED_IN,
            methods=POST,
        ),
        route("/inbjudningar", invitations.index, name="invitations", access=COORDINATOR),
        route(
            "/inbjudningar/{invitation_id:id}/skicka-igen",
            invitations.resend,
            name="invitation_resend",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            "/inbjudningar/{invitation_id:id}/aterkalla",
            invitations.revoke,
            name="invitation_revoke",
            access=LOGGED_IN,
            methods=POST,
        ),
        route("/inbjudan/{token}", invitations.open_link, name="invitation_open", access=PUBLIC),
        route(
            "/inbjudan/{token}",
            invitations.accept,
            name="invitation_accept",
            access=LOGGED_IN,
            methods=POST,
        ),
        # Planning rooms (object access is checked in rooms.access)
        route("/rum", rooms.index, name="rooms", access=LOGGED_IN),
        route("/rum/ny", rooms.create, name="room_new", access=COORDINATOR, methods=GET_POST),
        route(ROOM, rooms.show, name="room", access=LOGGED_IN),
        route(
            f"{ROOM}/deltagare", rooms.invite, name="room_invite", access=COORDINATOR, methods=POST
        ),
        route(
            f"{ROOM}/organisationer/{{organisation_id:id}}/svar",
            rooms.answer,
            name="room_answer",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ROOM}/organisationer/{{organisation_id:id}}/lamna",
            rooms.withdraw,
            name="room_withdraw",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ROOM}/aktuell-fas",
            rooms.set_phase,
            name="room_current_phase",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{ROOM}/faser/{{phase_id:id}}",
            rooms.edit_phase,
            name="room_phase",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(
            f"{ROOM}/faser/{{phase_id:id}}/punkter",
            rooms.add_item,
            name="room_item_add",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{ROOM}/punkter/{{item_id:id}}/ta-bort",
            rooms.remove_item,
            name="room_item_remove",
            access=COORDINATOR,
            methods=POST,
        ),
        route(f"{ROOM}/stang", rooms.close, name="room_close", access=COORDINATOR, methods=POST),
        route(ITEM, rooms.item, name="room_item", access=LOGGED_IN),
        route(
            f"{ITEM}/lage",
            rooms.update_progress,
            name="room_item_progress",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/lamna-in",
            rooms.submit,
            name="room_item_submit",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/granska",
            rooms.review,
            name="room_item_review",
            access=COORDINATOR,
            methods=POST,
        ),
        # Structured deliverables on an item (who may act is checked in rooms.progress)
        route(
            f"{ITEM}/styrel",
            deliverables.save_styrel,
            name="styrel_add",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/styrel/{{row_id:id}}",
            deliverables.edit_styrel,
            name="styrel_edit",
            access=LOGGED_IN,
        ),
        route(
            f"{ITEM}/styrel/{{row_id:id}}",
            deliverables.save_styrel,
            name="styrel_save",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/styrel/{{row_id:id}}/ta-bort",
            deliverables.delete_styrel,
            name="styrel_delete",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/vatten",
            deliverables.save_water,
            name="water_add",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/vatten/{{row_id:id}}",
            deliverables.edit_water,
            name="water_edit",
            access=LOGGED_IN,
        ),
        route(
            f"{ITEM}/vatten/{{row_id:id}}",
            deliverables.save_water,
            name="water_save",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/vatten/{{row_id:id}}/ta-bort",
            deliverables.delete_water,
            name="water_delete",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ITEM}/beredskap",
            deliverables.save_readiness,
            name="readiness_save",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{ROOM}/export/{{what}}.{{fmt}}",
            deliverables.export,
            name="room_export",
            access=LOGGED_IN,
        ),
        # Files in a room (who sees which file is checked in attachments.access)
        route(f"{ROOM}/filer", files.index, name="room_files", access=LOGGED_IN),
        route(
            f"{ROOM}/filer",
            files.upload,
            name="room_files_upload",
            access=LOGGED_IN,
            methods=POST,
            uploads=True,
        ),
        route(f"{ROOM}/filer/{{file_id:id}}", files.download, name="room_file", access=LOGGED_IN),
        # Consultations (remisser) on plan versions (object access in rooms.access + service)
        route(f"{ROOM}/remisser", consultations.index, name="consultations", access=LOGGED_IN),
        route(
            f"{ROOM}/remisser",
            consultations.open_consultation,
            name="consultation_open",
            access=COORDINATOR,
            methods=POST,
        ),
        route(REMISS, consultations.show, name="consultation", access=LOGGED_IN),
        route(
            f"{REMISS}/inga-synpunkter",
            consultations.confirm_no_objections,
            name="statement_no_objections",
            access=LOGGED_IN,
        ),
        route(
            f"{REMISS}/yttranden",
            consultations.submit,
            name="statement_submit",
            access=LOGGED_IN,
            methods=POST,
            uploads=True,
        ),
        route(
            f"{REMISS}/sammanstallning",
            consultations.compilation,
            name="consultation_compilation",
            access=COORDINATOR,
        ),
        route(
            f"{REMISS}/sammanstallning.{{fmt}}",
            consultations.export,
            name="consultation_export",
            access=COORDINATOR,
        ),
        route(
            f"{REMISS}/yttranden/{{statement_id:id}}/svar",
            consultations.respond_statement,
            name="statement_respond",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{REMISS}/kommentarer/{{comment_id:id}}/svar",
            consultations.respond_comment,
            name="comment_respond",
            access=COORDINATOR,
            methods=POST,
        ),
        # Plans in a room (object access is checked in plans.access, through rooms.access)
        route(f"{ROOM}/planer", plans.index, name="plans", access=LOGGED_IN),
        route(f"{ROOM}/planer", plans.create, name="plan_new", access=COORDINATOR, methods=POST),
        route(PLAN, plans.show, name="plan", access=LOGGED_IN),
        route(f"{PLAN}/jamfor", plans.compare, name="plan_compare", access=LOGGED_IN),
        route(f"{PLAN}/utkast", plans.draft, name="plan_draft", access=COORDINATOR),
        route(
            f"{PLAN}/utkast/avsnitt",
            plans.add_section,
            name="plan_section_add",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{PLAN}/utkast/avsnitt/{{section_id:id}}",
            plans.save_section,
            name="plan_section_save",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{PLAN}/utkast/avsnitt/{{section_id:id}}/ta-bort",
            plans.remove_section,
            name="plan_section_remove",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{PLAN}/publicera",
            plans.publish,
            name="plan_publish",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{PLAN}/avsnitt/{{section_id:id}}/kommentarer",
            plans.threads,
            name="plan_threads",
            access=LOGGED_IN,
        ),
        route(
            f"{PLAN}/avsnitt/{{section_id:id}}/kommentarer",
            plans.comment,
            name="plan_comment",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{PLAN}/kommentarer/{{comment_id:id}}/redigera",
            plans.edit_comment,
            name="plan_comment_edit",
            access=LOGGED_IN,
            methods=GET_POST,
        ),
        route(
            f"{PLAN}/kommentarer.{{fmt}}",
            plans.export_comments,
            name="plan_comments_export",
            access=LOGGED_IN,
        ),
        route(f"{PLAN}/handelser", plans.events, name="plan_events", access=LOGGED_IN),
        route("/mallar", templates.index, name="templates", access=COORDINATOR),
        route(
            "/mallar/{template_id:id}",
            templates.edit,
            name="template",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        # Follow-up for the municipal board (coordinators and follow-up readers)
        route("/uppfoljning", followup.index, name="followup", access=FOLLOWUP),
        route("/uppfoljning/cell", followup.cell, name="followup_cell", access=FOLLOWUP),
        route(
            "/uppfoljning/processer/{process}",
            followup.process_view,
            name="followup_process",
            access=FOLLOWUP,
        ),
        route(
            "/uppfoljning/rapport", followup.report_page, name="followup_report", access=FOLLOWUP
        ),
        route(
            "/uppfoljning/rapport.pdf",
            followup.report_pdf,
            name="followup_report_pdf",
            access=FOLLOWUP,
        ),
        route(
            "/uppfoljning/export/{what}.{fmt}",
            followup.export,
            name="followup_export",
            access=FOLLOWUP,
        ),
        # Portal-wide roles
        route("/roller", roles.index, name="roles", access=COORDINATOR),
        route("/roller", roles.grant, name="role_grant", access=COORDINATOR, methods=POST),
        route(
            "/roller/{grant_id:id}/ta-bort",
            roles.revoke,
            name="role_revoke",
            access=COORDINATOR,
            methods=POST,
        ),
        # The follow-up API: JSON for the reporting tools, bearer API tokens only (followup/api.py)
        route("/uppfoljning/api-nycklar", api_tokens.index, name="api_tokens", access=COORDINATOR),
        route(
            "/uppfoljning/api-nycklar",
            api_tokens.issue,
            name="api_token_issue",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            "/uppfoljning/api-nycklar/{token_id:id}/aterkalla",
            api_tokens.revoke,
            name="api_token_revoke",
            access=COORDINATOR,
            methods=POST,
        ),
        api_route("/api/v1/openapi.json", followup_api.openapi, name="api_openapi", access=PUBLIC),
        api_route("/api/v1/matrix", followup_api.matrix, name="api_matrix", access=FOLLOWUP_API),
        api_route(
            "/api/v1/organisations",
            followup_api.organisations,
            name="api_organisations",
            access=FOLLOWUP_API,
        ),
        api_route(
            "/api/v1/evidence", followup_api.evidence, name="api_evidence", access=FOLLOWUP_API
        ),
        # Anything else under /api answers JSON 404, not an HTML page.
        api_route("/api/{rest:path}", followup_api.not_found, name="api_not_found", access=PUBLIC),
        # Meetings (object access is checked in meetings.access) and actions (actions.access)
        route("/moten", meetings.index, name="meetings", access=LOGGED_IN),
        route(
            "/moten/nytt",
            meetings.create,
            name="meeting_new",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(MEETING, meetings.show, name="meeting", access=LOGGED_IN),
        route(
            f"{MEETING}/andra",
            meetings.edit,
            name="meeting_edit",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(
            f"{MEETING}/stall-in",
            meetings.cancel,
            name="meeting_cancel",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{MEETING}/svar",
            meetings.answer,
            name="meeting_answer",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{MEETING}/narvaro",
            meetings.attendance,
            name="meeting_attendance",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{MEETING}/protokoll",
            meetings.minutes,
            name="meeting_minutes",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{MEETING}/beslut",
            meetings.decision,
            name="meeting_decision",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            f"{MEETING}/beslut/{{decision_id:id}}/atgard",
            meetings.decision_action,
            name="meeting_decision_action",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(f"{MEETING}/mote.ics", meetings.download, name="meeting_ics", access=LOGGED_IN),
        route("/atgarder", actions.index, name="actions", access=LOGGED_IN),
        route(
            "/atgarder/ny", actions.create, name="action_new", access=COORDINATOR, methods=GET_POST
        ),
        route(ACTION, actions.show, name="action", access=LOGGED_IN),
        route(
            f"{ACTION}/lage",
            actions.set_status,
            name="action_status",
            access=LOGGED_IN,
            methods=POST,
        ),
        # The person's calendar feed: the secret token in the URL is the access.
        route("/kalender", meetings.calendar_page, name="calendar", access=LOGGED_IN),
        route(
            "/kalender",
            meetings.calendar_create,
            name="calendar_create",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            "/kalender/aterkalla",
            meetings.calendar_revoke,
            name="calendar_revoke",
            access=LOGGED_IN,
            methods=POST,
        ),
        route("/kalender/{token}.ics", meetings.calendar_feed, name="calendar_feed", access=PUBLIC),
        # FRG volunteers (own registration: frg.access.volunteer_for; leads: frg.access.lead_for)
        route("/frg", frg.index, name="frg", access=LOGGED_IN),
        route(
            "/frg/inbjudan/{token}", frg_links.invitation_open, name="frg_invitation", access=PUBLIC
        ),
        route(
            "/frg/inbjudan/{token}",
            frg_links.invitation_accept,
            name="frg_invitation_accept",
            access=LOGGED_IN,
            methods=POST,
        ),
        route("/frg/anmalan/{token}", frg_links.signup_open, name="frg_signup_open", access=PUBLIC),
        route(
            "/frg/anmalan/{token}",
            frg_links.signup,
            name="frg_signup",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            "/frg/svar/{token}",
            frg_links.answer,
            name="frg_answer",
            access=LINK_TOKEN,
            methods=GET_POST,
        ),
        route(
            "/frg/tillganglighet/{token}",
            frg_links.confirm_availability,
            name="frg_confirm_availability",
            access=LINK_TOKEN,
            methods=GET_POST,
        ),
        route(
            f"{FRG}/uppgifter", frg.profile, name="frg_profile", access=LOGGED_IN, methods=GET_POST
        ),
        route(
            f"{FRG}/tillganglighet",
            frg.availability,
            name="frg_availability",
            access=LOGGED_IN,
            methods=GET_POST,
        ),
        route(
            f"{FRG}/tillganglighet/vecka", frg.week, name="frg_week", access=LOGGED_IN, methods=POST
        ),
        route(
            f"{FRG}/franvaro",
            frg.add_absence,
            name="frg_absence_add",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{FRG}/franvaro/{{absence_id:id}}/ta-bort",
            frg.remove_absence,
            name="frg_absence_remove",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(f"{FRG}/mina-uppgifter", frg.my_data, name="frg_my_data", access=LOGGED_IN),
        route(f"{FRG}/mina-uppgifter.{{fmt}}", frg.export, name="frg_export", access=LOGGED_IN),
        route(
            f"{FRG}/mina-uppgifter/radera",
            frg.delete,
            name="frg_delete",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(LEAD, frg_lead.dashboard, name="frg_lead", access=LOGGED_IN),
        route(
            f"{LEAD}/inbjudningar",
            frg_lead.invite,
            name="frg_invite",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{LEAD}/anmalningslank",
            frg_lead.signup_link,
            name="frg_signup_link",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{LEAD}/medlemmar/{{volunteer_id:id}}/godkann",
            frg_lead.approve,
            name="frg_approve",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{LEAD}/medlemmar/{{volunteer_id:id}}/ta-bort",
            frg_lead.remove,
            name="frg_remove",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{LEAD}/kompetenser",
            frg_lead.skills,
            name="frg_skills",
            access=LOGGED_IN,
            methods=GET_POST,
        ),
        route(
            f"{LEAD}/kompetenser/{{skill_id:id}}",
            frg_lead.skill_active,
            name="frg_skill_active",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(f"{LEAD}/sok", frg_lead.search, name="frg_search", access=LOGGED_IN),
        route(f"{LEAD}/oversikt", frg_lead.overview, name="frg_overview", access=LOGGED_IN),
        route(
            f"{LEAD}/utlarmningar/ny",
            frg_lead.new_callout,
            name="frg_callout_new",
            access=LOGGED_IN,
            methods=GET_POST,
        ),
        route(
            f"{LEAD}/utlarmningar/{{callout_id:id}}",
            frg_lead.show_callout,
            name="frg_callout",
            access=LOGGED_IN,
        ),
        route(
            f"{LEAD}/utlarmningar/{{callout_id:id}}/mottagare/{{recipient_id:id}}",
            frg_lead.update_recipient,
            name="frg_recipient",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            f"{LEAD}/utlarmningar/{{callout_id:id}}/stang",
            frg_lead.close_callout,
            name="frg_callout_close",
            access=LOGGED_IN,
            methods=POST,
        ),
        # The audit log
        route("/logg", audit.index, name="audit_log", access=COORDINATOR),
        # Operations
        route("/healthz", health.healthz, name="healthz", access=PUBLIC),
        route("/readyz", health.readyz, name="readyz", access=PUBLIC),
        PublicMount("/static", str(resource_dir("static")), name="static"),
    ]
    if dev_tools:
        table.append(route("/dev/mail", devtools.mailbox, name="dev_mail", access=DEV_ONLY))
    return table
