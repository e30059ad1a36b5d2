"""Follow-up for the municipal board, and its API for reporting tools: this feature's part of the
one route table (composed in partner_portal.routes). Every route names its access policy, and the
route that names an API token its loader (followup.access)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, FOLLOWUP, FOLLOWUP_API, PUBLIC
from partner_portal.followup import access as followup_access
from partner_portal.followup import api_token_views as api_tokens
from partner_portal.followup import api_views as followup_api
from partner_portal.followup import programme_access
from partner_portal.followup import programme_views as programmes
from partner_portal.followup import views as followup
from partner_portal.followup.api import api_route
from partner_portal.platform.paths import GET_POST, POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
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
        # The programme's follow-up questions as data: read by the follow-up's readers,
        # versioned by coordinators, who also write the answers the portal has no evidence for.
        route("/uppfoljning/program", programmes.index, name="programmes", access=FOLLOWUP),
        route(
            "/uppfoljning/program/ny",
            programmes.new,
            name="programme_new",
            access=COORDINATOR,
            methods=GET_POST,
        ),
        route(
            "/uppfoljning/program/{programme_id:id}",
            programmes.show,
            name="programme",
            access=FOLLOWUP,
            load=programme_access.version,
        ),
        route(
            "/uppfoljning/program/{programme_id:id}/andra",
            programmes.edit,
            name="programme_edit",
            access=COORDINATOR,
            load=programme_access.version_to_change,
            methods=GET_POST,
        ),
        route(
            "/uppfoljning/program/fragor/{question_id:id}/svar",
            programmes.answer,
            name="programme_answer",
            access=COORDINATOR,
            load=programme_access.manual_question,
            methods=GET_POST,
        ),
    ]


def api() -> list[BaseRoute]:
    return [
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
            load=followup_access.token_to_revoke,
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
    ]
