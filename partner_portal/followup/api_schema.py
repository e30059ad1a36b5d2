"""The follow-up API's OpenAPI 3.1 description: the answers' schemas generated from the models
that write them (partner_portal.followup.api_models), the operations and parameters here.

The values of processes, levels and kinds come from the enums themselves, and the limits from the
constants the endpoints use, so the document cannot fall behind them; the tests
(tests/followup_api) send generated requests and check every answer against this document with
schemathesis. The text is Swedish, like the API's messages and the portal.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from pydantic_core import CoreSchema

from partner_portal.followup import api_models
from partner_portal.followup.api import (
    API_REQUESTS_PER_MINUTE,
    DATE_PATTERN,
    EVIDENCE_LIMIT_DEFAULT,
    EVIDENCE_LIMIT_MAX,
    MAX_ID,
    Error,
)
from partner_portal.followup.api_models import ENUM_DESCRIPTIONS, MODELS, TIMEZONE_NAME

VERSION = "1.0.0"
__all__ = ["TIMEZONE_NAME", "VERSION", "document"]

_DATE = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


class _Untitled(GenerateJsonSchema):
    """Properties without titles: the document names them once, by their key."""

    def field_title_should_be_set(self, schema: CoreSchema) -> bool:
        return False


def _schemas() -> dict[str, Any]:
    models: list[type[BaseModel]] = [Error, *MODELS]
    _, generated = models_json_schema(
        [(model, "serialization") for model in models],
        ref_template=api_models.REF,
        schema_generator=_Untitled,
    )
    schemas: dict[str, Any] = generated["$defs"]
    for name, description in ENUM_DESCRIPTIONS.items():
        schemas[name] = schemas[name] | {"description": description}
    return schemas


SCHEMAS = _schemas()


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
