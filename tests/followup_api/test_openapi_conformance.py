"""The API answers as its OpenAPI document says, checked with schemathesis.

Schemathesis generates the requests from the document (valid ones, and invalid ones: broken
dates, numbers out of range, unknown values, missing or garbled Authorization headers) and checks
each answer against the document: status code, content type, headers and body schema, no server
error, valid data accepted and invalid data refused. The requests go through the same in-process
ASGI client as every other test, on the test's own event loop and database (schemathesis' own
ASGI transport would run the app on a second event loop, which the database connections of the
test's app cannot follow); the cases are drawn with Hypothesis, derandomized so a failure repeats.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Err, Ok
from schemathesis.errors import InvalidSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from partner_portal.followup.api import ApiRoute
from partner_portal.followup.api_schema import document
from partner_portal.platform.ratelimit import RateLimiter
from partner_portal.routes import routes
from tests.followup_api.conftest import Landscape, bearer, this_year
from tests.helpers import BASE_URL

API = f"{BASE_URL}/api/v1"
SCHEMA = schemathesis.openapi.from_dict(document(BASE_URL))
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 40
AnyOperation = schemathesis.APIOperation[Any, Any, Any, Any]  # whatever its own types
AnyCase = Case[Any]


def operation_of(result: Ok[AnyOperation] | Err[InvalidSchema]) -> AnyOperation:
    """The operation, or the error saying why the document could not describe it."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


OPERATIONS = [operation_of(result) for result in SCHEMA.get_all_operations()]
WITH_PARAMETERS = [op for op in OPERATIONS if op.path != "/openapi.json"]


def drawn(
    strategy: st.SearchStrategy[AnyCase], count: int = EXAMPLES_PER_OPERATION
) -> list[AnyCase]:
    """``count`` cases from the strategy, the same ones on every run."""
    cases: list[AnyCase] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: AnyCase) -> None:
        cases.append(case)

    collect()
    return cases


async def send(
    client: httpx.AsyncClient, case: AnyCase, headers: dict[str, str] | None = None
) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url=API, headers=headers)
    return await client.request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=kwargs["headers"]
    )


@pytest.fixture
def unlimited(app: Starlette) -> None:
    """Hundreds of generated calls with one token: lift the per-token limit for these tests."""
    app.state.api_limiter = RateLimiter(100_000, 60)


@pytest.mark.usefixtures("unlimited")
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.path)
async def test_valid_requests_get_200_as_documented(
    client: httpx.AsyncClient, token: str, landscape: Landscape, operation: object
) -> None:
    assert isinstance(operation, schemathesis.APIOperation)
    for case in drawn(operation.as_strategy(GenerationMode.POSITIVE)):
        response = await send(client, case, bearer(token))

        case.validate_response(
            response, checks=[*CONFORMANCE, positive_data_acceptance], headers=bearer(token)
        )
        assert response.status_code == 200, (case.query, response.text)
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.usefixtures("unlimited")
@pytest.mark.parametrize("operation", WITH_PARAMETERS, ids=lambda op: op.path)
async def test_invalid_requests_are_refused_as_documented(
    client: httpx.AsyncClient, token: str, landscape: Landscape, operation: object
) -> None:
    assert isinstance(operation, schemathesis.APIOperation)
    statuses: set[int] = set()
    unsendable = 0
    for case in drawn(operation.as_strategy(GenerationMode.NEGATIVE)):
        assert case.meta is not None
        if (
            not case.meta.is_negative_at(ParameterLocation.HEADER)
            and [] in (case.query or {}).values()
        ):
            # A parameter with no values is not in a query string at all: the request sent
            # would not be the invalid one drawn (an unknown parameter left out is no error).
            unsendable += 1
            continue
        if case.meta.is_negative_at(ParameterLocation.HEADER):
            # The Authorization header itself was left out or garbled: sent as generated.
            response = await send(client, case)
            case.validate_response(response, checks=[*CONFORMANCE, ignored_auth])
            assert response.status_code == 401, (case.headers, response.text)
        else:
            response = await send(client, case, bearer(token))
            case.validate_response(
                response, checks=[*CONFORMANCE, negative_data_rejection], headers=bearer(token)
            )
            assert response.status_code == 400, (case.query, response.text)
            assert "parameter" in response.json()  # which one, for the person fixing the call
        statuses.add(response.status_code)

    assert statuses == {400, 401}  # both kinds of invalid request were tried
    assert unsendable <= EXAMPLES_PER_OPERATION // 4


@pytest.mark.parametrize(
    ("path", "query", "authorization", "status"),
    [
        ("/matrix", {}, "good", 200),
        (
            "/matrix",
            {"from": "{year}-01-01", "to": "{year}-12-31", "all_kinds": "true"},
            "good",
            200,
        ),
        ("/matrix", {"kind": ["polis", "stiftelse"]}, "good", 200),
        ("/organisations", {"kind": "kommunalt_bolag"}, "good", 200),
        ("/evidence", {"limit": "2"}, "good", 200),
        ("/evidence", {"process": "nodvatten", "after": "1"}, "good", 200),
        ("/openapi.json", {}, None, 200),
        ("/matrix", {"from": "{year}-02-30"}, "good", 400),
        ("/evidence", {"limit": "0"}, "good", 400),
        ("/evidence", {"process": "vatten"}, "good", 400),
        ("/matrix", {}, None, 401),
        ("/evidence", {}, "Bearer pp_" + "x" * 43, 401),
        ("/organisations", {}, "Basic YWxpY2U6c2VjcmV0", 401),
    ],
)
async def test_representative_calls_answer_as_documented(
    client: httpx.AsyncClient,
    token: str,
    landscape: Landscape,
    path: str,
    query: dict[str, str | list[str]],
    authorization: str | None,
    status: int,
) -> None:
    headers = {}
    if authorization:
        headers["Authorization"] = f"Bearer {token}" if authorization == "good" else authorization
    case = SCHEMA[path]["GET"].Case(query=this_year(query), headers=headers)

    response = await send(client, case)

    case.validate_response(response, checks=CONFORMANCE)
    assert response.status_code == status


async def test_the_rate_limit_answer_is_documented(
    app: Starlette, client: httpx.AsyncClient, token: str
) -> None:
    app.state.api_limiter = RateLimiter(1, 60)
    case = SCHEMA["/matrix"]["GET"].Case(headers=bearer(token))
    await send(client, case)

    response = await send(client, case)

    case.validate_response(response, checks=CONFORMANCE)
    assert response.status_code == 429


def test_the_document_describes_exactly_the_routes_served() -> None:
    served = {
        r.path.removeprefix("/api/v1")
        for r in routes(dev_tools=False)
        if isinstance(r, ApiRoute) and r.path.startswith("/api/v1/")
    }
    described = document(BASE_URL)

    assert described["openapi"] == "3.1.0"
    assert set(described["paths"]) == served
