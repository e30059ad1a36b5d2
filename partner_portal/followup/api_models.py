"""The follow-up API's answers as typed models: the views fill them, they write the JSON, and
partner_portal.followup.api_schema generates the OpenAPI document's schemas from them, so the
document and the answers cannot drift apart.

Every model forbids other properties and has no defaults, so each of its properties is required
and the answer is exactly this. The descriptions are Swedish, like the API's messages: a model's
docstring is its description in the document.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, core_schema

from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.followup.api import DATE_PATTERN, MAX_ID
from partner_portal.followup.levels import Level
from partner_portal.followup.service import PROCESSES
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform.clock import TIMEZONE

TIMEZONE_NAME: Final = "Europe/Stockholm"
REF = "#/components/schemas/{model}"


def _moment(value: datetime) -> str:
    """ISO 8601 with the offset, in Swedish time (as the dates of the period are)."""
    return value.astimezone(TIMEZONE).isoformat(timespec="seconds")


class _Every:
    """An object with one property per member of ``keys``, each required, and no others: so
    the document says, and so a made answer is checked."""

    def __init__(
        self, keys: Sequence[enum.StrEnum], value: dict[str, Any], description: str
    ) -> None:
        self.keys = [k.value for k in keys]
        self.schema = {
            "type": "object",
            "required": self.keys,
            "properties": dict.fromkeys(self.keys, value),
            "additionalProperties": False,
            "description": description,
        }

    def __get_pydantic_json_schema__(self, core: CoreSchema, handler: Any) -> dict[str, Any]:
        return self.schema

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def _check(self, value: dict[enum.StrEnum, Any]) -> dict[enum.StrEnum, Any]:
        if sorted(k.value for k in value) != sorted(self.keys):
            raise ValueError(f"the keys must be {', '.join(self.keys)}")
        return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0)]
Moment = Annotated[
    datetime,
    PlainSerializer(_moment, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Day = Annotated[date, WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Period(_Answer):
    """Perioden som svaret gäller, i kalenderdagar i svensk tid."""

    first: Annotated[Day, Field(alias="from", description="Första dagen, inräknad.")]
    last: Annotated[Day, Field(alias="to", description="Sista dagen, inräknad.")]
    timezone: Literal["Europe/Stockholm"]


Kinds = Annotated[
    tuple[OrganisationKind, ...] | None,
    Field(description="De organisationstyper som togs med; null betyder alla."),
]


class Organisation(_Answer):
    id: Id
    name: str
    kind: OrganisationKind
    is_active: Annotated[bool, Field(description="Aktiv i portalen i dag.")]
    deactivated_at: Annotated[Moment | None, Field(description="När organisationen inaktiverades.")]


class Counts(_Answer):
    """Underlaget bakom nivån."""

    active: Annotated[Count, Field(description="Deltagande i dialogen utan inlämning.")]
    contributed: Annotated[Count, Field(description="Inlämnade underlag.")]
    completed: Annotated[Count, Field(description="Rum där allt som ägdes är godkänt.")]
    late: Annotated[Count, Field(description="Inlämningar efter fasens sista dag.")]
    evidence: Annotated[Count, Field(description="Allt underlag i cellen.")]


class Cell(_Answer):
    """En organisation i en process: nivån och underlaget bakom den (senaste tidpunkterna)."""

    level: Level
    withdrew: Annotated[bool, Field(description="Lämnade ett rum under perioden.")]
    invited_at: Moment | None
    accepted_at: Moment | None
    declined_at: Moment | None
    withdrawn_at: Moment | None
    counts: Counts


class MatrixRow(Organisation):
    cells: Annotated[
        dict[Process, Cell],
        _Every(
            PROCESSES, {"$ref": REF.format(model="Cell")}, "En cell per process, efter process."
        ),
    ]


class ProcessTotals(_Answer):
    organisations: Count
    invited: Annotated[Count, Field(description="Organisationer över nivån not_invited.")]
    took_part: Annotated[
        Count, Field(description="Organisationer på nivåerna accepted till completed.")
    ]
    levels: Annotated[
        dict[Level, Count],
        _Every(list(Level), {"type": "integer", "minimum": 0}, "Antal per nivå."),
    ]
    absent: Annotated[
        list[Id],
        Field(description="Inbjudna som inte deltog (invited eller declined), som id."),
    ]


class Matrix(_Answer):
    period: Period
    kinds: Kinds
    processes: list[Process]
    organisations: list[MatrixRow]
    totals: Annotated[
        dict[Process, ProcessTotals],
        _Every(PROCESSES, {"$ref": REF.format(model="ProcessTotals")}, "Summor per process."),
    ]


class Organisations(_Answer):
    period: Period
    kinds: Kinds
    organisations: list[Organisation]


class Evidence(_Answer):
    """Ett underlag: vad en organisation gjorde och när."""

    id: Id
    occurred_at: Moment
    kind: EvidenceKind
    process: Process | None
    organisation_id: Id
    organisation_name: str
    room_name: str | None
    phase_title: str | None
    url: Annotated[str, Field(description="Sidan i portalen där det hände (kräver inloggning).")]
    late: Annotated[bool | None, Field(description="För item_submitted: efter sista dagen.")]
    reason: Annotated[
        str | None, Field(description="Skälet, när organisationen avstod eller lämnade.")
    ]


class EvidencePage(_Answer):
    period: Period
    items: list[Evidence]
    next_after: Annotated[
        Id | None,
        Field(description="Värdet för after som hämtar nästa sida; null på sista sidan."),
    ]


# The answers' models, and the enums' descriptions (an enum's own docstring is for the code).
MODELS: tuple[type[BaseModel], ...] = (
    Matrix,
    Organisations,
    EvidencePage,
    Cell,
    ProcessTotals,
)
ENUM_DESCRIPTIONS = {
    "Process": "Planeringsprocess.",
    "Level": "Deltagandenivå, från lägst till högst: not_invited, invited, declined, accepted, "
    "active, contributed, completed. Nivån räknas fram ur underlaget (evidence) i perioden.",
    "OrganisationKind": "Organisationstyp.",
    "EvidenceKind": "Slag av underlag.",
}
