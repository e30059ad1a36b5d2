"""The follow-up API's OpenAPI 3.1 description, written by hand next to the code it describes.

The values of processes, levels and kinds come from the enums themselves, and the limits from the
constants the endpoints use, so the document cannot fall behind them; the tests
(tests/followup_api) send generated requests and check every answer against this document with
schemathesis. The text is Swedish, like the API's messages and the portal.
"""

from __future__ import annotations

import enum
from typing import Any

from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.followup.api import (
    API_REQUESTS_PER_MINUTE,
    DATE_PATTERN,
    EVIDENCE_LIMIT_DEFAULT,
    EVIDENCE_LIMIT_MAX,
    MAX_ID,
)
from partner_portal.followup.levels import Level
from partner_portal.followup.service import PROCESSES
from partner_portal.organisations.models import OrganisationKind

TIMEZONE_NAME = "Europe/Stockholm"
VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _enum(members: type[enum.StrEnum], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": [m.value for m in members], "description": description}


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """Every property required and no others: the answer is exactly this."""
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


_COUNT = {"type": "integer", "minimum": 0}
_MOMENT = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

_ORGANISATION = {
    "id": _ID,
    "name": {"type": "string"},
    "kind": _ref("OrganisationKind"),
    "is_active": {"type": "boolean", "description": "Aktiv i portalen i dag."},
    "deactivated_at": _nullable(_MOMENT | {"description": "När organisationen inaktiverades."}),
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "Felets kod, för program."},
            "message": {"type": "string", "description": "Vad som blev fel, på svenska."},
            "parameter": {
                "type": "string",
                "description": "Parametern som inte kunde läsas (vid 400).",
            },
        },
        "additionalProperties": False,
    },
    "Process": _enum(Process, "Planeringsprocess."),
    "Level": _enum(
        Level,
        "Deltagandenivå, från lägst till högst: not_invited, invited, declined, accepted, "
        "active, contributed, completed. Nivån räknas fram ur underlaget (evidence) i perioden.",
    ),
    "OrganisationKind": _enum(OrganisationKind, "Organisationstyp."),
    "EvidenceKind": _enum(EvidenceKind, "Slag av underlag."),
    "Period": _object(
        {
            "from": _DATE | {"description": "Första dagen, inräknad."},
            "to": _DATE | {"description": "Sista dagen, inräknad."},
            "timezone": {"type": "string", "const": TIMEZONE_NAME},
        },
        "Perioden som svaret gäller, i kalenderdagar i svensk tid.",
    ),
    "Kinds": _nullable(
        {"type": "array", "items": _ref("OrganisationKind")}
        | {"description": "De organisationstyper som togs med; null betyder alla."}
    ),
    "Organisation": _object(_ORGANISATION),
    "Counts": _object(
        {
            "active": _COUNT | {"description": "Deltagande i dialogen utan inlämning."},
            "contributed": _COUNT | {"description": "Inlämnade underlag."},
            "completed": _COUNT | {"description": "Rum där allt som ägdes är godkänt."},
            "late": _COUNT | {"description": "Inlämningar efter fasens sista dag."},
            "evidence": _COUNT | {"description": "Allt underlag i cellen."},
        },
        "Underlaget bakom nivån.",
    ),
    "Cell": _object(
        {
            "level": _ref("Level"),
            "withdrew": {"type": "boolean", "description": "Lämnade ett rum under perioden."},
            "invited_at": _nullable(_MOMENT),
            "accepted_at": _nullable(_MOMENT),
            "declined_at": _nullable(_MOMENT),
            "withdrawn_at": _nullable(_MOMENT),
            "counts": _ref("Counts"),
        },
        "En organisation i en process: nivån och underlaget bakom den (senaste tidpunkterna).",
    ),
    "MatrixRow": _object(
        _ORGANISATION
        | {
            "cells": _object(
                {p.value: _ref("Cell") for p in PROCESSES}, "En cell per process, efter process."
            )
        }
    ),
    "ProcessTotals": _object(
        {
            "organisations": _COUNT,
            "invited": _COUNT | {"description": "Organisationer över nivån not_invited."},
            "took_part": _COUNT
            | {"description": "Organisationer på nivåerna accepted till completed."},
            "levels": _object({level.value: _COUNT for level in Level}, "Antal per nivå."),
            "absent": {
                "type": "array",
                "items": _ID,
                "description": "Inbjudna som inte deltog (invited eller declined), som id.",
            },
        }
    ),
    "Matrix": _object(
        {
            "period": _ref("Period"),
            "kinds": _ref("Kinds"),
            "processes": {"type": "array", "items": _ref("Process")},
            "organisations": {"type": "array", "items": _ref("MatrixRow")},
            "totals": _object(
                {p.value: _ref("ProcessTotals") for p in PROCESSES}, "Summor per process."
            ),
        }
    ),
    "Organisations": _object(
        {
            "period": _ref("Period"),
            "kinds": _ref("Kinds"),
            "organisations": {"type": "array", "items": _ref("Organisation")},
        }
    ),
    "Evidence": _object(
        {
            "id": _ID,
            "occurred_at": _MOMENT,
            "kind": _ref("EvidenceKind"),
            "process": _nullable(_ref("Process")),
            "organisation_id": _ID,
            "organisation_name": {"type": "string"},
            "room_name": _nullable({"type": "string"}),
            "phase_title": _nullable({"type": "string"}),
            "url": {
                "type": "string",
                "description": "Sidan i portalen där det hände (kräver inloggning).",
            },
            "late": _nullable(
                {"type": "boolean", "description": "För item_submitted: efter sista dagen."}
            ),
            "reason": _nullable(
                {
                    "type": "string",
                    "description": "Skälet, när organisationen avstod eller lämnade.",
                }
            ),
        },
        "Ett underlag: vad en organisation gjorde och när.",
    ),
    "EvidencePage": _object(
        {
            "period": _ref("Period"),
            "items": {"type": "array", "items": _ref("Evidence")},
            "next_after": _nullable(
                _ID
                | {"description": "Värdet för after som hämtar nästa sida; null på sista sidan."}
            ),
        }
    ),
}


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


PARAMETERS: dict[str, Any] = {
    "from": _query(
        "from", _DATE, "Periodens första dag (ÅÅÅÅ-MM-DD, svensk tid). Standard: 1 januari i år."
    ),
    "to": _query(
        "to",
        _DATE,
        "Periodens sista dag, inräknad. Standard: 31 december i år. Ligger to före from byts de.",
    ),
    "kind": _query(
        "kind",
        {"type": "array", "items": _ref("OrganisationKind"), "maxItems": 50},
        "Organisationstyp att ta med; kan upprepas. Standard: kommunala bolag, stiftelser och "
        "samverkansorgan (de som säkerhetsprogrammet frågar efter).",
        style="form",
        explode=True,
    ),
    "all_kinds": _query(
        "all_kinds",
        {"type": "boolean", "default": False},
        "true: alla organisationstyper (kind används då inte).",
    ),
    "organisation": _query("organisation", _ID, "Bara den här organisationens underlag (id)."),
    "process": _query("process", _ref("Process"), "Bara den här processens underlag."),
    "after": _query(
        "after",
        {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0},
        "Underlag med id större än detta: next_after från föregående sida.",
    ),
    "limit": _query(
        "limit",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": EVIDENCE_LIMIT_MAX,
            "default": EVIDENCE_LIMIT_DEFAULT,
        },
        "Högst så många underlag på sidan.",
    ),
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


RESPONSES: dict[str, Any] = {
    "BadRequest": _error(
        "En parameter kunde inte läsas, är okänd eller angavs flera gånger (error: "
        "invalid_parameter; parameter säger vilken)."
    ),
    "Unauthorized": _error(
        "API-nyckel saknas (missing_token), gäller inte (invalid_token: okänd, återkallad, "
        "innehavaren inaktiverad eller utan rollen) eller skickades fel, till exempel i "
        "adressen (invalid_request).",
        {
            "WWW-Authenticate": {
                "required": True,
                "description": "Bearer, med felkoden enligt RFC 6750.",
                "schema": {"type": "string"},
            }
        },
    ),
    "TooManyRequests": _error(
        f"Högst {API_REQUESTS_PER_MINUTE} anrop per minut och nyckel (rate_limited).",
        {
            "Retry-After": {
                "required": True,
                "description": "Sekunder att vänta.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    ),
}


def _get(
    operation_id: str,
    summary: str,
    description: str,
    parameters: list[str],
    schema: str,
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
            "responses": {
                "200": {
                    "description": "Svaret.",
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "429": {"$ref": "#/components/responses/TooManyRequests"},
            },
        }
    }


def document(base_url: str) -> dict[str, Any]:
    """The OpenAPI document, with the server's address from the settings (never the Host
    header)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Partnerportalen – uppföljningens API",
            "version": VERSION,
            "description": (
                "Uppföljningen för kommunstyrelsen som JSON, för kommunens rapportverktyg: hur "
                "partnerorganisationerna deltog i krisberedskapsplaneringen, räknat ur underlaget "
                "i portalen. Bara läsning. Samordnaren utfärdar en API-nyckel till en läsare för "
                "uppföljning under Uppföljning › API-nycklar; nyckeln skickas i huvudet "
                "Authorization: Bearer och slutar gälla när den återkallas eller när "
                "innehavaren inte längre har rollen. Datum är kalenderdagar i svensk tid "
                f"({TIMEZONE_NAME}); tidpunkter anges enligt ISO 8601 med tidsskillnad. Felsvar "
                'är JSON: {"error": kod, "message": text på svenska}.'
            ),
        },
        "servers": [{"url": f"{base_url.rstrip('/')}/api/v1"}],
        "security": [{"apiToken": []}],
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "Den här beskrivningen",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["openapi", "info", "paths"],
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/matrix": _get(
                "matrix",
                "Organisationer × processer",
                "Varje vald organisation i varje process, med deltagandenivån och underlaget "
                "bakom den, och summor per process. Samma tal som uppföljningssidan visar.",
                ["from", "to", "kind", "all_kinds"],
                "Matrix",
            ),
            "/organisations": _get(
                "organisations",
                "Organisationerna i perioden",
                "Organisationer av de valda typerna som fanns och var aktiva någon gång under "
                "perioden (samma urval som i matrisen).",
                ["from", "to", "kind", "all_kinds"],
                "Organisations",
            ),
            "/evidence": _get(
                "evidence",
                "Underlaget",
                "Underlaget i perioden för alla organisationer, äldst först, sida för sida: "
                "hämta nästa sida med after=next_after tills next_after är null.",
                ["from", "to", "organisation", "process", "after", "limit"],
                "EvidencePage",
            ),
        },
        "components": {
            "securitySchemes": {
                "apiToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "API-nyckel som börjar med pp_, från samordnaren. Aldrig i "
                    "adressen.",
                }
            },
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "schemas": SCHEMAS,
        },
    }
