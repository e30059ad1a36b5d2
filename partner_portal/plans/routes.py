"""Plans in a room: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy, and every route whose path names a
room or a plan its loader (rooms.access.room; plans.access, through rooms.access), which checks
the object access before the view runs."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN
from partner_portal.plans import access as plan_access
from partner_portal.plans import views as plans
from partner_portal.platform.paths import GET_POST, PLAN, POST, ROOM
from partner_portal.rooms import access as room_access
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Plans in a room (object access is checked in plans.access, through rooms.access)
        route(f"{ROOM}/planer", plans.index, name="plans", access=LOGGED_IN, load=room_access.room),
        route(
            f"{ROOM}/planer",
            plans.create,
            name="plan_new",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(PLAN, plans.show, name="plan", access=LOGGED_IN, load=plan_access.plan_page),
        route(
            f"{PLAN}/jamfor",
            plans.compare,
            name="plan_compare",
            access=LOGGED_IN,
            load=plan_access.plan,
        ),
        route(
            f"{PLAN}/utkast",
            plans.draft,
            name="plan_draft",
            access=COORDINATOR,
            load=plan_access.plan,
        ),
        route(
            f"{PLAN}/utkast/avsnitt",
            plans.add_section,
            name="plan_section_add",
            access=COORDINATOR,
            load=plan_access.plan,
            methods=POST,
        ),
        route(
            f"{PLAN}/utkast/avsnitt/{{section_id:id}}",
            plans.save_section,
            name="plan_section_save",
            access=COORDINATOR,
            load=plan_access.plan,
            methods=POST,
        ),
        route(
            f"{PLAN}/utkast/avsnitt/{{section_id:id}}/ta-bort",
            plans.remove_section,
            name="plan_section_remove",
            access=COORDINATOR,
            load=plan_access.plan,
            methods=POST,
        ),
        route(
            f"{PLAN}/publicera",
            plans.publish,
            name="plan_publish",
            access=COORDINATOR,
            load=plan_access.plan,
            methods=POST,
        ),
        route(
            f"{PLAN}/avsnitt/{{section_id:id}}/kommentarer",
            plans.threads,
            name="plan_threads",
            access=LOGGED_IN,
            load=plan_access.plan_section,
        ),
        route(
            f"{PLAN}/avsnitt/{{section_id:id}}/kommentarer",
            plans.comment,
            name="plan_comment",
            access=LOGGED_IN,
            load=plan_access.plan_comment_thread,
            methods=POST,
        ),
        route(
            f"{PLAN}/kommentarer/{{comment_id:id}}/redigera",
            plans.edit_comment,
            name="plan_comment_edit",
            access=LOGGED_IN,
            load=plan_access.plan,
            methods=GET_POST,
        ),
        route(
            f"{PLAN}/kommentarer.{{fmt}}",
            plans.export_comments,
            name="plan_comments_export",
            access=LOGGED_IN,
            load=plan_access.plan,
        ),
        route(
            f"{PLAN}/handelser",
            plans.events,
            name="plan_events",
            access=LOGGED_IN,
            load=plan_access.plan,
        ),
    ]
