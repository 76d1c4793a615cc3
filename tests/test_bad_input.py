"""Bad input over real HTTP: every case is a 4xx problem+json, never a 500."""

from __future__ import annotations

from typing import Any

import httpx2
import jsonschema
import pytest

from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM

PROBLEM = "application/problem+json"


def assert_problem(r: httpx2.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"].startswith("https://")
    if slug:
        assert body["type"].endswith("/" + slug)
    assert "Traceback" not in r.text
    return body


@pytest.fixture
def client(service: ServiceFactory) -> httpx2.Client:
    return service(max_body_bytes=64 * 1024, max_article_chars=20_000)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "exactly one"),
        ({"text": ""}, "empty"),
        ({"text": "   \n\t "}, "empty"),
        ({"text": "a", "html": "<p>b</p>"}, "exactly one"),
        ({"text": "An article.", "colour": "red"}, "colour"),
        ({"text": "An article.", "options": {"max_figures": 8, "verbose": True}}, "verbose"),
        ({"text": 42}, "text"),
        ({"text": ["a"]}, "text"),
        ({"text": "An article.", "options": {"max_figures": -1}}, "max_figures"),
        ({"text": "An article.", "options": {"summary_sentences": 0}}, "summary_sentences"),
        ({"text": "An article.", "options": {"max_actors": "many"}}, "max_actors"),
        ({"text": "An article.", "language": "not a language tag!"}, "language"),
        ({"text": "An article.", "prompt": "Summarize Everything"}, "prompt"),
        ({"text": "An article.", "prompt": "x" * 500}, "prompt"),
        ({"text": "An article.", "options": None}, "options"),
    ],
)
def test_invalid_bodies_are_422(
    client: httpx2.Client, fake_llm: FakeLLM, body: dict[str, Any], needle: str
) -> None:
    r = client.post("/v1/summaries", json=body)
    problem = assert_problem(r, 422, "invalid-request")
    assert needle in r.text
    assert isinstance(problem["errors"], list)
    assert fake_llm.calls == []


@pytest.mark.parametrize(
    "raw", [b"{", b"not json", b'{"text": "a",}', b"\xff\xfe", b"[]", b"null", b'"text"']
)
def test_malformed_json_is_422(client: httpx2.Client, fake_llm: FakeLLM, raw: bytes) -> None:
    r = client.post("/v1/summaries", content=raw, headers={"content-type": "application/json"})
    assert_problem(r, 422)
    assert fake_llm.calls == []


@pytest.mark.parametrize(
    ("prompt", "status"), [("nosuchprompt", 422), ("summarize@99", 422), ("summarize@nosuchlabel", 422)]
)
def test_unknown_prompts(client: httpx2.Client, fake_llm: FakeLLM, prompt: str, status: int) -> None:
    r = client.post("/v1/summaries", json={"text": "An article about 3 cats.", "prompt": prompt})
    body = assert_problem(r, status, "unknown-prompt")
    assert prompt.rsplit("@", maxsplit=1)[-1] in body["detail"]
    assert fake_llm.calls == []


def test_oversized_body_by_content_length_is_413_before_reading(client: httpx2.Client) -> None:
    r = client.post("/v1/summaries", json={"text": "x" * 70_000})
    body = assert_problem(r, 413, "body-too-large")
    assert "65536" in body["detail"]


def test_oversized_chunked_body_is_413(client: httpx2.Client) -> None:
    def chunks() -> Any:
        yield b'{"text": "'
        for _ in range(100):
            yield b"y" * 1024
        yield b'"}'

    r = client.post("/v1/summaries", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(r, 413, "body-too-large")


def test_article_over_the_length_limit_is_422_with_the_limit(client: httpx2.Client) -> None:
    r = client.post("/v1/summaries", json={"text": "word " * 5000})
    body = assert_problem(r, 422, "article-too-long")
    assert "20000" in body["detail"]


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "", "text/html"])
def test_wrong_content_type_is_415(client: httpx2.Client, ctype: str) -> None:
    r = client.post("/v1/summaries", content=b'{"text": "An article."}', headers={"content-type": ctype})
    assert_problem(r, 415, "unsupported-media-type")


def test_html_without_article_text_is_422(client: httpx2.Client) -> None:
    r = client.post("/v1/summaries", json={"html": "<html><body><script>var x = 1;</script></body></html>"})
    assert_problem(r, 422, "invalid-article")


def test_unknown_route_and_method_are_problems(client: httpx2.Client) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404)
    assert_problem(client.get("/v1/summaries"), 405)


@pytest.mark.parametrize(
    "path", ["/v1/prompts/nosuch/1", "/v1/prompts/summarize/99", "/v1/prompts/summarize/beta"]
)
def test_unknown_prompt_in_the_catalogue_is_404(client: httpx2.Client, path: str) -> None:
    assert_problem(client.get(path), 404, "unknown-prompt")


def test_api_keys(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    client = service(api_keys=("k1", "k2"))
    assert_problem(client.get("/v1/prompts"), 401, "unauthorized")
    assert_problem(client.get("/v1/prompts", headers={"authorization": "Bearer nope"}), 401)
    assert_problem(client.get("/v1/prompts", headers={"authorization": "Basic k1"}), 401)
    r = client.post("/v1/summaries", json={"text": "x"}, headers={"authorization": "Bearer wrong"})
    assert_problem(r, 401)
    assert client.get("/v1/prompts", headers={"authorization": "Bearer k2"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert fake_llm.calls == []


# Found by API fuzzing (tests/fuzz).
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
