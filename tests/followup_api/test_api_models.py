"""The API's answers are made through the models its OpenAPI document is generated from: a value
the document would not allow cannot be made into an answer."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from partner_portal.evidence.models import EvidenceKind
from partner_portal.followup import api_models
from partner_portal.followup.api_schema import document
from partner_portal.followup.levels import Level
from partner_portal.platform import clock
from tests.helpers import BASE_URL


def evidence(**changes: Any) -> api_models.Evidence:
    fields: dict[str, Any] = {
        "id": 1,
        "occurred_at": clock.now(),
        "kind": EvidenceKind("item_submitted"),
        "process": None,
        "organisation_id": 1,
        "organisation_name": "Botkyrkabyggen",
        "room_name": None,
        "phase_title": None,
        "url": f"{BASE_URL}/rum/1",
        "late": False,
        "reason": None,
    }
    return api_models.Evidence(**(fields | changes))


def test_the_documents_schemas_are_the_models() -> None:
    schemas = document(BASE_URL)["components"]["schemas"]

    models: list[tuple[str, type[BaseModel]]] = [
        ("Evidence", api_models.Evidence),
        ("Matrix", api_models.Matrix),
    ]
    for name, model in models:
        schema = schemas[name]
        assert list(schema["properties"]) == list(model.model_fields), name
        assert schema["required"] == list(model.model_fields), name
        assert schema["additionalProperties"] is False, name
    assert list(schemas["Period"]["properties"]) == ["from", "to", "timezone"]


@pytest.mark.parametrize(
    "changes",
    [{"id": 0}, {"id": 2_147_483_648}, {"kind": "gissning"}, {"secret": "x"}, {"url": None}],
)
def test_an_answer_the_document_would_refuse_cannot_be_made(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        evidence(**changes)


def test_a_moment_is_written_in_swedish_time_to_the_second() -> None:
    moment = clock.now().astimezone(UTC).replace(microsecond=500_000)  # half a second past
    written = evidence(occurred_at=moment)

    local = moment.astimezone(clock.TIMEZONE).replace(microsecond=0).isoformat()
    assert written.model_dump(mode="json")["occurred_at"] == local


def test_every_level_must_be_counted() -> None:
    levels = dict.fromkeys(Level, 0)
    totals: dict[str, Any] = {"organisations": 1, "invited": 0, "took_part": 0, "absent": []}

    assert api_models.ProcessTotals(**totals, levels=levels).levels == levels
    with pytest.raises(ValidationError, match="the keys must be"):
        api_models.ProcessTotals(**totals, levels={Level("invited"): 1})
