"""Meetings (object access in meetings.access), actions (actions.access) and the calendar feed:
this feature's part of the one route table (composed in partner_portal.routes). Every route
names its access policy, and every route whose path names a meeting or an action the loader that
checks this person's access to it before the view runs."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.actions import access as action_access
from partner_portal.actions import views as actions
from partner_portal.auth.access import COORDINATOR, LOGGED_IN, PUBLIC
from partner_portal.meetings import access as meeting_access
from partner_portal.meetings import series_views
from partner_portal.meetings import views as meetings
from partner_portal.meetings.series import SERIES
from partner_portal.platform.paths import ACTION, GET_POST, MEETING, POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Meetings (object access is checked in meetings.access) and actions (actions.access)
        route("/moten", meetings.index, name="meetings", access=LOGGED_IN),
        route(
            "/moten/nytt",
            meetings.create,
            name="meeting_new",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(
            MEETING, meetings.show, name="meeting", access=LOGGED_IN, load=meeting_access.meeting
        ),
        route(
            SERIES,
            series_views.show,
            name="meeting_series",
            access=LOGGED_IN,
            load=meeting_access.series,
        ),
        route(
            f"{SERIES}/serie.ics",
            series_views.download,
            name="meeting_series_ics",
            access=LOGGED_IN,
            load=meeting_access.series,
        ),
        route(
            f"{MEETING}/andra",
            meetings.edit,
            name="meeting_edit",
            access=COORDINATOR,
            load=meeting_access.meeting,
            methods=GET_POST,
        ),
        route(
            f"{MEETING}/stall-in",
            meetings.cancel,
            name="meeting_cancel",
            access=COORDINATOR,
            load=meeting_access.meeting,
            methods=POST,
        ),
        route(
            f"{MEETING}/svar",
            meetings.answer,
            name="meeting_answer",
            access=LOGGED_IN,
            load=meeting_access.meeting,
            methods=POST,
        ),
        route(
            f"{MEETING}/narvaro",
            meetings.attendance,
            name="meeting_attendance",
            access=COORDINATOR,
            load=meeting_access.meeting,
            methods=POST,
        ),
        route(
            f"{MEETING}/protokoll",
            meetings.minutes,
            name="meeting_minutes",
            access=COORDINATOR,
            load=meeting_access.meeting,
            methods=POST,
        ),
        route(
            f"{MEETING}/beslut",
            meetings.decision,
            name="meeting_decision",
            access=COORDINATOR,
            load=meeting_access.meeting,
            methods=POST,
        ),
        route(
            f"{MEETING}/beslut/{{decision_id:id}}/atgard",
            meetings.decision_action,
            name="meeting_decision_action",
            access=COORDINATOR,
            load=meeting_access.meeting,
            methods=GET_POST,
        ),
        route(
            f"{MEETING}/mote.ics",
            meetings.download,
            name="meeting_ics",
            access=LOGGED_IN,
            load=meeting_access.meeting,
        ),
        route("/atgarder", actions.index, name="actions", access=LOGGED_IN),
        route(
            "/atgarder/ny", actions.create, name="action_new", access=COORDINATOR, methods=GET_POST
        ),
        route(ACTION, actions.show, name="action", access=LOGGED_IN, load=action_access.action),
        route(
            f"{ACTION}/lage",
            actions.set_status,
            name="action_status",
            access=LOGGED_IN,
            load=action_access.action,
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
    ]
