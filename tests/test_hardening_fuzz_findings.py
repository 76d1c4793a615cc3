"""Regression tests for what API fuzzing (tests/fuzz) found, over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx2
import jsonschema
import pytest

from tests.conftest import ServiceFactory
from tests.test_bad_input import assert_problem


@pytest.fixture
def client(service: ServiceFactory) -> httpx2.Client:
    return service()


@pytest.mark.parametrize("path", ["/v1/prompts", "/v1/schema", "/v1/summaries"])
def test_undeclared_methods_are_405_not_415(client: httpx2.Client, path: str) -> None:
    assert_problem(client.put(path), 405)
    assert_problem(client.patch(path, content=b"x", headers={"content-type": "text/plain"}), 405)


def test_an_empty_body_without_content_type_is_the_routes_422(client: httpx2.Client) -> None:
    assert_problem(client.post("/v1/summaries"), 422, "invalid-request")


def test_a_body_that_is_not_utf8_is_422(client: httpx2.Client) -> None:
    r = client.post("/v1/summaries", content=b"\x9c\xe1Xp\xa9^", headers={"content-type": "application/json"})
    assert_problem(r, 422, "invalid-request")


@pytest.mark.parametrize("value", [True, "5", 5.5])
def test_counts_are_integers(client: httpx2.Client, value: Any) -> None:
    r = client.post("/v1/summaries", json={"text": "An article.", "options": {"max_actors": value}})
    assert_problem(r, 422, "invalid-request")


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"text": "An article."}, True),
        ({"html": "<p>An article.</p>", "text": None}, True),
        ({"text": None, "html": None}, False),
        ({"text": "a", "html": "<p>b</p>"}, False),
        ({"text": " \n "}, False),
        ({}, False),
    ],
)
def test_the_documented_request_schema_agrees_with_the_service(
    client: httpx2.Client, body: dict[str, Any], valid: bool
) -> None:
    spec = client.get("/openapi.json").json()
    schema = jsonschema.validators.Draft202012Validator(
        {"$ref": "#/components/schemas/SummarizeRequest", "components": spec["components"]}
    )
    assert schema.is_valid(body) is valid
    status = client.post("/v1/summaries", json=body).status_code
    assert (status != 422) is valid
